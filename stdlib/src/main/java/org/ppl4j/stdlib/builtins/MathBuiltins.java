package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Axes;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.Printer;

/** Elementwise math and reductions, differentiable through the tape. */
final class MathBuiltins {
    private MathBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                Builtin.unary("abs", x -> AD.unary(x, Fns.ABS)),
                // the angle of the point (x, y) in (-pi, pi]; elementwise over tensors
                Builtin.of("atan2", List.of("y", "x"), (a, c) -> AD.binary(Args.numeric("atan2", "y", a[0]),
                        Args.numeric("atan2", "x", a[1]), Math::atan2, (y, x) -> x / (x * x + y * y),
                        (y, x) -> -y / (x * x + y * y))),
                Builtin.unary("cos", x -> AD.unary(x, Fns.COS)),
                Builtin.unary("exp", AD::exp),
                Builtin.unary("lgamma", AD::lgamma),
                Builtin.unary("log", AD::log),
                Builtin.unary("log1p", AD::log1p),
                Builtin.unary("relu", x -> AD.unary(x, Fns.RELU)),
                Builtin.unary("sigmoid", AD::sigmoid),
                Builtin.unary("sin", x -> AD.unary(x, Fns.SIN)),
                Builtin.unary("softplus", AD::softplus),
                Builtin.unary("sqrt", AD::sqrt),
                Builtin.unary("tanh", x -> AD.unary(x, Fns.TANH)),
                reduction("sum", (xs, axis) -> axis < 0 ? AD.sum(xs) : sumAlong(xs, axis)),
                reduction("mean", (xs, axis) -> axis < 0 ? AD.div(AD.sum(xs), (double) size(xs))
                        : AD.div(sumAlong(xs, axis), (double) AD.tensorValue(xs).dim(axis))),
                reduction("logsumexp", (xs, axis) -> axis < 0 ? logsumexp(xs) : logsumexpAlong(xs, axis)),
                reduction("logmeanexp", (xs, axis) -> axis < 0 ? AD.sub(logsumexp(xs), Math.log(size(xs)))
                        : AD.sub(logsumexpAlong(xs, axis), Math.log(AD.tensorValue(xs).dim(axis)))),
                Builtin.of("len", List.of("xs"), (a, c) -> {
                    if (a[0] instanceof PplList l) {
                        return (double) l.size();
                    }
                    if (AD.isTensor(a[0])) {
                        Tensor t = AD.tensorValue(a[0]);
                        return (double) (t.rank() == 0 ? 1 : t.dim(0));
                    }
                    throw new IllegalArgumentException("len: expected a list or a tensor, got " + Printer.kind(a[0]));
                }),
                // detach(x) stops gradients through a value; detach(g) freezes a generative function's parameters
                Builtin.of("detach", List.of("x"), (a, c) -> a[0] instanceof org.ppl4j.runtime.trace.GenerativeFunction g
                        ? new org.ppl4j.runtime.trace.Detached(g) : AD.detach(a[0])),
                // wall-clock milliseconds, for benchmarks written in ppl4j (never for results)
                Builtin.of("clock", List.of(), (a, c) -> System.nanoTime() / 1e6));
    }

    /** A reduction of a numeric value given with its axis (-1 for all elements). */
    private interface Reduce {
        Object apply(Object xs, int axis);
    }

    /**
     * {@code name(xs)} reduces all elements of a number, list or tensor to one number; {@code name(xs, axis: a)}
     * reduces along axis a only (negative axes count from the last), e.g. along the first axis of what
     * {@code replicate} stacks: {@code logmeanexp(w, axis: 0)}.
     */
    private static Builtin reduction(String name, Reduce r) {
        return new Builtin(name, List.of("xs", "axis"), 1, false, (a, c) -> {
            Object xs = Args.numeric(name, "xs", a[0]);
            Object axis = a.length > 1 ? a[1] : null;
            if (axis == null) {
                return r.apply(xs, -1);
            }
            if (!AD.isTensor(xs) || AD.tensorValue(xs).rank() == 0) {
                throw new IllegalArgumentException(name + ": a number has no axis " + Printer.show(axis)
                        + "; leave out 'axis' to reduce it");
            }
            int rank = AD.tensorValue(xs).rank();
            double d = Args.number(name, "axis", axis);
            int ax = (int) d;
            if (d != ax || ax < -rank || ax >= rank) {
                throw new IllegalArgumentException(name + ": 'axis' must be a whole number from " + -rank + " to "
                        + (rank - 1) + " for a tensor of shape " + java.util.Arrays.toString(AD.tensorValue(xs).shape())
                        + ", got " + Printer.show(axis));
            }
            return r.apply(xs, ax < 0 ? ax + rank : ax);
        });
    }

    /** The sum of the slices along {@code axis}: a tensor of one dimension less (a number for a vector). */
    private static Object sumAlong(Object xs, int axis) {
        int n = AD.tensorValue(xs).dim(axis);
        Object total = Axes.select(xs, axis, 0);
        for (int i = 1; i < n; i++) {
            total = AD.add(total, Axes.select(xs, axis, i));
        }
        return total;
    }

    /**
     * log sum exp along {@code axis}, shifted elementwise by the largest slice value, as {@link #logsumexp}: the
     * shift carries no gradient but keeps the provenance of {@code xs}.
     */
    private static Object logsumexpAlong(Object xs, int axis) {
        Tensor t = AD.tensorValue(xs);
        if (t.rank() == 1) {
            return logsumexp(xs);
        }
        int n = t.dim(axis);
        Tensor max = AD.tensorValue(Axes.select(t, axis, 0));
        double[] m = max.toArray();
        for (int i = 1; i < n; i++) {
            Tensor slice = AD.tensorValue(Axes.select(t, axis, i));
            for (int k = 0; k < m.length; k++) {
                m[k] = Math.max(m[k], slice.get(k));
            }
        }
        for (int k = 0; k < m.length; k++) {
            if (Double.isInfinite(m[k])) {
                m[k] = 0; // all -inf (or some +inf): no shift, exp and log give -inf (or inf) as they should
            }
        }
        Object shift = AD.dependsOn(new Tensor(max.shape(), m), xs);
        Object total = null;
        for (int i = 0; i < n; i++) {
            Object e = AD.exp(AD.sub(Axes.select(xs, axis, i), shift));
            total = total == null ? e : AD.add(total, e);
        }
        return AD.add(AD.log(total), shift);
    }

    private static int size(Object xs) {
        return AD.isTensor(xs) ? AD.tensorValue(xs).size() : 1;
    }

    /**
     * log sum exp, shifted by the maximum m so that it neither overflows nor underflows:
     * m + log sum exp(x - m). The shift is the largest element with its gradient stopped (the gradient of the
     * whole does not depend on m) but with its provenance kept: m is part of the value, so where the elements
     * depend on random choices, the surrogate must know that m does too (else m would be taken for a constant
     * and miss its score-function term: a biased gradient for IWAE-like objectives over discrete choices).
     */
    static Object logsumexp(Object xs) {
        if (!AD.isTensor(xs)) {
            return xs;
        }
        Tensor t = AD.tensorValue(xs);
        double max = Double.NEGATIVE_INFINITY;
        int arg = -1;
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i) > max || arg < 0) {
                max = Math.max(max, t.get(i));
                arg = i;
            }
        }
        if (Double.isInfinite(max) || Double.isNaN(max)) {
            return max;
        }
        Object shift = AD.isTracked(xs) ? AD.detach(element(xs, t.shape(), arg)) : (Object) max;
        return AD.add(AD.log(AD.sum(AD.exp(AD.sub(xs, shift)))), shift);
    }

    /** The element at a flat (row-major) index, read through {@link AD#index} so that it stays tracked. */
    private static Object element(Object xs, int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = flat % shape[k];
            flat /= shape[k];
        }
        Object v = xs;
        for (int i : idx) {
            v = AD.index(v, i);
        }
        return v;
    }
}
