package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** The beta distribution with {@code alpha > 0}, {@code beta > 0}, on [0, 1]. */
public final class Beta extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("beta", List.of("alpha", "beta"), 2, Set.of());

    public Beta(Object alpha, Object beta) {
        super(FAMILY, FAMILY.parameters(),
                Params.checked(FAMILY.name(), "alpha", alpha, Params.CONCENTRATION),
                Params.checked(FAMILY.name(), "beta", beta, Params.CONCENTRATION));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: alpha, beta. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Beta(a[0], a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Beta(p[0], p[1]);
    }

    public Object alpha() {
        return param(0);
    }

    public Object beta() {
        return param(1);
    }

    /** lgamma(a + b) - lgamma(a) - lgamma(b) + (a - 1) log x + (b - 1) log(1 - x). */
    @Override
    Object elementLogDensity(Object x) {
        Object a = alpha();
        Object b = beta();
        Object logNorm = AD.sub(AD.lgamma(AD.add(a, b)), AD.add(AD.lgamma(a), AD.lgamma(b)));
        return AD.add(logNorm, AD.add(Params.xlogy(AD.sub(a, 1.0), x), Params.xlog1my(AD.sub(b, 1.0), x)));
    }

    /** X / (X + Y) for X ~ gamma(alpha), Y ~ gamma(beta). */
    @Override
    double sampleElement(double[] p, Rng rng) {
        double x = rng.nextGamma(p[0]);
        double y = rng.nextGamma(p[1]);
        double s = x + y;
        if (s == 0) {
            // both underflowed (tiny alpha and beta): the mass sits at the ends, 1 with probability a / (a + b)
            return rng.nextDouble() * (p[0] + p[1]) < p[0] ? 1.0 : 0.0;
        }
        return x / s;
    }

    @Override
    public Support support() {
        return Support.UNIT_INTERVAL;
    }

    @Override
    double meanElement(double[] p) {
        return p[0] / (p[0] + p[1]);
    }

    @Override
    double varianceElement(double[] p) {
        double s = p[0] + p[1];
        return p[0] * p[1] / (s * s * (s + 1));
    }
}
