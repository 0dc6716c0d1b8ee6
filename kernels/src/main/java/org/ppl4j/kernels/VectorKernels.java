package org.ppl4j.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
     * Floats of half F's width: a float vector is widened to float64 as two such halves, each converted to D (an
     * expanding conversion, one instruction). JDK 17 runs neither F2D of a whole vector's upper half nor its
     * rearrangement as instructions, but as Java code that builds a shuffle at every call.
     */
    private static final VectorSpecies<Float> H = VectorSpecies.of(float.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int W = F.length();

    @Override
    public String name() {
        return "ppl4j Vector API kernels (" + F.vectorBitSize() + "-bit, " + W + " floats)";
    }

    private static FloatVector load(ByteBuffer b, int i) {
        return FloatVector.fromByteBuffer(F, b, i << 2, O);
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
            storeTail(apply(f, tail(x, i, n)), out, i, n);
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
            FloatVector xv = tail(x, i, n);
            storeTail(gradient(f, xv, reads ? tail(fx, i, n) : xv, tail(g, i, n)), out, i, n);
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
            storeTail(apply(op, tail(a, i, n), tail(b, i, n)), out, i, n);
        }
    }

    @Override
    public void zipScalar(Op op, ByteBuffer a, float k, boolean scalarLeft, ByteBuffer out, int n) {
        FloatVector kv = FloatVector.broadcast(F, k);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector av = load(a, i);
            if (scalarLeft) {
                apply(op, kv, av).intoByteBuffer(out, i << 2, O);
            } else {
                apply(op, av, kv).intoByteBuffer(out, i << 2, O);
            }
        }
        if (i < n) {
            FloatVector av = tail(a, i, n);
            storeTail(scalarLeft ? apply(op, kv, av) : apply(op, av, kv), out, i, n);
        }
    }

    @Override
    public void zipRow(Op op, ByteBuffer a, ByteBuffer row, ByteBuffer out, int rows, int cols) {
        int bound = F.loopBound(cols);
        FloatVector rowTail = bound < cols ? tail(row, bound, cols) : null;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = 0;
            for (; j < bound; j += W) {
                apply(op, load(a, base + j), load(row, j)).intoByteBuffer(out, (base + j) << 2, O);
            }
            if (j < cols) {
                storeTail(apply(op, tail(a, base + j, base + cols), rowTail), out, base + j, base + cols);
            }
        }
    }

    /**
     * Elements i to n - 1 of b (fewer than W), the lanes after them zero. The last vector of every loop is read
     * and written through a float array: JDK 17 runs masked loads and stores on a buffer as Java code (building
     * the mask in a Java loop at every call), many times slower than a short scalar loop.
     */
    private static FloatVector tail(ByteBuffer b, int i, int n) {
        float[] t = new float[W];
        for (int k = 0; i + k < n; k++) {
            t[k] = b.getFloat((i + k) << 2);
        }
        return FloatVector.fromArray(F, t, 0);
    }

    /** Writes v's first n - i lanes to elements i to n - 1 of b. */
    private static void storeTail(FloatVector v, ByteBuffer b, int i, int n) {
        float[] t = new float[W];
        v.intoArray(t, 0);
        for (int k = 0; i + k < n; k++) {
            b.putFloat((i + k) << 2, t[k]);
        }
    }

    /** acc + the float64 values of t's lanes, through a float array that the two halves are read back from. */
    private static DoubleVector widen(DoubleVector acc, FloatVector t, float[] scratch) {
        t.intoArray(scratch, 0);
        return acc.add(toDoubles(FloatVector.fromArray(H, scratch, 0)))
                .add(toDoubles(FloatVector.fromArray(H, scratch, W / 2)));
    }

    private static DoubleVector toDoubles(FloatVector half) {
        return (DoubleVector) half.convertShape(VectorOperators.F2D, D, 0);
    }

    /** The sum of acc's lanes, in a scalar loop: JDK 17 does not always compile reduceLanes to instructions. */
    private static double total(DoubleVector acc) {
        double[] t = new double[D.length()];
        acc.intoArray(t, 0);
        double s = 0;
        for (double d : t) {
            s += d;
        }
        return s;
    }

    /** The float64 sum of t's first k lanes. */
    private static double firstLanes(FloatVector t, int k) {
        float[] a = new float[W];
        t.intoArray(a, 0);
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += a[j];
        }
        return s;
    }

    @Override
    public double sum(ByteBuffer x, int n) {
        // two accumulators, one per half vector: the adds of one iteration do not wait for each other
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            lo = lo.add(toDoubles(FloatVector.fromByteBuffer(H, x, i << 2, O)));
            hi = hi.add(toDoubles(FloatVector.fromByteBuffer(H, x, (i + W / 2) << 2, O)));
        }
        double total = total(lo.add(hi));
        for (; i < n; i++) {
            total += x.getFloat(i << 2);
        }
        return total;
    }

    @Override
    public double dot(ByteBuffer x, ByteBuffer y, int n) {
        // each float32 product widened before it is added: float64 products of float32 operands are exact
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            int h = (i + W / 2) << 2;
            lo = lo.add(toDoubles(FloatVector.fromByteBuffer(H, x, i << 2, O))
                    .mul(toDoubles(FloatVector.fromByteBuffer(H, y, i << 2, O))));
            hi = hi.add(toDoubles(FloatVector.fromByteBuffer(H, x, h, O))
                    .mul(toDoubles(FloatVector.fromByteBuffer(H, y, h, O))));
        }
        double total = total(lo.add(hi));
        for (; i < n; i++) {
            total += (double) x.getFloat(i << 2) * y.getFloat(i << 2);
        }
        return total;
    }

    @Override
    public boolean allFinite(ByteBuffer x, int n) {
        // x * 0 is 0 for a finite x and NaN for an infinity or NaN; sums of zeros cannot overflow
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            acc = acc.add(load(x, i).mul(0f));
        }
        float[] lanes = new float[W];
        acc.intoArray(lanes, 0);
        float total = 0f;
        for (float v : lanes) {
            total += v;
        }
        for (; i < n; i++) {
            total += x.getFloat(i << 2) * 0f;
        }
        return total == 0f;
    }

    @Override
    public void sumRows(ByteBuffer x, ByteBuffer out, int rows, int cols) {
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += W) {
            FloatVector acc = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(load(x, r * cols + j));
            }
            acc.intoByteBuffer(out, j << 2, O);
        }
        for (; j < cols; j++) {
            float acc = 0f;
            for (int r = 0; r < rows; r++) {
                acc += x.getFloat((r * cols + j) << 2);
            }
            out.putFloat(j << 2, acc);
        }
    }

    @Override
    public double bernoulliLogitsSum(ByteBuffer x, ByteBuffer l, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        float[] scratch = new float[W];
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector lv = load(l, i);
            acc = widen(acc, load(x, i).mul(lv).sub(softplus(lv)), scratch);
        }
        double total = total(acc);
        if (i < n) {
            FloatVector lv = tail(l, i, n);
            total += firstLanes(tail(x, i, n).mul(lv).sub(softplus(lv)), n - i);
        }
        return total;
    }

    @Override
    public void bernoulliLogitsGradient(ByteBuffer x, ByteBuffer l, float g, ByteBuffer out, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            load(x, i).sub(sigmoid(load(l, i))).mul(g).intoByteBuffer(out, i << 2, O);
        }
        if (i < n) {
            storeTail(tail(x, i, n).sub(sigmoid(tail(l, i, n))).mul(g), out, i, n);
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
                storeTail(chainTail(fns, xs, fxs, tail(g, i, n), i, n), out, i, n);
            }
            return;
        }
        // row by row (streaming through memory), the column sums kept in a float array of one row's length
        float[] acc = new float[cols + W];
        float[] lanes = new float[W];
        int bound = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = 0;
            for (; j < bound; j += W) {
                FloatVector d = chain(fns, xs, fxs, load(g, base + j), base + j);
                d.intoByteBuffer(out, (base + j) << 2, O);
                FloatVector.fromArray(F, acc, j).add(d).intoArray(acc, j);
            }
            if (j < cols) {
                FloatVector d = chainTail(fns, xs, fxs, tail(g, base + j, base + cols), base + j, base + cols);
                storeTail(d, out, base + j, base + cols);
                d.intoArray(lanes, 0);
                for (int k = 0; j + k < cols; k++) {
                    acc[j + k] += lanes[k];
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            colSums.putFloat(j << 2, acc[j]);
        }
    }

    /** g times each function's derivative at elements i to i + W - 1. */
    private static FloatVector chain(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, FloatVector g, int i) {
        for (int m = 0; m < fns.length; m++) {
            FloatVector x = load(xs[m], i);
            g = gradient(fns[m], x, fns[m].gradientReadsValue() ? load(fxs[m], i) : x, g);
        }
        return g;
    }

    /** As above for the last vector, elements i to end - 1 (the lanes after are zero). */
    private static FloatVector chainTail(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, FloatVector g, int i, int end) {
        for (int m = 0; m < fns.length; m++) {
            FloatVector x = tail(xs[m], i, end);
            g = gradient(fns[m], x, fns[m].gradientReadsValue() ? tail(fxs[m], i, end) : x, g);
        }
        return g;
    }

    @Override
    public double normalQuadratic(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        float[] scratch = new float[W];
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector z = load(x, i).sub(load(mu, i)).div(load(sigma, i));
            acc = widen(acc, z.mul(z), scratch);
        }
        double total = total(acc);
        if (i < n) {
            FloatVector z = tail(x, i, n).sub(tail(mu, i, n)).div(tail(sigma, i, n));
            total += firstLanes(z.mul(z), n - i);
        }
        return -0.5 * total;
    }

    @Override
    public void normalQuadraticGradient(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, float g, ByteBuffer gMu,
            ByteBuffer gSigma, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector s = load(sigma, i);
            FloatVector d = load(x, i).sub(load(mu, i));
            FloatVector gm = d.div(s).mul(g).div(s);
            gm.intoByteBuffer(gMu, i << 2, O);
            if (gSigma != null) {
                gm.mul(d).div(s).intoByteBuffer(gSigma, i << 2, O);
            }
        }
        if (i < n) {
            FloatVector s = tail(sigma, i, n);
            FloatVector d = tail(x, i, n).sub(tail(mu, i, n));
            FloatVector gm = d.div(s).mul(g).div(s);
            storeTail(gm, gMu, i, n);
            if (gSigma != null) {
                storeTail(gm.mul(d).div(s), gSigma, i, n);
            }
        }
    }

    @Override
    public boolean matmul(boolean transA, boolean transB, int m, int n, int k, ByteBuffer a, int aOff, int lda,
            ByteBuffer b, int bOff, int ldb, ByteBuffer c, int cOff, int ldc) {
        if (!VectorGemm.usable()) {
            return false;
        }
        VectorGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        return true;
    }

    @Override
    public String matmulName() {
        return VectorGemm.usable() ? "ppl4j's own (Vector API, 4 x 32 blocks of 512-bit vectors)" : null;
    }

    @Override
    public boolean adam(ByteBuffer param, ByteBuffer grad, ByteBuffer m, ByteBuffer v, int n, double lr, double beta1,
            double beta2, double eps, long t) {
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        float step = (float) (lr * c2 / (1 - Math.pow(beta1, t)));
        float epsT = (float) (eps * c2);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float a1 = (float) (1 - beta1);
        float a2 = (float) (1 - beta2);
        ByteBuffer target = param == null ? grad : param;
        // each result times 0: 0 while finite, NaN from the first infinity or NaN on (sums of 0s stay 0)
        FloatVector bad = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += W) {
            FloatVector gv = load(grad, i);
            FloatVector mv = load(m, i).mul(b1).add(gv.mul(a1));
            FloatVector vv = load(v, i).mul(b2).add(gv.mul(gv).mul(a2));
            mv.intoByteBuffer(m, i << 2, O);
            vv.intoByteBuffer(v, i << 2, O);
            FloatVector u = mv.mul(step).div(vv.sqrt().add(epsT));
            if (param == null) {
                u.intoByteBuffer(target, i << 2, O);
                bad = bad.add(u.mul(0f));
            } else {
                FloatVector r = load(param, i).add(u);
                r.intoByteBuffer(target, i << 2, O);
                bad = bad.add(r.mul(0f));
            }
        }
        float[] lanes = new float[W];
        bad.intoArray(lanes, 0);
        boolean finite = true;
        for (float b : lanes) {
            finite &= b == 0f;
        }
        if (i < n) {
            FloatVector gv = tail(grad, i, n);
            FloatVector mv = tail(m, i, n).mul(b1).add(gv.mul(a1));
            FloatVector vv = tail(v, i, n).mul(b2).add(gv.mul(gv).mul(a2));
            storeTail(mv, m, i, n);
            storeTail(vv, v, i, n);
            FloatVector u = mv.mul(step).div(vv.sqrt().add(epsT));
            FloatVector r = param == null ? u : tail(param, i, n).add(u);
            storeTail(r, target, i, n);
            r.intoArray(lanes, 0);
            for (int k = 0; i + k < n; k++) {
                finite &= Float.isFinite(lanes[k]);
            }
        }
        return finite;
    }
}
