package org.ppl4j.stdlib.dist;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** The continuous uniform distribution on [low, high], low < high. */
public final class Uniform extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("uniform", List.of("low", "high"), 2, Set.of(Capability.REPARAMETERIZED,
                    Capability.PARAMETER_DEPENDENT_SUPPORT));

    private final Support support;

    public Uniform(Object low, Object high) {
        super(FAMILY, FAMILY.parameters(), validated(low, high));
        double[] lows = Params.primals(low());
        double[] highs = Params.primals(high());
        // for tensor parameters, the hull of the elements' intervals (each element is checked on its own)
        support = Support.interval(Arrays.stream(lows).min().getAsDouble(),
                Arrays.stream(highs).max().getAsDouble());
    }

    private static Object[] validated(Object low, Object high) {
        Object lo = Params.checked(FAMILY.name(), "low", low, Params.FINITE);
        Object hi = Params.checked(FAMILY.name(), "high", high, Params.FINITE);
        double[][] p = Params.broadcastPrimals(Params.broadcastShape(lo, hi), lo, hi);
        for (int i = 0; i < p[0].length; i++) {
            if (!(p[1][i] > p[0][i])) {
                throw new DistributionArgumentException(FAMILY.name(), "high",
                        "greater than low (" + p[0][i] + ")", p[1][i]);
            }
        }
        return new Object[] {lo, hi};
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: low, high. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Uniform(a[0], a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Uniform(p[0], p[1]);
    }

    public Object low() {
        return param(0);
    }

    public Object high() {
        return param(1);
    }

    /** -log(high - low): constant in x, so x gets a zero gradient. */
    @Override
    Object elementLogDensity(Object x) {
        return AD.neg(AD.log(AD.sub(high(), low())));
    }

    @Override
    boolean supportDependsOnParameters() {
        return true;
    }

    @Override
    boolean containsElement(double x, double[] p) {
        return x >= p[0] && x <= p[1];
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return p[0] + (p[1] - p[0]) * rng.nextDouble();
    }

    @Override
    public Object reparamSample(Rng rng) {
        return AD.add(low(), AD.mul(AD.sub(high(), low()), noise(rng, Rng::nextDouble)));
    }

    @Override
    public Support support() {
        return support;
    }

    @Override
    double meanElement(double[] p) {
        return 0.5 * (p[0] + p[1]);
    }

    @Override
    double varianceElement(double[] p) {
        double w = p[1] - p[0];
        return w * w / 12;
    }
}
