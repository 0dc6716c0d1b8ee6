package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/** x = T(eps; theta) with eps parameter-free: the gradient flows through the sample itself. Unbiased. */
public final class Reparam implements GradientStrategy {
    public static final Reparam INSTANCE = new Reparam();

    private Reparam() {
    }

    @Override
    public String name() {
        return "reparam";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.REPARAMETERIZED);
    }

    /** k reparameterised draws at once are k independent ones, each with its own gradient path. */
    @Override
    public boolean batchable(DistributionFamily family, boolean differentiating) {
        return true;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        return context.differentiating() ? distribution.reparamSample(context.rng())
                : distribution.sample(context.rng());
    }
}
