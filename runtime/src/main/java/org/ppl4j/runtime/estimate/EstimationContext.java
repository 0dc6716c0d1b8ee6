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

    /** Enumerated choice: the expectation over {@code values} is taken exactly. */
    Object enumerated(Site site, Distribution distribution, List<Object> values);

    /** Measure-valued choice: x was sampled; the weak derivative needs the program at coupled values. */
    Object measureValued(Site site, Distribution distribution, Object x);

    /** Path (sticking the landing): densities of this same site see its parameters detached. */
    void markPath(Site site);

    /** Straight-through or relaxed value: densities at this address use the relaxed log density. */
    void markRelaxed(Site site);

    /** A guide (a model simulated inside an objective) drew {@code address} from {@code distribution}. */
    default void noteDraw(Site site, Distribution distribution) {
    }
}
