package org.ppl4j.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the JDK's Vector API ({@code jdk.incubator.vector}), the widest vectors the CPU has: 16 floats a
 * step with AVX-512. Each loop runs whole vectors and then one masked vector for the last {@code n mod width}
 * elements, so any length works. Transcendental functions are the Vector API's own (Intel's SVML on x86), within
 * a few float32 ulps of the float64 functions. Needs C2: under C1 alone every vector is an object.
 */
final class VectorKernels extends FloatKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Half as many doubles as F has floats: sums widen each float vector to two double vectors. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder O = ByteOrder.nativeOrder();
    /**
     * Moves a float vector's upper half to its lower half: F2D of that, part 0, widens the upper lanes. (F2D with
     * part 1 is not intrinsified by JDK 17: it builds a shuffle in Java at every call, slower than the scalar loop.)
     */
    private static final VectorShuffle<Float> UPPER = VectorShuffle.iota(F, D.length(), 1, true);
    private static final int W = F.length();

    @Override
    public String name() {
        return "ppl4j Vector API kernels (" + F.vectorBitSize() + "-bit, " + W + " floats)";
    }

    private static FloatVector load(ByteBuffer b, int i) {
        return FloatVector.fromByteBuffer(F, b, i << 2, O);
    }

    private static FloatVector load(ByteBuffer b, int i, VectorMask<Float> m) {
        return FloatVector.fromByteBuffer(F, b, i << 2, O, m);
    }

    private static FloatVector sigmoid(FloatVector x) {
        // 1 / (1 + e^-x): e^-x overflows to infinity below -88 and the result is then 0, as it should be
        return FloatVector.broadcast(F, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    private static FloatVector softplus(FloatVector x) {
        // max(x, 0) + log(1 + e^-|x|): no overflow at either tail
        return x.max(0f).add(log1p(x.abs().neg().lanewise(VectorOperators.EXP)));
    }

    /**
     * log(1 + e) for e in [0, 1] (or NaN), to float32 accuracy, in multiplies and one division: with s = e / (2 + e)
     * (at most 1/3), log(1 + e) = 2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ...), of which eight terms leave a
     * relative error below 2e-9. The Vector API's LOG1P and LOG cost three to five times as much as its EXP on JDK
     * 17, and softplus is the VAE's hottest function.
     */
    private static FloatVector log1p(FloatVector e) {
        FloatVector s = e.div(e.add(2f));
        FloatVector s2 = s.mul(s);
        FloatVector p = s2.mul(1f / 15).add(1f / 13);
        p = p.mul(s2).add(1f / 11);
        p = p.mul(s2).add(1f / 9);
        p = p.mul(s2).add(1f / 7);
        p = p.mul(s2).add(1f / 5);
        p = p.mul(s2).add(1f / 3);
        p = p.mul(s2).add(1f);
        return s.mul(p).mul(2f);
    }

    private static FloatVector apply(Fn f, FloatVector x) {
        switch (f) {
            case NEG:
                return x.neg();
            case EXP:
                return x.lanewise(VectorOperators.EXP);
            case LOG:
                return x.lanewise(VectorOperators.LOG);
            case LOG1P:
                return x.lanewise(VectorOperators.LOG1P); // any argument; the fast form above needs e >= 0
            case SQRT:
                return x.sqrt();
            case SQUARE:
                return x.mul(x);
            case ABS:
                return x.abs();
            case TANH:
                return x.lanewise(VectorOperators.TANH);
            case SIGMOID:
                return sigmoid(x);
            case SOFTPLUS:
                return softplus(x);
            case RELU:
                return x.max(0f);
            case SIGN: {
                FloatVector zero = F.zero().reinterpretAsFloats();
                FloatVector one = zero.add(1f);
                return zero.blend(one, x.compare(VectorOperators.GT, 0f))
                        .blend(one.neg(), x.compare(VectorOperators.LT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
            }
            case STEP: {
                FloatVector zero = F.zero().reinterpretAsFloats();
                return zero.blend(1f, x.compare(VectorOperators.GT, 0f));
            }
            default:
                return softplus(x.neg()).neg();
        }
    }

    /** g * f'(x), given fx = f(x) where the derivative reads it. */
    private static FloatVector gradient(Fn f, FloatVector x, FloatVector fx, FloatVector g) {
        switch (f) {
            case NEG:
                return g.neg();
            case EXP:
                return g.mul(fx);
            case LOG:
                return g.div(x);
            case LOG1P:
                return g.div(x.add(1f));
            case SQRT:
                return g.mul(0.5f).div(fx);
            case SQUARE:
                return g.mul(x).mul(2f);
            case ABS:
                return g.mul(apply(Fn.SIGN, x));
            case TANH:
                return g.mul(fx.mul(fx).neg().add(1f));
            case SIGMOID:
                return g.mul(fx).mul(fx.neg().add(1f));
            case SOFTPLUS:
                return g.mul(sigmoid(x));
            case RELU:
                return g.blend(0f, x.compare(VectorOperators.GT, 0f).not());
            case LOG_SIGMOID:
                return g.mul(sigmoid(x.neg()));
            default:
                return g.mul(0f);
        }
    }

    @Override
    public void map(Fn f, ByteBuffer x, ByteBuffer out, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            apply(f, load(x, i)).intoByteBuffer(out, i << 2, O);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            apply(f, load(x, i, m)).intoByteBuffer(out, i << 2, O, m);
        }
    }

    @Override
    public void mapGradient(Fn f, ByteBuffer x, ByteBuffer fx, ByteBuffer g, ByteBuffer out, int n) {
        boolean reads = f.gradientReadsValue();
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector xv = load(x, i);
            gradient(f, xv, reads ? load(fx, i) : xv, load(g, i)).intoByteBuffer(out, i << 2, O);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector xv = load(x, i, m);
            gradient(f, xv, reads ? load(fx, i, m) : xv, load(g, i, m)).intoByteBuffer(out, i << 2, O, m);
        }
    }

    private static FloatVector apply(Op op, FloatVector a, FloatVector b) {
        switch (op) {
            case ADD:
                return a.add(b);
            case SUB:
                return a.sub(b);
            case MUL:
                return a.mul(b);
            default:
                return a.div(b);
        }
    }

    @Override
    public void zip(Op op, ByteBuffer a, ByteBuffer b, ByteBuffer out, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            apply(op, load(a, i), load(b, i)).intoByteBuffer(out, i << 2, O);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            apply(op, load(a, i, m), load(b, i, m)).intoByteBuffer(out, i << 2, O, m);
        }
    }

    @Override
    public void zipScalar(Op op, ByteBuffer a, float k, boolean scalarLeft, ByteBuffer out, int n) {
        FloatVector kv = FloatVector.broadcast(F, k);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector av = load(a, i);
            (scalarLeft ? apply(op, kv, av) : apply(op, av, kv)).intoByteBuffer(out, i << 2, O);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector av = load(a, i, m);
            (scalarLeft ? apply(op, kv, av) : apply(op, av, kv)).intoByteBuffer(out, i << 2, O, m);
        }
    }

    @Override
    public void zipRow(Op op, ByteBuffer a, ByteBuffer row, ByteBuffer out, int rows, int cols) {
        int bound = F.loopBound(cols);
        VectorMask<Float> tail = F.indexInRange(bound, cols);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = 0;
            for (; j < bound; j += W) {
                apply(op, load(a, base + j), load(row, j)).intoByteBuffer(out, (base + j) << 2, O);
            }
            if (j < cols) {
                apply(op, load(a, base + j, tail), load(row, j, tail)).intoByteBuffer(out, (base + j) << 2, O, tail);
            }
        }
    }

    /** acc + the float64 values of t's lanes (two float64 vectors of half t's length each). */
    private static DoubleVector widen(DoubleVector acc, FloatVector t) {
        return acc.add(lower(t)).add(lower(t.rearrange(UPPER)));
    }

    /** The float64 values of t's lower half. */
    private static DoubleVector lower(FloatVector t) {
        return (DoubleVector) t.convertShape(VectorOperators.F2D, D, 0);
    }

    private static FloatVector only(FloatVector t, VectorMask<Float> m) {
        return FloatVector.zero(F).blend(t, m);
    }

    @Override
    public double sum(ByteBuffer x, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            acc = widen(acc, load(x, i));
        }
        if (i < n) {
            acc = widen(acc, load(x, i, F.indexInRange(i, n)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public double dot(ByteBuffer x, ByteBuffer y, int n) {
        // each float32 product widened before it is added: float64 products of float32 operands are exact
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector a = load(x, i);
            FloatVector b = load(y, i);
            acc = lower(a).fma(lower(b), acc);
            acc = lower(a.rearrange(UPPER)).fma(lower(b.rearrange(UPPER)), acc);
        }
        double total = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            total += (double) x.getFloat(i << 2) * y.getFloat(i << 2);
        }
        return total;
    }

    @Override
    public void sumRows(ByteBuffer x, ByteBuffer out, int rows, int cols) {
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += W) {
            FloatVector acc = F.zero().reinterpretAsFloats();
            for (int r = 0; r < rows; r++) {
                acc = acc.add(load(x, r * cols + j));
            }
            acc.intoByteBuffer(out, j << 2, O);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector acc = F.zero().reinterpretAsFloats();
            for (int r = 0; r < rows; r++) {
                acc = acc.add(load(x, r * cols + j, m));
            }
            acc.intoByteBuffer(out, j << 2, O, m);
        }
    }

    @Override
    public double bernoulliLogitsSum(ByteBuffer x, ByteBuffer l, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector lv = load(l, i);
            acc = widen(acc, load(x, i).mul(lv).sub(softplus(lv)));
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector lv = load(l, i, m);
            acc = widen(acc, only(load(x, i, m).mul(lv).sub(softplus(lv)), m));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void bernoulliLogitsGradient(ByteBuffer x, ByteBuffer l, float g, ByteBuffer out, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            load(x, i).sub(sigmoid(load(l, i))).mul(g).intoByteBuffer(out, i << 2, O);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            load(x, i, m).sub(sigmoid(load(l, i, m))).mul(g).intoByteBuffer(out, i << 2, O, m);
        }
    }

    @Override
    public void mapGradientChain(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, ByteBuffer g, ByteBuffer out,
            ByteBuffer colSums, int rows, int cols) {
        if (colSums == null) {
            int n = rows * cols;
            int i = 0;
            for (int bound = F.loopBound(n); i < bound; i += W) {
                chain(fns, xs, fxs, load(g, i), i).intoByteBuffer(out, i << 2, O);
            }
            if (i < n) {
                VectorMask<Float> m = F.indexInRange(i, n);
                chain(fns, xs, fxs, load(g, i, m), i, m).intoByteBuffer(out, i << 2, O, m);
            }
            return;
        }
        // row by row (streaming through memory), the column sums kept in a float array of one row's length
        float[] acc = new float[cols];
        int bound = F.loopBound(cols);
        VectorMask<Float> tail = F.indexInRange(bound, cols);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = 0;
            for (; j < bound; j += W) {
                FloatVector d = chain(fns, xs, fxs, load(g, base + j), base + j);
                d.intoByteBuffer(out, (base + j) << 2, O);
                FloatVector.fromArray(F, acc, j).add(d).intoArray(acc, j);
            }
            if (j < cols) {
                FloatVector d = chain(fns, xs, fxs, load(g, base + j, tail), base + j, tail);
                d.intoByteBuffer(out, (base + j) << 2, O, tail);
                FloatVector.fromArray(F, acc, j, tail).add(d).intoArray(acc, j, tail);
            }
        }
        for (int j = 0; j < cols; j++) {
            colSums.putFloat(j << 2, acc[j]);
        }
    }

    /** g times each function's derivative at element i (whole vector). */
    private static FloatVector chain(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, FloatVector g, int i) {
        for (int m = 0; m < fns.length; m++) {
            FloatVector x = load(xs[m], i);
            g = gradient(fns[m], x, fns[m].gradientReadsValue() ? load(fxs[m], i) : x, g);
        }
        return g;
    }

    /** As above, for the masked last vector. */
    private static FloatVector chain(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, FloatVector g, int i,
            VectorMask<Float> k) {
        for (int m = 0; m < fns.length; m++) {
            FloatVector x = load(xs[m], i, k);
            g = gradient(fns[m], x, fns[m].gradientReadsValue() ? load(fxs[m], i, k) : x, g);
        }
        return g;
    }

    @Override
    public double normalQuadratic(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector z = load(x, i).sub(load(mu, i)).div(load(sigma, i));
            acc = widen(acc, z.mul(z));
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector z = load(x, i, m).sub(load(mu, i, m)).div(load(sigma, i, m));
            acc = widen(acc, only(z.mul(z), m));
        }
        return -0.5 * acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void normalQuadraticGradient(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, float g, ByteBuffer gMu,
            ByteBuffer gSigma, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector s = load(sigma, i);
            FloatVector gz = load(x, i).sub(load(mu, i)).div(s).mul(g);
            FloatVector gm = gz.div(s);
            gm.intoByteBuffer(gMu, i << 2, O);
            if (gSigma != null) {
                gm.mul(load(x, i).sub(load(mu, i))).div(s).intoByteBuffer(gSigma, i << 2, O);
            }
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector s = load(sigma, i, m);
            FloatVector gm = load(x, i, m).sub(load(mu, i, m)).div(s).mul(g).div(s);
            gm.intoByteBuffer(gMu, i << 2, O, m);
            if (gSigma != null) {
                gm.mul(load(x, i, m).sub(load(mu, i, m))).div(s).intoByteBuffer(gSigma, i << 2, O, m);
            }
        }
    }

    @Override
    public void adam(ByteBuffer param, ByteBuffer grad, ByteBuffer m, ByteBuffer v, int n, double lr, double beta1,
            double beta2, double eps, long t) {
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        float step = (float) (lr * c2 / (1 - Math.pow(beta1, t)));
        float epsT = (float) (eps * c2);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float a1 = (float) (1 - beta1);
        float a2 = (float) (1 - beta2);
        ByteBuffer target = param == null ? grad : param;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector gv = load(grad, i);
            FloatVector mv = load(m, i).mul(b1).add(gv.mul(a1));
            FloatVector vv = load(v, i).mul(b2).add(gv.mul(gv).mul(a2));
            mv.intoByteBuffer(m, i << 2, O);
            vv.intoByteBuffer(v, i << 2, O);
            FloatVector u = mv.mul(step).div(vv.sqrt().add(epsT));
            (param == null ? u : load(param, i).add(u)).intoByteBuffer(target, i << 2, O);
        }
        if (i < n) {
            VectorMask<Float> k = F.indexInRange(i, n);
            FloatVector gv = load(grad, i, k);
            FloatVector mv = load(m, i, k).mul(b1).add(gv.mul(a1));
            FloatVector vv = load(v, i, k).mul(b2).add(gv.mul(gv).mul(a2));
            mv.intoByteBuffer(m, i << 2, O, k);
            vv.intoByteBuffer(v, i << 2, O, k);
            FloatVector u = mv.mul(step).div(vv.sqrt().add(epsT));
            (param == null ? u : load(param, i, k).add(u)).intoByteBuffer(target, i << 2, O, k);
        }
    }
}
