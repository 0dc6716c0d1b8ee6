package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.stdlib.dist.Distributions;

/** {@code normal(mu, sigma)} and the other distribution constructors. */
final class DistributionBuiltin extends PplBuiltin {
    private final DistributionFamily family;
    private final java.util.function.Function<Object[], org.ppl4j.runtime.dist.Distribution> factory;

    DistributionBuiltin(DistributionFamily family) {
        this.family = family;
        this.factory = Distributions.factory(family.name());
    }

    @Override
    public String name() {
        return family.name();
    }

    @Override
    public List<String> parameters() {
        return family.parameters();
    }

    @Override
    public int required() {
        return family.required();
    }

    @Override
    public DistributionFamily distributionFamily() {
        return family;
    }

    @Override
    public Object call(Object[] args, PplContext context) {
        Object[] converted = args;
        for (int i = 0; i < converted.length; i++) {
            if (converted[i] instanceof PplList l) {
                if (converted == args) {
                    converted = args.clone();
                }
                converted[i] = Args.fromList(family.name(), family.parameters().get(i), l);
            }
        }
        if (context.batch() > 0) {
            for (Object a : converted) {
                if (a instanceof org.ppl4j.runtime.ad.Batched) {
                    return new org.ppl4j.runtime.dist.BatchedDistribution(family, factory, converted);
                }
            }
        }
        return factory.apply(converted);
    }

    /** Parameters that differ per iteration of a vectorised body make one distribution per iteration. */
    @Override
    public Batching batching() {
        return Batching.OWN;
    }
}
