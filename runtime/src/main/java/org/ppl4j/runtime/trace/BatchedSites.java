package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;
import org.ppl4j.runtime.dist.BatchedDistribution;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;

/**
 * Random choices in a vectorised body of k iterations: one site draws the k iterations' values at once, along a
 * leading axis, and a log density is one per iteration (summed over each iteration's elements).
 */
public final class BatchedSites {
    private BatchedSites() {
    }

    /**
     * The k values of a site drawn at once by its strategy {@code s}, which must allow it
     * ({@link GradientStrategy#batchable}): from d's batched form, or from d itself when its parameters differ
     * per iteration.
     */
    public static Batched sample(Distribution d, Site site, GradientStrategy s, EstimationContext context, int k) {
        if (!s.batchable(d.family(), context.differentiating())) {
            throw new NotBatchable("the random choice " + site.address() + " by " + s.name()
                    + " needs bookkeeping of its own per iteration");
        }
        Distribution draws;
        if (d instanceof BatchedDistribution b) {
            if (b.size() != k) {
                throw new NotBatchable("a distribution batched over " + b.size() + " iterations in a body of " + k);
            }
            draws = b.concrete(b.drawRank());
        } else {
            draws = d.batchOf(k);
        }
        if (draws == null) {
            throw new NotBatchable(d.family().name() + " has no batched form");
        }
        return Batched.of(s.sample(draws, site, context), k);
    }

    /**
     * log d(x), one per iteration when x or d is batched (a batched value), else the plain log density. The value
     * and the parameters are aligned to the larger event rank, so an unbatched one broadcasts against each
     * iteration's as it would in the loop.
     */
    public static Object logDensity(Distribution d, Object x) {
        int k = x instanceof Batched b ? b.size() : d instanceof BatchedDistribution bd ? bd.size() : -1;
        if (k < 0) {
            return d.logDensity(x);
        }
        if (d instanceof BatchedDistribution bd && bd.size() != k) {
            throw new NotBatchable("a value of " + k + " iterations under a distribution of " + bd.size());
        }
        int drawRank = d.drawRank();
        if (drawRank < 0) {
            throw new NotBatchable(d.family().name() + " has no batched log density");
        }
        int rank = Math.max(drawRank, Batched.eventRank(x));
        Distribution concrete = d instanceof BatchedDistribution bd ? bd.concrete(rank) : d;
        Object value = x instanceof Batched b ? b.aligned(rank) : x;
        return Batched.of(concrete.batchLogDensity(value, k), k);
    }
}
