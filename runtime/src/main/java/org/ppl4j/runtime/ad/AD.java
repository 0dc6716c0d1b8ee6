package org.ppl4j.runtime.ad;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Differentiable arithmetic over the four kinds of numeric value: {@code Double} (a constant),
 * {@link Var} (a scalar on a tape), {@link Tensor} (a constant array) and {@link TensorVar}. Constants in,
 * constant out: nothing is recorded unless an input is on a tape.
 */
public final class AD {
    private AD() {
    }

    /** A unary scalar function with its derivative, written once and used for doubles, Vars and tensors. */
    public interface Fn1 {
        double f(double x);

        /** The derivative at x, given fx = f(x) (so exp and sigmoid reuse their value). */
        double df(double x, double fx);
    }

    public static boolean isNumeric(Object o) {
        return o instanceof Double || o instanceof Var || o instanceof Tensor || o instanceof TensorVar;
    }

    public static boolean isTensor(Object o) {
        return o instanceof Tensor || o instanceof TensorVar;
    }

    public static boolean isTracked(Object o) {
        return o instanceof Var || o instanceof TensorVar;
    }

    /** The primal value: a {@code Double} or a {@link Tensor}. */
    public static Object value(Object o) {
        if (o instanceof Var v) {
            return v.value;
        }
        if (o instanceof TensorVar t) {
            return t.value;
        }
        return o;
    }

    /**
     * Stops gradients: the same value with no gradient path. A tracked value stays on its tape through a
     * dependency-only edge, so the estimate pass still knows which random choices it came from.
     */
    public static Object detach(Object o) {
        if (o instanceof Var v) {
            return Var.dependent(v.tape, v.value, null, v);
        }
        if (o instanceof TensorVar t) {
            return TensorVar.record(t.tape, t.value, g -> { }, t);
        }
        return o;
    }

