package org.ppl4j.estimators;

import java.util.List;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EntryCouplings;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * Measure-valued derivatives (ADEV's weak derivatives): d/dtheta E[f] = c (E f(x+) - E f(x-)) with x+ and
 * x- coupled to the sample; the program is replayed at the coupled values. Unbiased; for discrete choices
 * where REINFORCE is too noisy and enumeration too costly.
 */
public final class MeasureValued implements GradientStrategy {
    public static final MeasureValued INSTANCE = new MeasureValued();

    private MeasureValued() {
    }

    @Override
    public String name() {
        return "mvd";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.MEASURE_VALUED);
    }

    /** Only when sampling: each draw's score, enumeration or coupling is bookkeeping of its own. */
    @Override
    public boolean batchable(DistributionFamily family, boolean differentiating) {
        return !differentiating;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        Object x = distribution.sample(context.rng());
        if (!context.differentiating()) {
            return x;
        }
        int[] shape = distribution.drawShape();
        if (shape == null) {
            return context.measureValued(site, distribution, x);
        }
        return perElement(distribution, site, context, x, shape);
    }

    /**
     * A tensor choice: each entry's weak derivative with the other entries as drawn, all elements along the
     * independent axes at once (1 + coupled values x entries-per-element runs: bernoulli 2, poisson and geometric
     * 1, a categorical of K categories K); the objective must keep the elements apart, which the surrogate checks
     * term by term.
     */
    private static Object perElement(Distribution distribution, Site site, EstimationContext context, Object x,
            int[] shape) {
        String what = "mvd on " + site.address() + " ~ " + distribution.family().name() + " of shape "
                + java.util.Arrays.toString(shape);
        List<Distribution.WeakDerivative> w = distribution.elementWeakDerivatives(x, context.auxRng());
        if (w == null) {
            throw new IllegalArgumentException(what + ": " + distribution.family().name() + " has no weak derivative"
                    + " entry by entry for tensor values; use reinforce (per element inside local), or one choice per"
                    + " element");
        }
        int axes = Math.min(context.independentAxes(), shape.length);
        if (axes == 0) {
            throw new IllegalArgumentException(what + ": outside local no axis is independent, so the entries'"
                    + " couplings cannot run together (each would need runs of its own); draw it inside local (its"
                    + " leading axis holds the data) or local(axes: k), or use reinforce or enum");
        }
        int perElement = 1;
        for (int i = axes; i < shape.length; i++) {
            perElement *= shape[i];
        }
        long runs = EntryCouplings.runs(x, w, perElement);
        if (runs > org.ppl4j.runtime.estimate.ObjectiveEstimator.MAX_ENUMERATION_RUNS) {
            throw new IllegalArgumentException(what + ": each element (axes " + axes + ".." + (shape.length - 1)
                    + ") needs " + runs + " runs of the program, more than "
                    + org.ppl4j.runtime.estimate.ObjectiveEstimator.MAX_ENUMERATION_RUNS + "; declare more axes"
                    + " independent (local(axes: k)), or use reinforce");
        }
        return context.measureValuedElements(site, distribution, x, w, axes);
    }
}
