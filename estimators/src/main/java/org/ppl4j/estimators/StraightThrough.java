package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * Straight-through (Bengio et al. 2013): the forward value is the hard sample h, the backward pass acts as
 * if it were the mean p: h + p - stop(p). Categorical values become one-hot vectors. BIASED: use it where a
 * low-variance, approximately right direction matters more than exactness (binary neural units); check
 * against reinforce or enum when in doubt.
 */
public final class StraightThrough implements GradientStrategy {
    public static final StraightThrough INSTANCE = new StraightThrough();

    private StraightThrough() {
    }

    @Override
    public String name() {
        return "straight_through";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.STRAIGHT_THROUGH);
    }

    @Override
    public boolean unbiased() {
        return false;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        Object h = distribution.sample(context.rng());
        if (!context.differentiating()) {
            return h;
        }
        context.markRelaxed(site);
        return distribution.straightThrough(h);
    }
}
