package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * The number of failures before the first success in trials of success probability {@code p} in (0, 1]:
 * P(n) = (1 - p)^n p on {0, 1, 2, ...}.
 */
public final class Geometric extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY = new DistributionFamily("geometric", List.of("p"), 1,
            Set.of(Capability.DISCRETE, Capability.MEASURE_VALUED));

    private static final Params.Requirement SUCCESS_PROBABILITY =
            new Params.Requirement("a probability in (0, 1]", x -> x > 0 && x <= 1);

    public Geometric(Object p) {
        super(FAMILY, FAMILY.parameters(), Params.checked(FAMILY.name(), "p", p, SUCCESS_PROBABILITY));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: p. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Geometric(a[0]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Geometric(p[0]);
    }

    public Object p() {
        return param(0);
    }

    /** x log(1 - p) + log p; x is a constant count (p = 1 puts all the mass on 0). */
    @Override
    Object elementLogDensity(Object x) {
        return AD.add(Params.xlog1my(x, p()), AD.log(p()));
    }

    /** floor(log U / log(1 - p)), the inverse of the distribution function. */
    @Override
    double sampleElement(double[] p, Rng rng) {
        return Math.floor(Math.log(rng.nextOpenDouble()) / Math.log1p(-p[0])); // p = 1: log U / -inf = 0
    }

    /**
     * d/dp E[f(N)] = (1/p) (E[f(N)] - E[f(1 + N + G)]) with G an independent geometric(p): one term, c = 1/p,
     * x+ = x, x- = x + 1 + G, G drawn from {@code aux}: d/dp [(1 - p)^n p] = (1 - p)^n - n (1 - p)^(n-1) p, and
     * 1 + N + G has P(n) = n (1 - p)^(n-1) p^2. Scalar p and x only.
     */
    @Override
    public List<WeakDerivative> weakDerivatives(Object x, Rng aux) {
        double n = scalarValue(x, "weakDerivatives");
        double[] p = scalarParams("weakDerivatives");
        return List.of(new WeakDerivative(p(), 1 / p[0], n, n + 1 + sampleElement(p, aux)));
    }

    /**
     * Each entry alone, as {@link #weakDerivatives}: x+_u = x_u, x-_u = x_u + 1 + G_u, one G per entry drawn from
     * {@code aux} in row-major order (the order one scalar choice per entry draws them). The term's parameter is
     * log p with c = 1: d/d log p_u E[f] = p_u d/dp_u E[f], so the gradient reaching p_u is the same (1/p_u)(...).
     */
    @Override
    public List<WeakDerivative> elementWeakDerivatives(Object x, Rng aux) {
        int[] shape = drawShape();
        if (shape == null) {
            return null;
        }
        Tensor drawn = AD.tensorValue(AD.value(x));
        double[] n = drawn.toArray();
        double[] ps = Params.broadcastPrimals(shape, new Object[] {p()})[0];
        double[] minus = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            minus[i] = n[i] + 1 + sampleElement(new double[] {ps[i]}, aux);
        }
        return List.of(new WeakDerivative(AD.log(p()), 1.0, drawn, new Tensor(shape, minus)));
    }

    @Override
    public Support support() {
        return Support.NONNEGATIVE_INTEGER;
    }

    @Override
    double meanElement(double[] p) {
        return (1 - p[0]) / p[0];
    }

    @Override
    double varianceElement(double[] p) {
        return (1 - p[0]) / (p[0] * p[0]);
    }
}
