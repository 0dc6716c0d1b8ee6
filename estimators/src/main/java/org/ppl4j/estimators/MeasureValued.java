package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
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
        if (context.differentiating() && distribution.drawShape() != null) {
            throw new IllegalArgumentException("mvd on " + site.address() + " ~ " + distribution.family().name()
                    + " of shape " + java.util.Arrays.toString(distribution.drawShape()) + ": measure-valued"
                    + " derivatives of tensor choices are not supported (each element would need replays of its"
                    + " own); use enum or reinforce (per element inside local), or one choice per element");
        }
        return context.differentiating() ? context.measureValued(site, distribution, x) : x;
    }
}
