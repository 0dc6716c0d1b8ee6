package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * Exact expectation over a finite support. The program is replayed once per value, and each term of the
 * objective that depends on the choice is replaced by its exact expectation. Choices that share no term move
 * together, so independent choices cost one run per value, not one per combination; choices that share a term
 * are enumerated jointly over their group's support (see the runtime's EnumerationPlan). Zero variance from
 * this choice.
 */
public final class Enumerate implements GradientStrategy {
    public static final Enumerate INSTANCE = new Enumerate();

    private Enumerate() {
    }

    @Override
    public String name() {
        return "enum";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.ENUMERABLE);
    }

    /** Only when sampling: each draw's score, enumeration or coupling is bookkeeping of its own. */
    @Override
    public boolean batchable(DistributionFamily family, boolean differentiating) {
        return !differentiating;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        if (!context.differentiating()) {
            return distribution.sample(context.rng());
        }
        return context.enumerated(site, distribution, distribution.enumerateSupport());
    }
}
