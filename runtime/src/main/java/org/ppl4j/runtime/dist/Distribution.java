package org.ppl4j.runtime.dist;

import java.util.List;
import org.ppl4j.runtime.Rng;

/**
 * A distribution with its parameters bound. Parameters may be tracked values ({@code Var}, {@code TensorVar});
 * {@link #logDensity} and {@link #reparamSample} keep the gradient path to them, {@link #sample} does not.
 * Each implementation validates its parameters when constructed and throws
 * {@link DistributionArgumentException} naming the bad one.
 */
public interface Distribution {
    DistributionFamily family();

    /** A sample with no gradient path: a {@code Double} (or a {@code Tensor} for array-valued distributions). */
    Object sample(Rng rng);

    /** log p(x), differentiable in the parameters and in x; {@code -Infinity} outside the support. */
    Object logDensity(Object x);

    Support support();

    /** x = T(eps; params) with eps from a parameter-free base, so gradients flow through x. */
    default Object reparamSample(Rng rng) {
        throw new UnsupportedOperationException(family().name() + " has no reparameterised sampler");
    }

    /** Every value of a finite support, in order. */
    default List<Object> enumerateSupport() {
        throw new UnsupportedOperationException(family().name() + " has no finite support to enumerate");
    }

    /** Mean of the distribution, for summaries and tests. */
    double mean();

    /** Variance of the distribution, for summaries and tests. */
    double variance();
}
