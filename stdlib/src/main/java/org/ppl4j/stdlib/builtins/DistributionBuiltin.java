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

    DistributionBuiltin(DistributionFamily family) {
        this.family = family;
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
        Object[] converted = args.clone();
        for (int i = 0; i < converted.length; i++) {
            if (converted[i] instanceof PplList l) {
                converted[i] = Args.fromList(family.name(), family.parameters().get(i), l);
            }
        }
        return Distributions.create(family.name(), converted);
    }
}