    public static double scalarValue(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof Var v) {
            return v.value;
        }
        throw new IllegalArgumentException("expected a number, got " + describe(o));
    }

    public static Tensor tensorValue(Object o) {
        Object v = value(o);
        if (v instanceof Tensor t) {
            return t;
        }
        if (v instanceof Double d) {
            return new Tensor(new int[] {}, new double[] {d});
        }
        throw new IllegalArgumentException("expected a tensor, got " + describe(o));
    }

    public static String describe(Object o) {
        if (o instanceof Double || o instanceof Var) {
            return "a number";
        }
        if (o instanceof Tensor || o instanceof TensorVar) {
            return "a tensor of shape " + java.util.Arrays.toString(tensorValue(o).shape());
        }
        return o == null ? "nothing" : o.getClass().getSimpleName();
    }

    private static Tape tapeOf(Object a, Object b) {
        Tape ta = a instanceof Var v ? v.tape : a instanceof TensorVar t ? t.tape : null;
        Tape tb = b instanceof Var v ? v.tape : b instanceof TensorVar t ? t.tape : null;
        if (ta != null && tb != null && ta != tb) {
            throw new IllegalStateException("values from two different gradient evaluations were combined");
        }
        return ta != null ? ta : tb;
    }

    // ---------------------------------------------------------------- binary operations

    public static Object add(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x + y;
        }
        if (!isTensor(a) && !isTensor(b)) {
            return linear(a, 1, b, 1, 0);
        }
        return binary(a, b, Double::sum, (x, y) -> 1, (x, y) -> 1);
    }

    public static Object sub(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x - y;
        }
        if (!isTensor(a) && !isTensor(b)) {
            return linear(a, 1, b, -1, 0);
        }
        return binary(a, b, (x, y) -> x - y, (x, y) -> 1, (x, y) -> -1);
    }

    public static Object mul(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x * y;
        }
        if (a instanceof Double k && b instanceof Var) {
            return linear(b, k, null, 0, 0);
        }
        if (b instanceof Double k && a instanceof Var) {
            return linear(a, k, null, 0, 0);
        }
        return binary(a, b, (x, y) -> x * y, (x, y) -> y, (x, y) -> x);
    }

    public static Object div(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x / y;
        }
        if (b instanceof Double k && a instanceof Var) {
            return linear(a, 1 / k, null, 0, 0);
        }
        return binary(a, b, (x, y) -> x / y, (x, y) -> 1 / y, (x, y) -> -x / (y * y));
    }

    /**
     * ka * a + kb * b + c for scalars, recorded as a linear node: the estimate pass's Rao-Blackwellisation
     * splits an objective into its additive terms through such nodes.
     */
    static Object linear(Object a, double ka, Object b, double kb, double c) {
        double x = a == null ? 0 : scalarValue(a);
        double y = b == null ? 0 : scalarValue(b);
        double v = ka * x + kb * y + c;
        Tape tape = tapeOf(a, b);
        if (tape == null) {
            return v;
        }
        Var va = a instanceof Var p ? p : null;
        Var vb = b instanceof Var q ? q : null;
        return Var.linear(tape, v, va, va == null ? 0 : ka, vb, vb == null ? 0 : kb);
    }

    public static Object pow(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return Math.pow(x, y);
        }
        return binary(a, b, Math::pow,
                (x, y) -> y == 0 ? 0 : y * Math.pow(x, y - 1),
                (x, y) -> x == 0 ? 0 : Math.pow(x, y) * Math.log(x));
    }

    /**
     * An elementwise binary operation with its two partial derivatives. Scalars take the two-slot
     * {@link Var} path; anything involving a tensor broadcasts and reduces gradients back to each shape.
     */
    public static Object binary(Object a, Object b, DoubleBinaryOperator f, DoubleBinaryOperator dfa,
            DoubleBinaryOperator dfb) {
        if (!isTensor(a) && !isTensor(b)) {
            double x = scalarValue(a);
            double y = scalarValue(b);
            double v = f.applyAsDouble(x, y);
            Tape tape = tapeOf(a, b);
            if (tape == null) {
                return v;
            }
            Var va = a instanceof Var p ? p : null;
            Var vb = b instanceof Var q ? q : null;
            return Var.binary(tape, v, va, va == null ? 0 : dfa.applyAsDouble(x, y), vb,
                    vb == null ? 0 : dfb.applyAsDouble(x, y));
        }
        Tensor x = tensorValue(a);
        Tensor y = tensorValue(b);
        Tensor v = Tensor.zipWith(x, y, f);
        Tape tape = tapeOf(a, b);
        if (tape == null) {
            return v;
        }
        return TensorVar.record(tape, v, g -> {
            if (isTracked(a)) {
                sendAdjoint(a, g.times(Tensor.zipWith(x, y, dfa)));
            }
            if (isTracked(b)) {
                sendAdjoint(b, g.times(Tensor.zipWith(x, y, dfb)));
            }
        }, a, b);
    }

    /** Adds an adjoint (of the broadcast shape) to a tracked input, summing over broadcast dimensions. */
    static void sendAdjoint(Object input, Tensor g) {
        if (input instanceof Var v) {
            v.accumulate(g.sum());
        } else if (input instanceof TensorVar t) {
            t.addAdjoint(g);
        }
    }

    // ---------------------------------------------------------------- unary operations

    public static Object unary(Object a, Fn1 fn) {
        if (a instanceof Double x) {
            return fn.f(x);
        }
        if (a instanceof Var v) {
            double fx = fn.f(v.value);
            return Var.unary(v, fx, fn.df(v.value, fx));
        }
        Tensor x = tensorValue(a);
        Tensor fx = x.map(fn::f);
        if (!(a instanceof TensorVar t)) {
            return fx;
        }
        return TensorVar.record(t.tape, fx, g -> {
            double[] d = new double[x.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = g.data[i] * fn.df(x.data[i], fx.data[i]);
            }
            t.addAdjoint(new Tensor(x.shape(), d));
        }, t);
    }

    public static Object neg(Object a) {
        if (a instanceof Double x) {
            return -x;
        }
        return a instanceof Var ? linear(a, -1, null, 0, 0) : unary(a, Fns.NEG);
    }

    public static Object exp(Object a) {
        return unary(a, Fns.EXP);
    }

    public static Object log(Object a) {
        return unary(a, Fns.LOG);
    }

    public static Object log1p(Object a) {
        return unary(a, Fns.LOG1P);
    }

    public static Object sqrt(Object a) {
        return unary(a, Fns.SQRT);
    }

    public static Object sigmoid(Object a) {
        return unary(a, Fns.SIGMOID);
    }

    public static Object softplus(Object a) {
        return unary(a, Fns.SOFTPLUS);
    }

    public static Object lgamma(Object a) {
        return unary(a, Fns.LGAMMA);
    }

    public static Object square(Object a) {
        return unary(a, Fns.SQUARE);
    }

    /**
     * DiCE's magic box: value 1, derivative 1 with respect to its argument, so v * box(l) has the value of v
     * and the gradient of v plus v times the gradient of l (the score-function term).
     */
    public static Object magicBox(Object logProb) {
        if (logProb instanceof Var v) {
            return Var.unary(v, 1.0, 1.0);
        }
        if (logProb instanceof TensorVar) {
            return magicBox(sum(logProb));
        }
        return 1.0;
    }

    // ---------------------------------------------------------------- reductions and structure

    /** Sum of all elements (a scalar). Scalars are returned unchanged. */
    public static Object sum(Object a) {
        if (!isTensor(a)) {
            return a;
        }
        Tensor x = tensorValue(a);
        double s = x.sum();
        if (!(a instanceof TensorVar t)) {
            return s;
        }
        return Var.reading(t, -1, s);
    }

    public static Object matmul(Object a, Object b) {
        Tensor x = tensorValue(a);
        Tensor y = tensorValue(b);
        Tensor v = Tensor.matmul(x, y);
        Tape tape = tapeOf(a, b);
        if (tape == null) {
            return v.rank() == 0 ? (Object) v.get(0) : v;
        }
        TensorVar r = TensorVar.record(tape, v, g -> {
            Tensor gm = asMatrix(g, x.rank() == 1 ? 1 : x.dim(0), y.rank() == 1 ? 1 : y.dim(1));
            Tensor xm = x.rank() == 1 ? new Tensor(new int[] {1, x.dim(0)}, x.data) : x;
            Tensor ym = y.rank() == 1 ? new Tensor(new int[] {y.dim(0), 1}, y.data) : y;
            if (isTracked(a)) {
                Tensor ga = Tensor.matmul(gm, ym.transpose());
                sendAdjoint(a, new Tensor(x.shape(), ga.data));
            }
            if (isTracked(b)) {
                Tensor gb = Tensor.matmul(xm.transpose(), gm);
                sendAdjoint(b, new Tensor(y.shape(), gb.data));
            }
        }, a, b);
        return v.rank() == 0 ? sum(r) : r;
    }

    private static Tensor asMatrix(Tensor g, int m, int n) {
        return new Tensor(new int[] {m, n}, g.data);
    }

    /** Element or slice {@code i} along the first axis; gradients flow back into that slice only. */
    public static Object index(Object a, int i) {
        Tensor x = tensorValue(a);
        Object v = x.slice(i);
        if (!(a instanceof TensorVar t)) {
            return v;
        }
        if (v instanceof Double d) {
            return Var.reading(t, i, d);
        }
        Tensor s = (Tensor) v;
        int n = s.size();
        return TensorVar.record(t.tape, s, g -> {
            for (int k = 0; k < n; k++) {
                t.addAdjointAt(i * n + k, g.data[k]);
            }
        }, t);
    }

    /**
     * {@code value}, marked as depending on {@code on} (a tracked index, a sample's distribution) with no
     * gradient path through that edge. Returns the value unchanged when {@code on} is not tracked.
     */
    public static Object dependsOn(Object value, Object on) {
        if (!(on instanceof TapeNode node)) {
            return value;
        }
        Tape tape = on instanceof Var v ? v.tape : ((TensorVar) on).tape;
        if (isTensor(value)) {
            Tensor t = tensorValue(value);
            return TensorVar.record(tape, t, g -> sendAdjoint(value, g), value, node);
        }
        if (!isNumeric(value)) {
            return value;
        }
        return Var.dependent(tape, scalarValue(value), value instanceof Var p ? p : null, node);
    }

    /** Stacks scalars (tracked or not) into a vector, keeping each element's gradient path. */
    public static Object stack(Object[] elements) {
        double[] d = new double[elements.length];
        Tape tape = null;
        for (int i = 0; i < elements.length; i++) {
            d[i] = scalarValue(elements[i]);
            if (elements[i] instanceof Var v) {
                if (tape != null && tape != v.tape) {
                    throw new IllegalStateException("values from two different gradient evaluations were combined");
                }
                tape = v.tape;
            }
        }
        Tensor t = new Tensor(new int[] {d.length}, d);
        if (tape == null) {
            return t;
        }
        return TensorVar.record(tape, t, g -> {
            for (int i = 0; i < elements.length; i++) {
                if (elements[i] instanceof Var v) {
                    v.accumulate(g.data[i]);
                }
            }
        }, (Object[]) elements);
    }
}
