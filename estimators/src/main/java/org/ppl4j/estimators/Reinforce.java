package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * The score-function estimator: the sample is detached and log q(x; theta) joins the surrogate through
 * DiCE's magic box, reaching only the terms of the objective that depend on x, with an optional baseline.
 * Unbiased for every distribution whose support does not move with its parameters.
 */
public final class Reinforce implements GradientStrategy {
    private final Baseline baseline;

    public Reinforce(Baseline baseline) {
        this.baseline = baseline;
    }

    public Baseline baseline() {
        return baseline;
    }

    @Override
    public String name() {
        return "reinforce";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return !family.has(Capability.PARAMETER_DEPENDENT_SUPPORT);
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
        int axes = context.independentAxes();
        if (axes > 0 && x instanceof org.ppl4j.runtime.ad.Tensor t && t.rank() >= axes) {
            Object perElement = distribution.logDensityPerElement(x, axes);
            if (perElement != null) {
                return context.scoredElements(site, x, perElement, baseline);
            }
        }
        return context.scored(site, x, distribution.logDensity(x), baseline);
    }

    @Override
    public GradientStrategy withBaselineValue(Object value) {
        return new Reinforce(new LearnedBaseline(value));
    }

    @Override
    public String describe() {
        return baseline == Baseline.NONE ? "reinforce" : "reinforce(baseline: " + baseline.describe() + ")";
    }
}
