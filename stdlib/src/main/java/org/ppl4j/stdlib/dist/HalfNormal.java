package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** |X| for X normal(0, {@code scale}), scale > 0: on the non-negative reals. */
public final class HalfNormal extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("halfnormal", List.of("scale"), 1, Set.of(Capability.REPARAMETERIZED));

    static final double LOG_2 = Math.log(2);

    public HalfNormal(Object scale) {
        super(FAMILY, FAMILY.parameters(), Params.checked(FAMILY.name(), "scale", scale, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: scale. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new HalfNormal(a[0]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new HalfNormal(p[0]);
    }

    public Object scale() {
        return param(0);
    }

    /** log 2 plus the normal(0, scale) log density, for x >= 0. */
    @Override
    Object elementLogDensity(Object x) {
        return AD.add(Normal.logDensity(x, 0.0, scale()), LOG_2);
    }

    private static double standard(Rng rng) {
        return Math.abs(rng.nextGaussian());
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return p[0] * standard(rng);
    }

    /** scale |eps| (= |scale eps|, as scale > 0), eps standard normal. */
    @Override
    public Object reparamSample(Rng rng) {
        return AD.mul(scale(), noise(rng, HalfNormal::standard));
    }

    @Override
    public Support support() {
        return Params.NON_NEGATIVE_REAL;
    }

    @Override
    double meanElement(double[] p) {
        return p[0] * Math.sqrt(2 / Math.PI);
    }

    @Override
    double varianceElement(double[] p) {
        return p[0] * p[0] * (1 - 2 / Math.PI);
    }
}
