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

/** The Poisson distribution of counts with {@code rate > 0}. */
public final class Poisson extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("poisson", List.of("rate"), 1,
                    Set.of(Capability.DISCRETE, Capability.MEASURE_VALUED));

    public Poisson(Object rate) {
        super(FAMILY, FAMILY.parameters(), Params.checked(FAMILY.name(), "rate", rate, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: rate. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Poisson(a[0]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Poisson(p[0]);
    }

    public Object rate() {
        return param(0);
    }

    /** x log rate - rate - lgamma(x + 1); x is a constant count. */
    @Override
    Object elementLogDensity(Object x) {
        Object rate = rate();
        return AD.sub(AD.sub(AD.mul(x, AD.log(rate)), rate), AD.lgamma(AD.add(x, 1.0)));
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return rng.nextPoisson(p[0]);
    }

    /**
     * d/d rate E[f(N)] = E[f(N + 1)] - E[f(N)]: one term, x+ = x + 1 and x- = x. Scalar rate and x only.
     */
    @Override
    public List<WeakDerivative> weakDerivatives(Object x, Rng aux) {
        double n = scalarValue(x, "weakDerivatives");
        return List.of(new WeakDerivative(rate(), 1.0, n + 1, n));
    }

    /** Each entry alone: d/d rate_u E[f] = E[f(x with x_u + 1)] - E[f(x)], the other entries as drawn. */
    @Override
    public List<WeakDerivative> elementWeakDerivatives(Object x, Rng aux) {
        if (drawShape() == null) {
            return null;
        }
        Tensor n = AD.tensorValue(AD.value(x));
        return List.of(new WeakDerivative(rate(), 1.0, n.plus(Tensor.full(n.shape(), 1.0)), n));
    }

    @Override
    public Support support() {
        return Support.NONNEGATIVE_INTEGER;
    }

    @Override
    double meanElement(double[] p) {
        return p[0];
    }

    @Override
    double varianceElement(double[] p) {
        return p[0];
    }
}
