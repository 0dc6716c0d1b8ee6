package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;

/**
 * What a running generative function does at each random choice: simulate it, score it against given
 * values, or sample it with a gradient strategy. Gen's generative-function interface, as effect handlers.
 */
public interface Handler {
    /**
     * The value of the choice at {@code address}.
     *
     * @param owner      the model the site is in (for parameter keys and baseline state)
     * @param distribution a {@code Distribution} or a {@code TraceDistribution}
     * @param strategy   the site's gradient strategy, as the estimate pass chose it
     */
    Object sample(String owner, Address address, Object distribution, GradientStrategy strategy);

    ParamProvider params();

    /**
     * {@code track address = value} ran: a derived quantity, not a random choice. Handlers that record what a run
     * computed (predictive runs, the density runs that summaries read) keep it at {@code address} (scoped by the
     * iterations, as choices are); it is never scored. By default it is ignored.
     */
    default void track(Address address, Object value) {
    }

    /**
     * Iteration {@code i} of {@code replicate} or {@code map} begins: the choices made until the matching
     * {@link #exitIteration} must be told apart from those of the other iterations. A model's handlers put
     * the iteration in front of the address ({@code x} becomes {@code x[i]}); an objective's run keeps the
     * addresses of the traces it draws and makes its site keys distinct instead.
     */
    default void enterIteration(int i) {
    }

    /** The iteration begun by the last {@link #enterIteration} ends. */
    default void exitIteration() {
    }

    /**
     * A {@code local { ... }} block begins: its choices belong to the data points of the current minibatch, so
     * a density taken during a minibatch fit scales their log densities by N / B.
     */
    default void enterLocal() {
    }

    /**
     * {@code local(axes: k) { ... }}: as {@link #enterLocal()}, and the leading k axes of each tensor choice made
     * in the block hold independent elements (the first is the data axis; a plain {@code local} declares one).
     */
    default void enterLocal(int axes) {
        enterLocal();
    }

    /** The block begun by the last {@link #enterLocal} ends. */
    default void exitLocal() {
    }

    /** An address made inside the iterations {@code iterations} (outermost first): {@code x[j]} in i is {@code x[i][j]}. */
    static Address inIterations(Address address, int[] iterations, int depth) {
        if (depth == 0) {
            return address;
        }
        int[] idx = new int[depth + address.depth()];
        System.arraycopy(iterations, 0, idx, 0, depth);
        for (int k = 0; k < address.depth(); k++) {
            idx[depth + k] = address.index(k);
        }
        return new Address(address.name(), idx);
    }

    /** The stack of iterations a handler is in, for {@link #enterIteration} and {@link #exitIteration}. */
    final class Iterations {
        private int[] stack = new int[4];
        private int depth;

        public void enter(int i) {
            if (depth == stack.length) {
                stack = java.util.Arrays.copyOf(stack, depth * 2);
            }
            stack[depth++] = i;
        }

        public void exit() {
            if (depth > 0) {
                depth--;
            }
        }

        public int depth() {
            return depth;
        }

        /** {@code address} as made in the current iterations. */
        public Address scope(Address address) {
            return inIterations(address, stack, depth);
        }

        /** A prefix that tells the current iterations apart, {@code "[2][0]/"}, or "" outside any. */
        public String prefix() {
            if (depth == 0) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < depth; k++) {
                sb.append('[').append(stack[k]).append(']');
            }
            return sb.append('/').toString();
        }
    }

    /**
     * The distribution a model's {@code ~} draws from, for handlers that run a model forward: {@code sim(...)} is
     * an objective's, never a model's.
     */
    static org.ppl4j.runtime.dist.Distribution modelDistribution(Object distribution, String modelName) {
        if (!(distribution instanceof org.ppl4j.runtime.dist.Distribution d)) {
            throw new IllegalArgumentException("model " + modelName + ": a model cannot draw from sim(...) itself;"
                    + " sim belongs in objectives");
        }
        return d;
    }
}
