package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Special;
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
        // lgamma((nu + 1) / 2) - lgamma(nu / 2) - log(pi nu) / 2, without the cancellation of a large nu
        Object norm = AD.sub(AD.unary(nu, new AD.Fn1() {
            @Override
            public double f(double v) {
                return gammaRatio(v);
            }

            @Override
            public double df(double v, double out) {
                return gammaRatioDerivative(v);
            }
        }), 0.5 * Math.log(2 * Math.PI));
        Object kernel = AD.mul(halfNuPlusOne, AD.log1p(AD.div(AD.square(z), nu)));
        return AD.sub(norm, AD.add(AD.log(scale()), kernel));
    }

    private static final double ASYMPTOTIC_FROM = 1e4;

    /**
     * lgamma((nu + 1) / 2) - lgamma(nu / 2) - log(nu / 2) / 2, which tends to 0 as nu grows: computed as written
     * below 1e4, by its asymptotic series -1/(4 nu) + 1/(24 nu^3) - 1/(20 nu^5) above (where the lgammas would
     * cancel to nothing: at nu = 1e300 the difference of two numbers of 1e302).
     */
    static double gammaRatio(double nu) {
        if (nu < ASYMPTOTIC_FROM) {
            return Special.lgamma(0.5 * (nu + 1)) - Special.lgamma(0.5 * nu) - 0.5 * Math.log(0.5 * nu);
        }
        double inv = 1 / nu;
        double inv2 = inv * inv;
        return inv * (-0.25 + inv2 * (1.0 / 24 - inv2 / 20));
    }

    /** d/dnu of {@link #gammaRatio}. */
    static double gammaRatioDerivative(double nu) {
        if (nu < ASYMPTOTIC_FROM) {
            return 0.5 * (Special.digamma(0.5 * (nu + 1)) - Special.digamma(0.5 * nu)) - 0.5 / nu;
        }
        double inv2 = 1 / (nu * nu);
        return inv2 * (0.25 - inv2 * (1.0 / 8 - inv2 / 4));
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
