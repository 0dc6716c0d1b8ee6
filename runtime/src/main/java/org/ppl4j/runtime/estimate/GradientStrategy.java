package org.ppl4j.runtime.estimate;

import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;

/**
 * How one random choice is sampled and differentiated. A strategy is a value attached to each site by
 * the estimate pass; the runtime calls {@link #sample} and never asks which strategy it has.
 */
public interface GradientStrategy {
    /** The name written after {@code by}. */
    String name();

    /** Whether this strategy can be used for values of the family. */
    boolean supports(DistributionFamily family);

    /** Draws the value of the site and registers with the context whatever its surrogate needs. */
    Object sample(Distribution distribution, Site site, EstimationContext context);

    /** A readable form with its options, for dumps: {@code reinforce(baseline: running_mean(0.9))}. */
    default String describe() {
        return name();
    }

    /**
     * This strategy with a baseline the program computed for this sample ({@code by reinforce(baseline: e)}):
     * only score-function strategies take one.
     */
    default GradientStrategy withBaselineValue(Object baseline) {
        throw new UnsupportedOperationException(name() + " takes no baseline");
    }

    /**
     * Whether k draws of a site of this family may be made at once, along a leading axis, in a vectorised body:
     * only where the site needs no bookkeeping of its own per draw (a reparameterised or path gradient; any
     * strategy that only samples when {@code differentiating} is false).
     */
    default boolean batchable(DistributionFamily family, boolean differentiating) {
        return false;
    }

    /** Whether the estimates are unbiased (straight-through and relaxations are not). */
    default boolean unbiased() {
        return true;
    }
}
