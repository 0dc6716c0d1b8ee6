package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * The Concrete / Gumbel-softmax relaxation (Maddison et al., Jang et al. 2017) at a temperature: the value
 * is a continuous point in [0, 1] (or on the simplex), reparameterised, and densities at this address use
 * the relaxed log density. BIASED, more so at high temperature; low temperatures raise the variance.
 */
public final class Relax implements GradientStrategy {
    private final double temperature;

    public Relax(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("relax: the temperature must be a positive number, got " + temperature);
        }
        this.temperature = temperature;
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public String name() {
        return "relax";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.RELAXABLE);
    }

    @Override
    public boolean unbiased() {
        return false;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        if (context.hardens()) {
            return distribution.hardened(distribution.relaxedSample(context.rng(), temperature));
        }
        if (!context.differentiating()) {
            return distribution.sample(context.rng());
        }
        context.markConcrete(site);
        return distribution.relaxedSample(context.rng(), temperature);
    }

    @Override
    public String describe() {
        return "relax(" + temperature + ")";
    }
}
