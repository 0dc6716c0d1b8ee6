package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * Student's t with {@code df > 0} degrees of freedom, location {@code loc} and {@code scale > 0}. The mean exists
 * for df > 1, the variance is finite for df > 2.
 */
public final class StudentT extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("studentt", List.of("df", "loc", "scale"), 3, Set.of());

    public StudentT(Object df, Object loc, Object scale) {
        super(FAMILY, FAMILY.parameters(),
                Params.checked(FAMILY.name(), "df", df, Params.POSITIVE),
                Params.checked(FAMILY.name(), "loc", loc, Params.FINITE),
                Params.checked(FAMILY.name(), "scale", scale, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: df, loc, scale. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new StudentT(a[0], a[1], a[2]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new StudentT(p[0], p[1], p[2]);
    }

    public Object df() {
        return param(0);
    }

    public Object loc() {
        return param(1);
    }

    public Object scale() {
        return param(2);
    }

    /**
     * lgamma((df + 1) / 2) - lgamma(df / 2) - log(df pi) / 2 - log scale - (df + 1) / 2 log(1 + z^2 / df), with
     * z = (x - loc) / scale; differentiable in df, loc, scale and x.
     */
    @Override
    Object elementLogDensity(Object x) {
        Object nu = df();
        Object halfNuPlusOne = AD.mul(0.5, AD.add(nu, 1.0));
        Object z = AD.div(AD.sub(x, loc()), scale());
        Object norm = AD.sub(AD.lgamma(halfNuPlusOne),
                AD.add(AD.lgamma(AD.mul(0.5, nu)), AD.mul(0.5, AD.log(AD.mul(Math.PI, nu)))));
        Object kernel = AD.mul(halfNuPlusOne, AD.log1p(AD.div(AD.square(z), nu)));
        return AD.sub(norm, AD.add(AD.log(scale()), kernel));
    }

    /** loc + scale Z / sqrt(V / df), Z standard normal, V = 2 gamma(df / 2) chi-squared with df degrees. */
    @Override
    double sampleElement(double[] p, Rng rng) {
        double z = rng.nextGaussian();
        double v = 2 * rng.nextGamma(0.5 * p[0]);
        return p[1] + p[2] * z / Math.sqrt(v / p[0]);
    }

    @Override
    public Support support() {
        return Support.REAL;
    }

    @Override
    double meanElement(double[] p) {
        if (!(p[0] > 1)) {
            throw new UnsupportedOperationException(FAMILY.name() + ": the mean is undefined for df <= 1, got df = "
                    + p[0]);
        }
        return p[1];
    }

    @Override
    double varianceElement(double[] p) {
        if (!(p[0] > 2)) {
            throw new UnsupportedOperationException(FAMILY.name() + ": the variance is "
                    + (p[0] > 1 ? "infinite for 1 < df <= 2" : "undefined for df <= 1") + ", got df = " + p[0]);
        }
        return p[2] * p[2] * p[0] / (p[0] - 2);
    }
}
