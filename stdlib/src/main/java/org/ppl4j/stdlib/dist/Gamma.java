package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** The gamma distribution with {@code shape > 0} and {@code rate > 0} (mean shape / rate). */
public final class Gamma extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("gamma", List.of("shape", "rate"), 2, Set.of());

    public Gamma(Object shape, Object rate) {
        super(FAMILY, FAMILY.parameters(),
                Params.checked(FAMILY.name(), "shape", shape, Params.POSITIVE),
                Params.checked(FAMILY.name(), "rate", rate, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: shape, rate. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Gamma(a[0], a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Gamma(p[0], p[1]);
    }

    public Object shape() {
        return param(0);
    }

    public Object rate() {
        return param(1);
    }

    /** shape log rate - lgamma(shape) + (shape - 1) log x - rate x. */
    @Override
    Object elementLogDensity(Object x) {
        Object k = shape();
        Object normalizer = AD.sub(AD.mul(k, AD.log(rate())), AD.lgamma(k));
        return AD.add(normalizer, AD.sub(Params.xlogy(AD.sub(k, 1.0), x), AD.mul(rate(), x)));
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return rng.nextGamma(p[0]) / p[1];
    }

    @Override
    public Support support() {
        return Support.POSITIVE;
    }

    @Override
    double meanElement(double[] p) {
        return p[0] / p[1];
    }

    @Override
    double varianceElement(double[] p) {
        return p[0] / (p[1] * p[1]);
    }
}
