package org.ppl4j.stdlib.dist;

import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.ShapeException;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;

/**
 * A distribution over vectors of one length d: each value (a sample, or the x of a log density) is a [d] tensor,
 * and its moments are vectors, given by {@link #meanVector} and {@link #varianceVector}; the scalar
 * {@link #mean} and {@link #variance} are unsupported.
 */
abstract class VectorDistribution implements Distribution {
    private final DistributionFamily family;

    VectorDistribution(DistributionFamily family) {
        this.family = family;
    }

    @Override
    public final DistributionFamily family() {
        return family;
    }

    /** The length d of every value. */
    public abstract int dimension();

    /** The mean, a vector of length d. */
    public abstract Tensor meanVector();

    /** The variance of each element (the diagonal of the covariance), a vector of length d. */
    public abstract Tensor varianceVector();

    @Override
    public final double mean() {
        throw new UnsupportedOperationException(family.name() + " is vector-valued: its mean is meanVector()");
    }

    @Override
    public final double variance() {
        throw new UnsupportedOperationException(family.name()
                + " is vector-valued: its variances are varianceVector()");
    }

    /** x as a vector of length d (coerced; a tracked x keeps its gradient path); any other shape is an error. */
    final Object event(Object x) {
        Object v = Params.coerce(family.name(), "x", x);
        if (!AD.isTensor(v) || AD.tensorValue(v).rank() != 1 || AD.tensorValue(v).size() != dimension()) {
            throw new ShapeException(family.name() + ": a value must be a vector of length " + dimension() + ", got "
                    + AD.describe(v));
        }
        return v;
    }
}
