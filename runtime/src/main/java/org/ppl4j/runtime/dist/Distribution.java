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

    /**
     * The same distribution with every parameter detached (no gradient path to them): what the path
     * (sticking-the-landing) strategy evaluates the site's own density with.
     */
    default Distribution detachParameters() {
        throw new UnsupportedOperationException(family().name() + " cannot detach its parameters");
    }

    /**
     * A measure-valued (weak) derivative of E[f(x)] at the sample {@code x}, one entry per scalar parameter
     * theta it depends on: d/dtheta E[f] = c (E[f(x+)] - E[f(x-)]), with x+ and x- coupled to x. Extra
     * randomness (a geometric's second draw) comes from {@code aux}, so the main stream is not disturbed.
     */
    default List<WeakDerivative> weakDerivatives(Object x, Rng aux) {
        throw new UnsupportedOperationException(family().name() + " has no measure-valued derivative");
    }

    /**
     * One term of a weak derivative.
     *
     * @param parameter the tracked scalar parameter theta (gradients reach the parameters through it)
     * @param constant  c
     * @param positive  x+, the value to evaluate f at
     * @param negative  x-, or null where the term is c f(x+) alone
     */
    record WeakDerivative(Object parameter, double constant, Object positive, Object negative) {
    }

    /**
     * For a tensor-valued distribution whose entries are independent given its parameters: the weak derivative of
     * every entry u alone, d/dtheta_u E[f] = sum_j c_j (E[f(x with x_u = x+_uj)] - E[f(x with x_u = x-_uj)]), one
     * term j per scalar parameter of an entry (bernoulli, poisson, geometric: one; categorical: one per category),
     * whose parameter holds theta_uj for every entry (broadcasting to the draw's shape) and whose positive and
     * negative values hold x+_uj and x-_uj for every entry at once (a tensor of the draw's shape; the negative may
     * be null, for c f(x+) alone); null where there is none. A coupled value that is the sample itself (the
     * tensor value of {@code x}, the same object) costs no run of its own.
     */
    default List<WeakDerivative> elementWeakDerivatives(Object x, Rng aux) {
        return null;
    }

    /**
     * The straight-through value of a hard sample h: forward value h, gradient as if the value were the
     * mean p, that is h + p - stop(p). Categorical values become one-hot vectors.
     */
    default Object straightThrough(Object hardSample) {
        throw new UnsupportedOperationException(family().name() + " has no straight-through estimator");
    }

    /** A Concrete (Gumbel-softmax) relaxed sample at the given temperature, differentiable in the parameters. */
    default Object relaxedSample(Rng rng, double temperature) {
        throw new UnsupportedOperationException(family().name() + " has no relaxation");
    }

    /**
     * The discrete value a relaxed sample of this distribution rounds to (bernoulli: 1 where the relaxed value is
     * above 1/2; categorical: the index of the largest entry of each row). Rounding a Concrete draw gives an exact
     * draw of the distribution (the Gumbel-max trick), so the objective at the rounded values is the real one.
     */
    default Object hardened(Object relaxed) {
        throw new UnsupportedOperationException(family().name() + " has no relaxation");
    }

    /**
     * The log density extended to relaxed values (y in [0, 1] for bernoulli, a point of the simplex for
     * categorical): sum of y log p, the form used for relaxed and straight-through values.
     */
    default Object relaxedLogDensity(Object y) {
        throw new UnsupportedOperationException(family().name() + " has no relaxation");
    }

    /**
     * For vectorised bodies ({@code org.ppl4j.runtime.ad.Batched}): the rank of one draw when no value is given
     * (the parameters' broadcast shape), or -1 when the distribution has no batched form.
     */
    default int drawRank() {
        return -1;
    }

    /**
     * k independent copies along a new leading axis (the parameters broadcast to [k, ...]), so that one draw is k
     * draws of this distribution; null when it has no batched form.
     */
    default Distribution batchOf(int k) {
        return null;
    }

    /**
     * For a value {@code x} whose leading axis (of length k) runs over the iterations of a vectorised body, the
     * parameters having that axis too or broadcasting against each iteration's value: the log density of each
     * iteration's value, summed over its elements, a [k] vector. Only for distributions with a batched form.
     */
    default Object batchLogDensity(Object x, int k) {
        throw new UnsupportedOperationException(family().name() + " has no batched log density");
    }

    /**
     * For a tensor value x whose leading {@code axes} axes hold independent elements: the log density of each
     * element (summed over the other axes), a tensor of the shape of those axes; null when the distribution
     * cannot split its density so (then the value is treated as one joint draw).
     */
    default Object logDensityPerElement(Object x, int axes) {
        return null;
    }

    /** The shape of a draw of a tensor-valued distribution (its parameters' broadcast shape), or null for a scalar. */
    default int[] drawShape() {
        return null;
    }

    /**
     * For a tensor-valued distribution of finite support: the values each element may take, the same for every
     * element (a tensor bernoulli: 0 and 1), for enumeration; null otherwise.
     */
    default double[] elementSupport() {
        return null;
    }

        /** Mean of the distribution, for summaries and tests. */
    double mean();

    /** Variance of the distribution, for summaries and tests. */
    double variance();
}
