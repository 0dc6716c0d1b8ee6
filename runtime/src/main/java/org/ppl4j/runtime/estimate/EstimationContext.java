package org.ppl4j.runtime.estimate;

import java.util.List;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.dist.Distribution;

/**
 * What a strategy may ask of the run that builds the surrogate. Each method returns the value the
 * program should continue with (possibly a provenance-tracked copy of the sample).
 */
public interface EstimationContext {
    /**
     * The strategy for a site: overrides given from outside the model (by address pattern) take precedence
     * over the site's own. Throws a user-facing error if the override cannot handle the distribution.
     */
    default GradientStrategy strategyFor(Site site, Distribution distribution, GradientStrategy own) {
        return own;
    }

    /**
     * k while a vectorised body of k iterations runs (each site then draws k values at once, see
     * {@code BatchedSites}), else 0.
     */
    default int batch() {
        return 0;
    }

    /** The main random stream: replayed identically in every run of one estimate. */
    Rng rng();

    /** A second stream for draws that only some runs make (a coupling's extra draw). */
    Rng auxRng();

    /** Whether gradients are being estimated (false while sampling for summaries). */
    boolean differentiating();

    /**
     * Score-function choice: {@code x} was sampled (no gradient path) and {@code logProb} is log q(x; theta).
     * The surrogate multiplies the terms that depend on x by DiCE's magic box of it, minus the baseline.
     */
    Object scored(Site site, Object x, Object logProb, Baseline baseline);

    /**
     * The number of leading axes of a tensor choice drawn now whose elements are independent: 1 inside
     * {@code local} (the data axis), k inside {@code local(axes: k)}, 0 elsewhere.
     */
    default int independentAxes() {
        return 0;
    }

    /** Set by the model's handler before each choice: see {@link #independentAxes}. */
    default void setIndependentAxes(int axes) {
    }

    /**
     * A score-function tensor choice with independent elements along its leading axes: {@code elementLogProb} is
     * log q of each element (a tensor of those axes' shape). Each element's score reaches only the terms of the
     * objective that depend on that element. By default the choice is scored whole.
     */
    default Object scoredElements(Site site, Object x, Object elementLogProb, Baseline baseline) {
        return scored(site, x, org.ppl4j.runtime.ad.AD.sum(elementLogProb), baseline);
    }

    /**
     * Enumerated tensor choice whose leading {@code axes} axes hold independent elements: value r of
     * {@code values} puts every element at its r-th joint value (all elements move together), and the expectation
     * of each term is taken element by element, so the runs are the joint values of one element, not of the tensor.
     */
    default Object enumeratedElements(Site site, Distribution distribution, List<Object> values, int axes) {
        throw new UnsupportedOperationException("enumeration of independent elements is not available here");
    }

    /** Enumerated choice: the expectation over {@code values} is taken exactly. */
    Object enumerated(Site site, Distribution distribution, List<Object> values);

    /** Measure-valued choice: x was sampled; the weak derivative needs the program at coupled values. */
    Object measureValued(Site site, Distribution distribution, Object x);

    /**
     * Measure-valued tensor choice whose leading {@code axes} axes hold independent elements, with the weak
     * derivative terms {@code w} of each entry alone ({@link Distribution#elementWeakDerivatives}): each run puts
     * entry u of every element at one coupled value and the other entries at the sample ({@link EntryCouplings}),
     * so the runs number 1 + (coupled values) x (entries per element), whatever the number of elements; each
     * element's terms give its own weak derivative.
     */
    default Object measureValuedElements(Site site, Distribution distribution, Object x,
            List<Distribution.WeakDerivative> w, int axes) {
        throw new UnsupportedOperationException("measure-valued derivatives of independent elements are not"
                + " available here");
    }

    /** Path (sticking the landing): densities of this same site see its parameters detached. */
    void markPath(Site site);

    /** Straight-through or relaxed value: densities at this address use the relaxed log density. */
    void markRelaxed(Site site);

    /**
     * A relaxed (Concrete) value that is not the discrete one: as {@link #markRelaxed}, and the objective's value
     * of this run is the relaxed objective, so the hard one is evaluated too.
     */
    default void markConcrete(Site site) {
        markRelaxed(site);
    }

    /**
     * Whether this run evaluates the hard objective of a relaxed estimate: a relaxation draws its relaxed value
     * from the same random stream and hands on the discrete value it rounds to.
     */
    default boolean hardens() {
        return false;
    }

    /** A guide (a model simulated inside an objective) drew {@code address} from {@code distribution}. */
    default void noteDraw(Site site, Distribution distribution) {
    }
}
