package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** |X| for X cauchy(0, {@code scale}), scale > 0 (its median): on the non-negative reals, with infinite mean. */
public final class HalfCauchy extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("halfcauchy", List.of("scale"), 1, Set.of(Capability.REPARAMETERIZED));

    public HalfCauchy(Object scale) {
        super(FAMILY, FAMILY.parameters(), Params.checked(FAMILY.name(), "scale", scale, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: scale. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new HalfCauchy(a[0]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new HalfCauchy(p[0]);
    }

    public Object scale() {
        return param(0);
    }

    /** log 2 plus the cauchy(0, scale) log density, for x >= 0. */
    @Override
    Object elementLogDensity(Object x) {
        return AD.add(Cauchy.logDensity(x, 0.0, scale()), HalfNormal.LOG_2);
    }

    /** tan(pi U / 2), U uniform on (0, 1): the inverse of the standard half-Cauchy distribution function. */
    private static double standard(Rng rng) {
        return Math.tan(0.5 * Math.PI * rng.nextOpenDouble());
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return p[0] * standard(rng);
    }

    /** scale tan(pi U / 2). */
    @Override
    public Object reparamSample(Rng rng) {
        return AD.mul(scale(), noise(rng, HalfCauchy::standard));
    }

    @Override
    public Support support() {
        return Params.NON_NEGATIVE_REAL;
    }

    @Override
    double meanElement(double[] p) {
        throw new UnsupportedOperationException(FAMILY.name() + ": the mean is infinite");
    }

    @Override
    double varianceElement(double[] p) {
        throw new UnsupportedOperationException(FAMILY.name() + ": the variance is infinite");
    }
}
