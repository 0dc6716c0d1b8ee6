package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** The Cauchy distribution with location {@code loc} (its median) and {@code scale > 0}; no mean or variance. */
public final class Cauchy extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("cauchy", List.of("loc", "scale"), 2, Set.of(Capability.REPARAMETERIZED));

    static final double LOG_PI = Math.log(Math.PI);

    public Cauchy(Object loc, Object scale) {
        super(FAMILY, FAMILY.parameters(),
                Params.checked(FAMILY.name(), "loc", loc, Params.FINITE),
                Params.checked(FAMILY.name(), "scale", scale, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: loc, scale. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Cauchy(a[0], a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Cauchy(p[0], p[1]);
    }

    public Object loc() {
        return param(0);
    }

    public Object scale() {
        return param(1);
    }

    /** -log pi - log scale - log(1 + ((x - loc) / scale)^2), elementwise. */
    static Object logDensity(Object x, Object loc, Object scale) {
        Object z = AD.div(AD.sub(x, loc), scale);
        return AD.neg(AD.add(AD.add(AD.log(scale), AD.log1p(AD.square(z))), LOG_PI));
    }

    @Override
    Object elementLogDensity(Object x) {
        return logDensity(x, loc(), scale());
    }

    /** tan(pi (U - 1/2)), U uniform on (0, 1): the inverse of the standard Cauchy distribution function. */
    private static double standard(Rng rng) {
        return Math.tan(Math.PI * (rng.nextOpenDouble() - 0.5));
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return p[0] + p[1] * standard(rng);
    }

    /** loc + scale tan(pi (U - 1/2)). */
    @Override
    public Object reparamSample(Rng rng) {
        return AD.add(loc(), AD.mul(scale(), noise(rng, Cauchy::standard)));
    }

    @Override
    public Support support() {
        return Support.REAL;
    }

    @Override
    double meanElement(double[] p) {
        throw new UnsupportedOperationException(FAMILY.name() + ": the mean is undefined");
    }

    @Override
    double varianceElement(double[] p) {
        throw new UnsupportedOperationException(FAMILY.name() + ": the variance is undefined");
    }
}
