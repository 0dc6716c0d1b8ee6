package org.ppl4j.runtime.ad;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Differentiable arithmetic over the four kinds of numeric value: {@code Double} (a constant),
 * {@link Var} (a scalar on a tape), {@link Tensor} (a constant array) and {@link TensorVar}. Constants in,
 * constant out: nothing is recorded unless an input is on a tape.
 *
 * <p>The backward rules of the operations a small model's step records most (tensor +, -, *, /, unary functions,
 * the fused normal log density) are anonymous classes, not lambdas: a capturing lambda is made through a method
 * handle and a VM allocation, which C1 (the launcher's host JIT) does not inline away, while {@code new} is a
 * bump of the thread's allocation buffer. That was 2.6% of an eight-schools step (docs/performance.md).
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
        if (o instanceof Batched b) {
            return b.map(AD::detach);
        }
        if (o instanceof Var v) {
            return Var.dependent(v.tape, v.value, null, v);
        }
        if (o instanceof TensorVar t) {
            return TensorVar.record(t.tape, t.value, g -> { }, t).elementwise(t);
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
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.binary(a, b, AD::add);
        }
        if (!isTensor(a) && !isTensor(b)) {
            return linear(a, 1, b, 1, 0);
        }
        return tensorBinary(Tensor.Op2.ADD, a, b);
    }

    public static Object sub(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x - y;
        }
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.binary(a, b, AD::sub);
        }
        if (!isTensor(a) && !isTensor(b)) {
            return linear(a, 1, b, -1, 0);
        }
        return tensorBinary(Tensor.Op2.SUB, a, b);
    }

    public static Object mul(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x * y;
        }
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.binary(a, b, AD::mul);
        }
        if (a instanceof Double k && b instanceof Var) {
            return linear(b, k, null, 0, 0);
        }
        if (b instanceof Double k && a instanceof Var) {
            return linear(a, k, null, 0, 0);
        }
        if (isTensor(a) || isTensor(b)) {
            return tensorBinary(Tensor.Op2.MUL, a, b);
        }
        return binary(a, b, (x, y) -> x * y, (x, y) -> y, (x, y) -> x);
    }

    public static Object div(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x / y;
        }
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.binary(a, b, AD::div);
        }
        if (b instanceof Double k && a instanceof Var) {
            return linear(a, 1 / k, null, 0, 0);
        }
        if (isTensor(a) || isTensor(b)) {
            return tensorBinary(Tensor.Op2.DIV, a, b);
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
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.binary(a, b, AD::pow);
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
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.binary(a, b, (x, y) -> binary(x, y, f, dfa, dfb));
        }
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
        Tensor v = Tensor.zipWith(tensorValue(a), tensorValue(b), f);
        Tensor x = tensorValue(a).broadcastTo(v.shape());
        Tensor y = tensorValue(b).broadcastTo(v.shape());
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
        }, a, b).elementwise(a, b);
    }

    /**
     * +, -, *, / with a tensor operand: the value and the adjoints are whole-tensor operations (ND4J kernels
     * for large tensors), never a per-element lambda.
     */
    private static Object tensorBinary(Tensor.Op2 op, Object a, Object b) {
        Tensor x = tensorValue(a);
        Tensor y = tensorValue(b);
        Tensor v = Tensor.binary(op, x, y);
        Tape tape = tapeOf(a, b);
        if (tape == null) {
            return v;
        }
        TensorVar r = TensorVar.record(tape, v, new TensorVar.Backward() { // a class, not a lambda: see the class comment
            @Override
            public void apply(Tensor g) {
                switch (op) {
                    case ADD:
                        sendAdjoint(a, g);
                        sendAdjoint(b, g);
                        break;
                    case SUB:
                        sendAdjoint(a, g);
                        if (isTracked(b)) {
                            sendAdjoint(b, g.scale(-1));
                        }
                        break;
                    case MUL:
                        if (isTracked(a)) {
                            sendAdjoint(a, g.times(y));
                        }
                        if (isTracked(b)) {
                            sendAdjoint(b, g.times(x));
                        }
                        break;
                    default: // DIV: d/dx = 1 / y, d/dy = -x / y^2 = -v / y
                        Tensor gy = Tensor.binary(Tensor.Op2.DIV, g, y);
                        if (isTracked(a)) {
                            sendAdjoint(a, gy);
                        }
                        if (isTracked(b)) {
                            sendAdjoint(b, gy.times(v).scale(-1));
                        }
                        break;
                }
            }
        }, a, b).elementwise(a, b);
        Fusion.Add add = op == Tensor.Op2.ADD ? Fusion.add(a, b, v) : null;
        return add == null ? r : Fusion.mark(r, add);
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
        if (a instanceof Batched b) {
            return b.map(x -> unary(x, fn));
        }
        if (a instanceof Double x) {
            return fn.f(x);
        }
        if (a instanceof Var v) {
            double fx = fn.f(v.value);
            return Var.unary(v, fx, fn.df(v.value, fx));
        }
        Tensor x = tensorValue(a);
        Tensor.Op1 kernel = fn instanceof Fns.Kernel k && x.isLarge() ? k.op : null;
        Tensor fx = kernel != null ? x.apply(kernel) : x.map(fn::f);
        if (!(a instanceof TensorVar t)) {
            return fx;
        }
        TensorVar r = TensorVar.record(t.tape, fx, new TensorVar.Backward() { // a class, not a lambda: see the class comment
            @Override
            public void apply(Tensor g) {
                if (kernel != null) {
                    Tensor fused = Tensor.unaryGradient(kernel, x, fx, g); // one pass, where ppl4j's kernels run
                    t.addAdjoint(fused != null ? fused : g.times(derivative(kernel, x, fx)));
                    return;
                }
                double[] gd = g.d();
                double[] xd = x.d();
                double[] fd = fx.d();
                double[] d = new double[x.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = gd[i] * fn.df(xd[i], fd[i]);
                }
                t.addAdjoint(new Tensor(x.shape(), d));
            }
        }, t).elementwise(t);
        return Fusion.mark(r, new Fusion.Unary(fn, fn instanceof Fns.Kernel k ? k.op : null, x, fx, t));
    }

    /** f'(x) for a kernel function as whole-tensor operations, given fx = f(x). */
    private static Tensor derivative(Tensor.Op1 op, Tensor x, Tensor fx) {
        switch (op) {
            case NEG:
                return Tensor.full(new int[] {}, -1.0);
            case EXP:
                return fx;
            case LOG:
                return Tensor.binary(Tensor.Op2.DIV, Tensor.scalar(1), x);
            case LOG1P:
                return Tensor.binary(Tensor.Op2.DIV, Tensor.scalar(1), x.plus(Tensor.scalar(1)));
            case SQRT:
                return Tensor.binary(Tensor.Op2.DIV, Tensor.scalar(0.5), fx);
            case SQUARE:
                return x.scale(2);
            case ABS:
                return x.apply(Tensor.Op1.SIGN);
            case TANH:
                return Tensor.binary(Tensor.Op2.SUB, Tensor.scalar(1), fx.apply(Tensor.Op1.SQUARE));
            case SIGMOID:
                return fx.times(Tensor.binary(Tensor.Op2.SUB, Tensor.scalar(1), fx));
            case SOFTPLUS:
                return x.apply(Tensor.Op1.SIGMOID);
            case RELU:
                return x.apply(Tensor.Op1.STEP);
            default:
                return x.apply(Tensor.Op1.STEP).scale(0);
        }
    }

    public static Object neg(Object a) {
        if (a instanceof Batched b) {
            return b.map(AD::neg);
        }
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
        if (logProb instanceof Batched) {
            throw new NotBatchable("a score-function term");
        }
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
        if (a instanceof Batched b) {
            return b.sumEvent();
        }
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

    /**
     * sum(x * l - softplus(l)): the Bernoulli log-likelihood of 0/1 data {@code x} (a constant, of l's shape) given
     * logits {@code l}, as one node whose adjoint to l is g (x - sigmoid(l)): two passes forward and two back where
     * the elementary operations take nine (a decoder's output layer). Softplus is computed stably.
     */
    public static Object bernoulliLogitsSum(Tensor x, Object l) {
        Tensor lv = tensorValue(l);
        if (!Arrays.equals(x.shape(), lv.shape())) {
            throw new ShapeException("bernoulliLogitsSum: data of shape " + Arrays.toString(x.shape())
                    + " and logits of shape " + Arrays.toString(lv.shape()));
        }
        if (!(l instanceof TensorVar t)) {
            return lv.bernoulliLogitsSum(x);
        }
        // softplus(l) as the sum made it (large logits), for the summands: a score per independent element
        // splits this sum by rows, and computing softplus again was most of that split's cost
        Tensor[] softplus = new Tensor[1];
        double v = lv.bernoulliLogitsSum(x, softplus);
        TensorVar node = TensorVar.record(t.tape, Tensor.scalar(v),
                g -> t.addAdjoint(lv.bernoulliLogitsGradient(x, g.get(0))), t).aligned(lv.rank());
        // the summed values, for a score that reaches each independent element's own terms only
        node.summands = () -> Tensor.binary(Tensor.Op2.SUB, x.times(lv),
                softplus[0] != null ? softplus[0] : lv.apply(Tensor.Op1.SOFTPLUS));
        node.trackedSummands = () -> sub(mul(x, t), softplus(t));
        Fusion.dumpNode("Bernoulli log-likelihood of logits sum(x l - softplus(l))", lv);
        return sum(node);
    }

    /**
     * sum(-0.5 ((x - mu) / sigma)^2): the part of a normal log density that depends on x, as one node, forward in
     * one pass and backward in one (g z / sigma to mu, -g z / sigma to x, g z^2 / sigma to sigma, z = (x - mu) /
     * sigma), where the elementary operations make five arrays each way. x is a tensor; mu and sigma tensors of its
     * shape or scalars. Null when they are not (the caller composes it from elementwise operations), or when x is
     * large and ppl4j's own kernels do not run on these arrays.
     */
    public static Object normalQuadraticSum(Object x, Object mu, Object sigma) {
        if (!(x instanceof Tensor || x instanceof TensorVar)) {
            return null;
        }
        Tensor xv = tensorValue(x);
        int[] shape = xv.shape();
        if (!fullOrScalar(mu, shape) || !fullOrScalar(sigma, shape)) {
            return null;
        }
        Object mv = value(mu);
        Object sv = value(sigma);
        Double v = Tensor.normalQuadratic(xv, mv, sv);
        if (v == null) {
            return null;
        }
        Tape tape = tapeOf(x, mu);
        Tape tapeOfSigma = tapeOf(sigma, tape == null ? null : x);
        tape = tape != null ? tape : tapeOfSigma;
        if (tape == null) {
            return v;
        }
        TensorVar node = TensorVar.record(tape, Tensor.scalar(v), new TensorVar.Backward() { // a class, not a lambda: see the class comment
            @Override
            public void apply(Tensor g) {
                Tensor[] d = Tensor.normalQuadraticGradient(xv, mv, sv, g.get(0), isTracked(sigma));
                if (isTracked(mu)) {
                    sendAdjoint(mu, d[0]);
                }
                if (isTracked(x)) {
                    sendAdjoint(x, d[0].scale(-1));
                }
                if (isTracked(sigma)) {
                    sendAdjoint(sigma, d[1]);
                }
            }
        }, x, mu, sigma);
        int[] depths = new int[node.parents.length];
        int j = 0;
        for (Object input : new Object[] {x, mu, sigma}) {
            if (input instanceof TapeNode) {
                depths[j++] = input instanceof TensorVar ? shape.length : 0;
            }
        }
        node.aligned(depths);
        // the summed values, for a score that reaches each independent element's own terms only
        node.summands = () -> Tensor.binary(Tensor.Op2.MUL, Tensor.full(new int[] {}, -0.5),
                Tensor.binary(Tensor.Op2.DIV, Tensor.binary(Tensor.Op2.SUB, xv, Tensor.broadcastValue(mv, shape)),
                        Tensor.broadcastValue(sv, shape)).apply(Tensor.Op1.SQUARE));
        node.trackedSummands = () -> mul(-0.5, square(div(sub(x, mu), sigma)));
        Fusion.dumpNode("normal log density sum(-0.5 ((x - mu) / sigma)^2)", xv);
        return sum(node);
    }

    private static boolean fullOrScalar(Object p, int[] shape) {
        return p instanceof Double || p instanceof Var
                || ((p instanceof Tensor || p instanceof TensorVar) && Arrays.equals(tensorValue(p).shape(), shape));
    }

    public static Object matmul(Object a, Object b) {
        if (a instanceof Batched || b instanceof Batched) {
            return Batched.matmul(a, b);
        }
        Tensor x = tensorValue(a);
        Tensor y = tensorValue(b);
        Tensor v = Tensor.matmul(x, y);
        Tape tape = tapeOf(a, b);
        if (tape == null) {
            return v.rank() == 0 ? (Object) v.get(0) : v;
        }
        TensorVar r = TensorVar.record(tape, v, g -> {
            Tensor gm = g.reshape(new int[] {x.rank() == 1 ? 1 : x.dim(0), y.rank() == 1 ? 1 : y.dim(1)});
            Tensor xm = x.rank() == 1 ? x.reshape(new int[] {1, x.dim(0)}) : x;
            Tensor ym = y.rank() == 1 ? y.reshape(new int[] {y.dim(0), 1}) : y;
            if (isTracked(a)) {
                sendAdjoint(a, Tensor.matmul(gm, false, ym, true).reshape(x.shape()));
            }
            if (isTracked(b)) {
                sendAdjoint(b, Tensor.matmul(xm, true, gm, false).reshape(y.shape()));
            }
        }, a, b);
        if (isTracked(a) && x.rank() == 2 && v.rank() == 2) {
            // row i of x @ w is row i of x times w: x's first axis is kept
            r.depths = isTracked(b) ? new int[] {1, 0} : new int[] {1};
        }
        return v.rank() == 0 ? sum(r) : r;
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
            double[] gd = g.d();
            for (int k = 0; k < n; k++) {
                t.addAdjointAt(i * n + k, gd[k]);
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
            int[] out = t.shape();
            TensorVar r = TensorVar.record(tape, t, g -> sendAdjoint(value, g), value, node);
            return isTracked(value) ? r.aligned(TensorVar.elementwiseDepth(value, out), TensorVar.prefixDepth(node, out))
                    : r.aligned(TensorVar.prefixDepth(node, out));
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
                    v.accumulate(g.get(i));
                }
            }
        }, (Object[]) elements);
    }

    // ---------------------------------------------------------------- shape operations and axis reductions

    /** A negative axis counts from the end, as in NumPy; out of range is an error naming the shape. */
    public static int axis(Object a, int axis) {
        int rank = tensorValue(a).rank();
        int k = axis < 0 ? axis + rank : axis;
        if (k < 0 || k >= rank) {
            throw new ShapeException("axis " + axis + " is out of range for " + describe(a));
        }
        return k;
    }

    /** Sum along {@code axis}, dropped from the shape (kept with size 1 if {@code keep}). */
    public static Object sumAxis(Object a, int axis, boolean keep) {
        int k = axis(a, axis);
        Tensor x = tensorValue(a);
        Tensor v = x.sumAxis(k);
        if (keep) {
            v = v.reshape(Tensor.keepAxis(x.shape(), k));
        }
        if (!(a instanceof TensorVar t)) {
            return v;
        }
        int[] kept = Tensor.keepAxis(x.shape(), k);
        return TensorVar.record(t.tape, v, g -> t.addAdjoint(g.reshape(kept).broadcastTo(x.shape())), t).aligned(k);
    }

    /** The maximum along {@code axis}, kept with size 1, as a constant (a shift for stable log-sum-exp). */
    public static Tensor maxAxisValue(Object a, int axis) {
        int k = axis(a, axis);
        Tensor x = tensorValue(a);
        return x.maxAxis(k).reshape(Tensor.keepAxis(x.shape(), k));
    }

    public static Object reshape(Object a, int[] shape) {
        Tensor x = tensorValue(a);
        Tensor v = x.reshape(shape);
        if (!(a instanceof TensorVar t)) {
            return v;
        }
        int[] original = x.shape();
        return TensorVar.record(t.tape, v, g -> t.addAdjoint(g.reshape(original)), t)
                .aligned(TensorVar.prefixDepth(t, shape));
    }

    public static Object transpose(Object a) {
        Tensor v = tensorValue(a).transpose();
        if (!(a instanceof TensorVar t)) {
            return v;
        }
        return TensorVar.record(t.tape, v, g -> t.addAdjoint(g.transpose()), t);
    }

    /** Elements {@code start, start + step, ...} before {@code stop} along {@code axis} (bounds resolved). */
    public static Object range(Object a, int axis, int start, int stop, int step) {
        Tensor x = tensorValue(a);
        Tensor v = x.range(axis, start, stop, step);
        if (!(a instanceof TensorVar t)) {
            return v;
        }
        int[] full = x.shape();
        return TensorVar.record(t.tape, v, g -> t.addAdjoint(Tensor.unrange(g, full, axis, start, step)), t)
                .aligned(Math.min(axis, TensorVar.prefixDepth(t, v.shape())));
    }

    /** The given rows (first-axis slices) stacked; gradients are added back to the rows they came from. */
    public static Object rows(Object a, int[] rows) {
        Tensor x = tensorValue(a);
        Tensor v = x.rows(rows);
        if (!(a instanceof TensorVar t)) {
            return v;
        }
        int[] full = x.shape();
        return TensorVar.record(t.tape, v, g -> {
            double[] gd = g.d();
            double[] r = new double[Tensor.numel(full)];
            int n = r.length / Math.max(1, full[0]);
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < n; j++) {
                    r[rows[i] * n + j] += gd[i * n + j];
                }
            }
            t.addAdjoint(new Tensor(full, r));
        }, t);
    }

    /** Tensors joined along {@code axis}; each gets back its own part of the gradient. */
    public static Object concat(Object[] parts, int axis) {
        Tensor[] ts = new Tensor[parts.length];
        Tape tape = null;
        for (int i = 0; i < parts.length; i++) {
            ts[i] = tensorValue(parts[i]);
            if (ts[i].rank() == 0) {
                ts[i] = ts[i].reshape(new int[] {1});
            }
            tape = tape == null ? tapeOf(parts[i], null) : tape;
        }
        int k = axis < 0 ? axis + ts[0].rank() : axis;
        Tensor v = Tensor.concat(ts, k);
        if (tape == null) {
            return v;
        }
        int[] depths = new int[parts.length];
        int tracked = 0;
        for (Object p : parts) {
            if (p instanceof TapeNode) {
                depths[tracked++] = Math.min(k, TensorVar.prefixDepth(p, v.shape()));
            }
        }
        int[] aligned = Arrays.copyOf(depths, tracked);
        return TensorVar.record(tape, v, g -> {
            int offset = 0;
            for (int i = 0; i < parts.length; i++) {
                int len = ts[i].dim(k);
                if (isTracked(parts[i])) {
                    Tensor part = g.range(k, offset, offset + len, 1);
                    sendAdjoint(parts[i], parts[i] instanceof Var ? part : part.reshape(tensorValue(parts[i]).shape()));
                }
                offset += len;
            }
        }, parts).aligned(aligned);
    }

    /**
     * Elementwise choice: {@code a} where {@code cond} is non-zero, else {@code b}, broadcast together. The
     * condition is a constant (a comparison); gradients go to the branch each element took.
     */
    public static Object where(Object cond, Object a, Object b) {
        Tensor c = tensorValue(value(cond));
        Tensor x = tensorValue(a);
        Tensor y = tensorValue(b);
        int[] shape = Tensor.broadcastShape(Tensor.broadcastShape(c.shape(), x.shape()), y.shape());
        double[] cd = c.broadcastTo(shape).d();
        double[] xd = x.broadcastTo(shape).d();
        double[] yd = y.broadcastTo(shape).d();
        double[] r = new double[cd.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = cd[i] != 0 ? xd[i] : yd[i];
        }
        Tensor v = new Tensor(shape, r);
        Tape tape = tapeOf(a, b);
        if (tape == null) {
            return v;
        }
        Tensor on = new Tensor(shape, cd).map(t -> t != 0 ? 1 : 0);
        Tensor off = on.map(t -> 1 - t);
        return TensorVar.record(tape, v, g -> {
            sendAdjoint(a, g.times(on));
            sendAdjoint(b, g.times(off));
        }, a, b).elementwise(a, b);
    }

    /** Elementwise comparison as 1 (true) or 0 (false), without gradient; {@code test} returns 1 or 0. */
    public static Tensor compare(Object a, Object b, DoubleBinaryOperator test) {
        return Tensor.zipWith(tensorValue(value(a)), tensorValue(value(b)), test).knownBinary();
    }

    /** {@link #compare}, with the comparison named so that a large tensor against a number is one kernel. */
    public static Tensor compare(Object a, Object b, Tensor.Cmp cmp, DoubleBinaryOperator test) {
        return Tensor.compare(tensorValue(value(a)), tensorValue(value(b)), cmp, test);
    }
}
