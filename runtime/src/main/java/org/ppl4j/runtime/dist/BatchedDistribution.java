package org.ppl4j.runtime.dist;

import java.util.function.Function;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;

/**
 * A distribution built in a vectorised body from parameters that differ per iteration ({@link Batched}): k
 * distributions, one per iteration. Its concrete form for a given event rank ({@link #concrete}) is the family's
 * distribution with every batched parameter {@linkplain Batched#aligned aligned} to that rank, so the leading axis
 * of its parameters runs over the iterations. Everything else about it (a mean, a sample outside a handler) has no
 * batching rule.
 */
public final class BatchedDistribution implements Distribution {
    private final DistributionFamily family;
    private final Function<Object[], Distribution> factory;
    private final Object[] args;
    private final int size;
    private final int paramRank;
    private Distribution[] concrete = new Distribution[4];

    /** @param args the parameters as the family's factory takes them, some of them batched; null where omitted */
    public BatchedDistribution(DistributionFamily family, Function<Object[], Distribution> factory, Object[] args) {
        this.family = family;
        this.factory = factory;
        this.args = args.clone();
        int rank = 0;
        for (Object a : args) {
            if (a instanceof Batched || AD.isNumeric(a)) {
                rank = Math.max(rank, Batched.eventRank(a));
            } else if (a != null) {
                throw new NotBatchable(family.name() + " with a parameter of this kind and batched ones");
            }
        }
        this.paramRank = rank;
        this.size = Batched.sizeOf(args);
        concrete(rank); // checks the parameters now, as an unbatched distribution would
    }

    /** k, the number of iterations. */
    public int size() {
        return size;
    }

    /** The family's distribution with the batched parameters aligned to event rank {@code rank}. */
    public Distribution concrete(int rank) {
        if (rank >= concrete.length) {
            concrete = java.util.Arrays.copyOf(concrete, rank + 1);
        }
        if (concrete[rank] == null) {
            Object[] aligned = args.clone();
            for (int i = 0; i < aligned.length; i++) {
                if (aligned[i] instanceof Batched b) {
                    aligned[i] = b.aligned(rank);
                }
            }
            Distribution d = factory.apply(aligned);
            if (d.drawRank() < 0) {
                throw new NotBatchable(family.name() + " has no batched form");
            }
            concrete[rank] = d;
        }
        return concrete[rank];
    }

    @Override
    public int drawRank() {
        return paramRank;
    }

    @Override
    public DistributionFamily family() {
        return family;
    }

    @Override
    public Distribution detachParameters() {
        Object[] detached = args.clone();
        for (int i = 0; i < detached.length; i++) {
            detached[i] = detached[i] == null ? null : AD.detach(detached[i]);
        }
        return new BatchedDistribution(family, factory, detached);
    }

    @Override
    public Object sample(Rng rng) {
        throw unbatched("a sample");
    }

    @Override
    public Object logDensity(Object x) {
        throw unbatched("a log density");
    }

    @Override
    public Support support() {
        return concrete(paramRank).support();
    }

    @Override
    public double mean() {
        throw unbatched("the mean");
    }

    @Override
    public double variance() {
        throw unbatched("the variance");
    }

    private NotBatchable unbatched(String what) {
        return new NotBatchable(what + " of " + family.name() + " outside a random choice");
    }

    @Override
    public String toString() {
        return family.name() + "(batched over " + size + " iterations)";
    }
}
