package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Axes;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;
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
                Builtin.unary("ceil", x -> rounded(x, Math::ceil)),
                Builtin.unary("exp", AD::exp),
                Builtin.unary("floor", x -> rounded(x, Math::floor)),
                Builtin.unary("round", x -> rounded(x, Math::rint)),
                Builtin.unary("lgamma", AD::lgamma),
                Builtin.unary("log", AD::log),
                Builtin.unary("log1p", AD::log1p),
                Builtin.unary("relu", x -> AD.unary(x, Fns.RELU)),
                Builtin.unary("sigmoid", AD::sigmoid),
                Builtin.unary("sin", x -> AD.unary(x, Fns.SIN)),
                Builtin.unary("softplus", AD::softplus),
                Builtin.unary("sqrt", AD::sqrt),
                Builtin.unary("tanh", x -> AD.unary(x, Fns.TANH)),
                reduction("sum", (xs, axis) -> axis == null ? AD.sum(xs) : AD.sumAxis(xs, axis, false)),
                reduction("mean", (xs, axis) -> axis == null ? AD.div(AD.sum(xs), (double) size(xs))
                        : AD.div(AD.sumAxis(xs, axis, false), (double) AD.tensorValue(xs).dim(AD.axis(xs, axis)))),
                reduction("logsumexp", (xs, axis) -> axis == null ? logsumexp(xs) : logsumexp(xs, axis, false)),
                reduction("logmeanexp", (xs, axis) -> axis == null ? AD.sub(logsumexp(xs), Math.log(size(xs)))
                        : AD.sub(logsumexp(xs, axis, false), Math.log(AD.tensorValue(xs).dim(AD.axis(xs, axis))))),
                Builtin.of("len", List.of("xs"), (a, c) -> {
                    if (a[0] instanceof Batched b) { // the length of each iteration's value, the same for all
                        return (double) (b.eventRank() == 0 ? 1 : b.eventShape()[0]);
                    }
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
                Builtin.constant("pi", Math.PI),
                extremum("max", true),
                extremum("min", false),
                // milliseconds (with a fractional part) on a monotonic clock with an arbitrary origin: only the
                // difference of two readings means something; for timing parts of a program, never for results
                Builtin.of("clock", List.of(), (a, c) -> System.nanoTime() / 1e6));
    }

    /**
     * {@code max(x, y)}: the elementwise larger of two numbers or tensors (broadcast), its gradient going to the
     * larger (to x on a tie); {@code max(xs)}: the largest element; {@code max(xs, axis: a)}: the largest along an
     * axis, its gradient shared equally among tied elements. {@code min} likewise.
     */
    private static Builtin extremum(String name, boolean max) {
        Reduction along = (xs, axis) -> axis == null ? extremeElement(xs, max) : extremeAlong(xs, axis, max);
        Builtin reduce = reduction(name, along);
        return new Builtin(name, List.of("x", "y", "axis"), 1, false, (a, c) -> {
            if (a.length > 1 && a[1] != null) {
                if (a.length > 2 && a[2] != null) {
                    throw new IllegalArgumentException(name + ": either two values (elementwise) or one with 'axis'"
                            + ", not both");
                }
                Object x = Args.numeric(name, "x", a[0]);
                Object y = Args.numeric(name, "y", a[1]);
                return max
                        ? AD.binary(x, y, Math::max, (u, v) -> u >= v ? 1 : 0, (u, v) -> u >= v ? 0 : 1)
                        : AD.binary(x, y, Math::min, (u, v) -> u <= v ? 1 : 0, (u, v) -> u <= v ? 0 : 1);
            }
            return reduce.call(new Object[] {a[0], a.length > 2 ? a[2] : null}, c);
        });
    }

    /** The largest (smallest) element, read through the tape so that its gradient reaches it alone. */
    private static Object extremeElement(Object xs, boolean max) {
        if (!AD.isTensor(xs)) {
            return xs;
        }
        Tensor t = AD.tensorValue(xs);
        if (t.size() == 0) {
            throw new IllegalArgumentException((max ? "max" : "min") + ": a tensor with no elements has none");
        }
        int arg = 0;
        for (int i = 1; i < t.size(); i++) {
            if (max ? t.get(i) > t.get(arg) : t.get(i) < t.get(arg)) {
                arg = i;
            }
        }
        return element(xs, t.shape(), arg);
    }

    /** The extreme along an axis: the mean of the elements that attain it, so ties share the gradient. */
    private static Object extremeAlong(Object xs, int axis, boolean max) {
        int k = AD.axis(xs, axis);
        Tensor m = max ? AD.maxAxisValue(xs, k) : AD.maxAxisValue(AD.neg(AD.value(xs)), k).map(v -> -v);
        Tensor attains = AD.compare(xs, m, (u, v) -> u == v ? 1 : 0);
        Tensor count = attains.sumAxis(k);
        return AD.div(AD.sumAxis(AD.mul(xs, attains), k, false), count);
    }

    /** A reduction over every element, or along {@code axis:} (negative counts from the end) when given. */
    interface Reduction {
        Object apply(Object xs, Integer axis);
    }

    static Builtin reduction(String name, Reduction r) {
        return new Builtin(name, List.of("xs", "axis"), 1, false, (a, c) -> {
            if (a[0] instanceof Batched b) {
                return perIteration(name, r, b, a.length > 1 ? a[1] : null);
            }
            Object xs = Args.numeric(name, "xs", a[0]);
            Object axis = a.length > 1 ? a[1] : null;
            if (axis == null) {
                return r.apply(xs, null);
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
            return rank == 1 ? r.apply(xs, null) : r.apply(xs, ax < 0 ? ax + rank : ax); // a vector's axis: a number
        });
    }

    /**
     * A reduction of each iteration's value in a vectorised body: of all its elements (the event axes flattened into
     * one) or along its axis {@code axis} (one further along the stacked values).
     */
    private static Object perIteration(String name, Reduction r, Batched b, Object axis) {
        int rank = b.eventRank();
        if (axis == null || rank == 1) {
            if (rank == 0) {
                if (axis != null) {
                    throw new NotBatchable(name + " with an axis of a number"); // the loop says what is wrong
                }
                return b;
            }
            int[] event = b.eventShape();
            Object flat = rank == 1 ? b.stacked() : AD.reshape(b.stacked(), new int[] {b.size(), Tensor.numel(event)});
            return Batched.of(r.apply(flat, 1), b.size());
        }
        double d = Args.number(name, "axis", axis);
        int ax = (int) d;
        if (d != ax || ax < -rank || ax >= rank) {
            throw new NotBatchable(name + " along an axis it does not have");
        }
        return Batched.of(r.apply(b.stacked(), (ax < 0 ? ax + rank : ax) + 1), b.size());
    }

    /** log sum exp along an axis, shifted by the (constant) maximum along it for stability. */
    static Object logsumexp(Object xs, int axis, boolean keep) {
        Tensor m = AD.maxAxisValue(xs, axis);
        Tensor finite = m.map(v -> Double.isFinite(v) ? v : 0);
        // the shift keeps the provenance of xs (see logsumexp(xs)), without a gradient path
        Object shift = AD.isTracked(xs) ? AD.dependsOn(finite, xs) : finite;
        Object s = AD.add(AD.log(AD.sumAxis(AD.exp(AD.sub(xs, shift)), axis, true)), shift);
        return keep ? s : AD.reshape(s, Tensor.dropAxis(AD.tensorValue(s).shape(), AD.axis(xs, axis)));
    }

    /** A rounding of each element: piecewise constant, so its value carries no gradient. */
    private static Object rounded(Object x, java.util.function.DoubleUnaryOperator f) {
        Object v = AD.value(x);
        return v instanceof Tensor t ? t.map(f) : (Object) f.applyAsDouble((Double) v);
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
