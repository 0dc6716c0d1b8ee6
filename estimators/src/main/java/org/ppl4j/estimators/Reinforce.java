package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;

/**
 * The score-function estimator: the sample is detached and log q(x; theta) joins the surrogate through
 * DiCE's magic box, optionally with a baseline. Works for every distribution; unbiased.
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
        return true;
    }

    @Override
    public Object sample(Distribution distribution, String siteKey, EstimationContext context) {
        Object x = distribution.sample(context.rng());
        if (context.differentiating()) {
            context.addScore(distribution.logDensity(x), baseline, siteKey);
        }
        return x;
    }

    @Override
    public String describe() {
        return baseline == Baseline.NONE ? "reinforce" : "reinforce(baseline: " + baseline.describe() + ")";
    }
}
