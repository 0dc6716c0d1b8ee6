package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Special;
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

    /**
     * shape log rate - lgamma(shape) + (shape - 1) log x - rate x, computed as {@link #logKernel}(shape, rate x)
     * - log x: its four terms are each of order shape log shape and cancel for a large shape (1e10: an error of
     * 1e-5, 1e300: of 1e286); the kernel does the cancelling exactly, for every shape.
     */
    @Override
    Object elementLogDensity(Object x) {
        Object kernel = AD.binary(shape(), AD.mul(rate(), x), Gamma::logKernel,
                (a, r) -> Math.log(r) - Special.digamma(a), (a, r) -> a / r - 1);
        return AD.sub(kernel, AD.log(x));
    }

    /** Below this shape the kernel is computed as written; from it on by Stirling's series. */
    private static final double STIRLING_FROM = 1e4;
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    /**
     * a log r - r - lgamma(a). For a large a, with lgamma(a) = (a - 1/2) log a - a + log(2 pi) / 2 + c(a):
     * -a phi(r / a) + log(a) / 2 - log(2 pi) / 2 - c(a), where phi(u) = u - 1 - log u >= 0 carries all the
     * cancellation and is computed from u directly (a series near u = 1).
     */
    static double logKernel(double a, double r) {
        if (a < STIRLING_FROM) {
            return a * Math.log(r) - r - Special.lgamma(a);
        }
        return -a * phi(r / a) + 0.5 * Math.log(a) - HALF_LOG_2PI - stirlingCorrection(a);
    }

    /** u - 1 - log u, accurate near u = 1 (there it is (u - 1)^2 / 2 - (u - 1)^3 / 3 + ...). */
    static double phi(double u) {
        double t = u - 1;
        if (Math.abs(t) >= 0.1) {
            return t - Math.log(u);
        }
        double sum = 0;
        double power = t * t;
        for (int k = 2; k <= 24; k++) {
            sum += (k % 2 == 0 ? power : -power) / k;
            power *= t;
        }
        return sum;
    }

    /** lgamma(a) - Stirling's approximation, for a >= 1e4 (the next term is below 1e-30). */
    static double stirlingCorrection(double a) {
        double inv = 1 / a;
        double inv2 = inv * inv;
        return inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
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
