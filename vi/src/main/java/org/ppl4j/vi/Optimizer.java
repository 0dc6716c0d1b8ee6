package org.ppl4j.vi;

import java.util.Arrays;
import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.ParamKey;

/**
 * A first-order optimiser over the unconstrained parameter values of a {@link ParamStore}. It performs
 * gradient <em>ascent</em>: objectives (ELBOs, log likelihoods) are maximised.
 */
public interface Optimizer {
    /**
     * Moves each parameter named in {@code gradients} uphill. A gradient is a {@code Double} for a number
     * parameter and a {@link Tensor} of the parameter's shape for a tensor one. Parameters of the store that
     * have no gradient are left alone (and keep their optimiser state); a gradient for a parameter the store
     * does not hold is an error.
     */
    void step(ParamStore store, Map<ParamKey, Object> gradients);

    /** A copy of the optimiser's state (hyper-parameters and per-parameter buffers), for checkpoints. */
    Map<String, Object> state();

    /** Restores state produced by {@link #state()} of an optimiser of the same kind. */
    void restore(Map<String, Object> state);

    /** The elements of a {@code Double} or {@link Tensor} value. */
    static double[] elements(Object value) {
        if (value instanceof Number n) {
            return new double[] {n.doubleValue()};
        }
        if (value instanceof Tensor t) {
            return t.toArray();
        }
        throw new IllegalArgumentException("expected a number or a tensor, got " + AD.describe(value));
    }

    /** A value of the same kind and shape as {@code like} holding {@code data}. */
    static Object withElements(Object like, double[] data) {
        if (like instanceof Tensor t) {
            return new Tensor(t.shape(), data);
        }
        return data[0];
    }

    /** The gradient's elements, checked against the parameter's shape. */
    static double[] gradientElements(ParamKey key, Object param, Object gradient) {
        if (param == null) {
            throw new IllegalArgumentException("a gradient was given for " + key + ", which is not in the store");
        }
        boolean shapeOk = param instanceof Tensor p
                ? gradient instanceof Tensor g && Arrays.equals(p.shape(), g.shape())
                : gradient instanceof Number || gradient instanceof Tensor g && g.size() == 1;
        if (!shapeOk) {
            throw new IllegalArgumentException("the gradient of " + key + " is " + AD.describe(gradient)
                    + " but the parameter is " + AD.describe(param));
        }
        return elements(gradient);
    }
}
