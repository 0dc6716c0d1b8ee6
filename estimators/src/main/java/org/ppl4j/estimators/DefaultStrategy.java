package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * For a site whose distribution is only known at run time: reparam where the distribution has it,
 * otherwise reinforce with a running-mean baseline (DESIGN.md section 2).
 */
public final class DefaultStrategy implements GradientStrategy {
    public static final DefaultStrategy INSTANCE = new DefaultStrategy();

    private DefaultStrategy() {
    }

    @Override
    public String name() {
        return "default";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return true;
    }

    /** Where the default is reparam, or only samples. */
    @Override
    public boolean batchable(DistributionFamily family, boolean differentiating) {
        return !differentiating || family.has(org.ppl4j.runtime.dist.Capability.REPARAMETERIZED);
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        return Strategies.defaultFor(distribution.family()).sample(distribution, site, context);
    }

    @Override
    public String describe() {
        return "default (reparam if available, else reinforce(baseline: running_mean))";
    }
}
