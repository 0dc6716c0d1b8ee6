package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** The exponential distribution with {@code rate > 0} (mean 1 / rate), on the positive reals. */
public final class Exponential extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("exponential", List.of("rate"), 1, Set.of(Capability.REPARAMETERIZED));

    public Exponential(Object rate) {
        super(FAMILY, FAMILY.parameters(), Params.checked(FAMILY.name(), "rate", rate, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: rate. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Exponential(a[0]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Exponential(p[0]);
    }

    public Object rate() {
        return param(0);
    }

    /** log rate - rate x. */
    @Override
    Object elementLogDensity(Object x) {
        return AD.sub(AD.log(rate()), AD.mul(rate(), x));
    }

    private static double standard(Rng rng) {
        return -Math.log(rng.nextOpenDouble());
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return standard(rng) / p[0];
    }

    @Override
    public Object reparamSample(Rng rng) {
        return AD.div(noise(rng, Exponential::standard), rate());
    }

    @Override
    public Support support() {
        return Support.POSITIVE;
    }

    @Override
    double meanElement(double[] p) {
        return 1 / p[0];
    }

    @Override
    double varianceElement(double[] p) {
        return 1 / (p[0] * p[0]);
    }
}
