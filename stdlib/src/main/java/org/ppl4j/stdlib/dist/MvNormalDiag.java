package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * The multivariate normal with diagonal covariance over vectors of length d: independent normals with means
 * {@code loc} and standard deviations {@code scale}, two vectors of length d. Unlike a normal with vector
 * parameters, a value is one vector of exactly that length.
 */
public final class MvNormalDiag extends VectorDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("mvnormal_diag", List.of("loc", "scale"), 2, Set.of(Capability.REPARAMETERIZED));

    private final Object loc;
    private final Object scale;
    /** The same elements as a normal with vector parameters, which samples and evaluates them. */
    private final Normal elements;

    public MvNormalDiag(Object loc, Object scale) {
        super(FAMILY);
        this.loc = Params.vector(FAMILY.name(), "loc", loc, Params.FINITE);
        this.scale = Params.vector(FAMILY.name(), "scale", scale, Params.POSITIVE);
        int d = AD.tensorValue(this.loc).size();
        if (AD.tensorValue(this.scale).size() != d) {
            throw new IllegalArgumentException(FAMILY.name() + ": argument 'scale' must be a vector of the length of"
                    + " 'loc' (" + d + "), got " + AD.describe(this.scale));
        }
        this.elements = new Normal(this.loc, this.scale);
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: loc, scale. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new MvNormalDiag(a[0], a[1]);
    }

    public Object loc() {
        return loc;
    }

    public Object scale() {
        return scale;
    }

    @Override
    public int dimension() {
        return AD.tensorValue(loc).size();
    }

    @Override
    public Object sample(Rng rng) {
        return elements.sample(rng);
    }

    /** loc + scale eps, elementwise. */
    @Override
    public Object reparamSample(Rng rng) {
        return elements.reparamSample(rng);
    }

    /** The sum of the elements' normal log densities, differentiable in loc, scale and x. */
    @Override
    public Object logDensity(Object x) {
        return elements.logDensity(event(x));
    }

    @Override
    public Support support() {
        return Support.REAL;
    }

    @Override
    public Distribution detachParameters() {
        return new MvNormalDiag(AD.detach(loc), AD.detach(scale));
    }

    @Override
    public Tensor meanVector() {
        return AD.tensorValue(loc);
    }

    @Override
    public Tensor varianceVector() {
        return AD.tensorValue(scale).map(s -> s * s);
    }

    @Override
    public String toString() {
        return FAMILY.name() + "(loc=" + AD.describe(loc) + ", scale=" + AD.describe(scale) + ")";
    }
}
