package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * Sticking the landing (Roeder et al. 2017): a reparameterised sample, and every density of this same site
 * inside the objective sees the site's parameters detached, so the score term of log q (zero in
 * expectation) is dropped. Unbiased for KL-type objectives such as the ELBO; zero variance when q is the
 * posterior.
 */
public final class Path implements GradientStrategy {
    public static final Path INSTANCE = new Path();

    private Path() {
    }

    @Override
    public String name() {
        return "path";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.REPARAMETERIZED) && !family.has(Capability.PARAMETER_DEPENDENT_SUPPORT);
    }

    /** As reparam; the detached densities are taken per iteration all the same. */
    @Override
    public boolean batchable(DistributionFamily family, boolean differentiating) {
        return true;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        if (!context.differentiating()) {
            return distribution.sample(context.rng());
        }
        context.markPath(site);
        return distribution.reparamSample(context.rng());
    }
}
