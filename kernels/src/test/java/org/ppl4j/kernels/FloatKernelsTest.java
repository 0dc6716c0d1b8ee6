package org.ppl4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Both kernel implementations against float64 Java on float32 inputs: every function at random points, at the
 * specials (NaN, the infinities, +-1000, signed zeros) and at lengths around the vector width (0, 1, 15, 16, 17,
 * 33, 1003); gradients against the float64 derivative and that derivative against central differences.
 *
 * <p>Tolerance: |kernel - exact| <= 4e-6 |exact| + 2e-6 (a few float32 ulps: the Vector API's transcendental
 * functions are within 1-4 ulps; the scalar kernels round the float64 result once).
 */
class FloatKernelsTest {
    private static final double REL = 4e-6;
    private static final double ABS = 2e-6;
    private static final int[] LENGTHS = {0, 1, 15, 16, 17, 33, 1003};
    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1000f,
        -1000f, 0f, -0f, 88.5f, -88.5f, 1e-30f, 20f, -20f};

    static List<FloatKernels> implementations() {
        FloatKernels vector = FloatKernels.vector();
        assertNotNull(vector, "the Vector API kernels must load (surefire runs with --add-modules jdk.incubator.vector)");
        return List.of(vector, new ScalarKernels());
    }

    static ByteBuffer buffer(int n) {
        return ByteBuffer.allocateDirect(Math.max(4, n * 4)).order(ByteOrder.nativeOrder());
    }

    static ByteBuffer fill(int n, IntToDoubleFunction f) {
        ByteBuffer b = buffer(n);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 4, (float) f.applyAsDouble(i));
        }
        return b;
    }

    static float at(ByteBuffer b, int i) {
        return b.getFloat(i * 4);
    }

    /** Random values in [-6, 6] with the specials mixed in. */
    static ByteBuffer inputs(int n, long seed) {
        Random r = new Random(seed);
        return fill(n, i -> i % 7 == 3 ? SPECIALS[(i / 7) % SPECIALS.length] : -6 + 12 * r.nextDouble());
    }

    static void close(String what, double exact, double got) {
        if (Double.isNaN(exact)) {
            assertTrue(Double.isNaN(got), what + ": expected NaN, got " + got);
            return;
        }
        if (Double.isInfinite(exact) || Math.abs(exact) > Float.MAX_VALUE) {
            assertEquals(Math.signum(exact) * Double.POSITIVE_INFINITY, got, what);
            return;
        }
        assertTrue(Math.abs(got - exact) <= REL * Math.abs(exact) + ABS, what + ": expected " + exact + ", got " + got);
    }

    @Test
    void everyFunctionMatchesFloat64AtEveryLength() {
        for (FloatKernels k : implementations()) {
            for (Fn f : Fn.values()) {
                for (int n : LENGTHS) {
                    ByteBuffer x = inputs(n, n);
                    ByteBuffer out = buffer(n);
                    k.map(f, x, out, n);
                    for (int i = 0; i < n; i++) {
                        close(k.name() + " " + f + "(" + at(x, i) + ") n=" + n, f.f(at(x, i)), at(out, i));
                    }
                }
            }
        }
    }

    @Test
    void tailsStayFinite() {
        for (FloatKernels k : implementations()) {
            ByteBuffer x = fill(4, i -> new double[] {1000, -1000, 100, -100}[i]);
            ByteBuffer out = buffer(4);
            k.map(Fn.SOFTPLUS, x, out, 4);
            assertEquals(1000f, at(out, 0), k.name());
            assertEquals(0f, at(out, 1), k.name());
            assertEquals(100f, at(out, 2), k.name());
            k.map(Fn.LOG_SIGMOID, x, out, 4);
            assertEquals(0, at(out, 0), 0.0, k.name()); // -0.0 or 0.0
            assertEquals(-1000f, at(out, 1), k.name());
            assertEquals(-100f, at(out, 3), k.name());
            k.map(Fn.SIGMOID, x, out, 4);
            assertEquals(1f, at(out, 0), k.name());
            assertEquals(0f, at(out, 1), k.name());
        }
    }

    @Test
    void gradientsMatchTheDerivativeInOnePass() {
        for (FloatKernels k : implementations()) {
            for (Fn f : Fn.values()) {
                for (int n : LENGTHS) {
                    ByteBuffer x = inputs(n, 100 + n);
                    ByteBuffer fx = buffer(n);
                    k.map(f, x, fx, n);
                    ByteBuffer g = fill(n, i -> 0.5 + (i % 5));
                    ByteBuffer out = buffer(n);
                    k.mapGradient(f, x, fx, g, out, n);
                    for (int i = 0; i < n; i++) {
                        double xi = at(x, i);
                        double exact = at(g, i) * f.df(xi, at(fx, i));
                        if (!Double.isNaN(exact) && !Double.isNaN(f.df(xi, f.f(xi)))) {
                            exact = at(g, i) * f.df(xi, f.f(xi)); // the derivative at the exact value
                        }
                        close(k.name() + " d" + f + "(" + xi + ") n=" + n, exact, at(out, i));
                    }
                }
            }
        }
    }

    /** The float64 derivatives the kernels are held to, against central differences (h = 1e-6). */
    @Test
    void derivativesMatchFiniteDifferences() {
        Random r = new Random(7);
        for (Fn f : Fn.values()) {
            if (f == Fn.SIGN || f == Fn.STEP) {
                continue; // piecewise constant: the tape takes 0
            }
            for (int trial = 0; trial < 50; trial++) {
                boolean positive = f == Fn.LOG || f == Fn.SQRT || f == Fn.LOG1P;
                double x = positive ? 0.1 + 5 * r.nextDouble() : -5 + 10 * r.nextDouble();
                double h = 1e-6;
                double fd = (f.f(x + h) - f.f(x - h)) / (2 * h);
                assertEquals(fd, f.df(x, f.f(x)), 1e-6 * (1 + Math.abs(fd)), f + " at " + x);
            }
        }
    }

    @Test
    void arithmeticBroadcastsScalarsAndRows() {
        for (FloatKernels k : implementations()) {
            for (Op op : Op.values()) {
                for (int n : LENGTHS) {
                    ByteBuffer a = inputs(n, 3);
                    ByteBuffer b = fill(n, i -> 0.25 + i % 9);
                    ByteBuffer out = buffer(n);
                    k.zip(op, a, b, out, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(op.apply(at(a, i), at(b, i)), at(out, i), k.name() + " " + op);
                    }
                    k.zipScalar(op, a, 1.5f, true, out, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(op.apply(1.5f, at(a, i)), at(out, i), k.name() + " k " + op);
                    }
                    k.zipScalar(op, a, 1.5f, false, out, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(op.apply(at(a, i), 1.5f), at(out, i), k.name() + " " + op + " k");
                    }
                }
                for (int[] rc : new int[][] {{3, 17}, {1, 1}, {5, 16}, {2, 0}, {0, 7}, {128, 400}, {4, 33}}) {
                    int rows = rc[0];
                    int cols = rc[1];
                    ByteBuffer a = inputs(rows * cols, 5);
                    ByteBuffer row = fill(cols, j -> 1 + j);
                    ByteBuffer out = buffer(rows * cols);
                    k.zipRow(op, a, row, out, rows, cols);
                    for (int i = 0; i < rows * cols; i++) {
                        assertEquals(op.apply(at(a, i), at(row, i % cols)), at(out, i), k.name() + " row " + op);
                    }
                }
            }
        }
    }

    @Test
    void sumsAndDotProducts() {
        for (FloatKernels k : implementations()) {
            for (int n : new int[] {0, 1, 17, 1003, 100_353}) {
                Random r = new Random(n);
                ByteBuffer x = fill(n, i -> r.nextGaussian());
                ByteBuffer y = fill(n, i -> r.nextGaussian());
                double s = 0;
                double d = 0;
                double scale = 0;
                for (int i = 0; i < n; i++) {
                    s += at(x, i);
                    d += (double) at(x, i) * at(y, i);
                    scale += Math.abs(at(x, i)) + Math.abs((double) at(x, i) * at(y, i));
                }
                // float64 accumulation of exact float64 terms: only the order of summation differs
                assertEquals(s, k.sum(x, n), 1e-13 * scale, k.name() + " sum n=" + n);
                assertEquals(d, k.dot(x, y, n), 1e-13 * scale, k.name() + " dot n=" + n);
            }
            ByteBuffer tenths = fill(12_000, i -> 0.1);
            assertEquals(12_000 * (double) 0.1f, k.sum(tenths, 12_000), 1e-9, k.name() + ": float64 accumulation");
            ByteBuffer nan = fill(33, i -> i == 32 ? Double.NaN : 1);
            assertTrue(Double.isNaN(k.sum(nan, 33)), k.name());
            ByteBuffer inf = fill(33, i -> i == 5 ? Double.POSITIVE_INFINITY : 1);
            assertEquals(Double.POSITIVE_INFINITY, k.sum(inf, 33), k.name());
            for (int[] rc : new int[][] {{3, 17}, {128, 400}, {1, 1}, {0, 5}, {7, 0}}) {
                int rows = rc[0];
                int cols = rc[1];
                ByteBuffer a = inputs(rows * cols, 9);
                ByteBuffer out = buffer(cols);
                k.sumRows(a, out, rows, cols);
                for (int j = 0; j < cols; j++) {
                    double e = 0;
                    double abs = 0;
                    for (int i = 0; i < rows; i++) {
                        e += at(a, i * cols + j);
                        abs += Math.abs(at(a, i * cols + j));
                    }
                    if (Double.isNaN(e) || Double.isInfinite(e)) {
                        close(k.name() + " column " + j, e, at(out, j));
                    } else {
                        assertEquals(e, at(out, j), 1e-6 * abs + 1e-6, k.name() + " column " + j);
                    }
                }
            }
        }
    }

    @Test
    void allFiniteFindsOneNanOrInfinityAnywhere() {
        for (FloatKernels k : implementations()) {
            for (int n : new int[] {0, 1, 15, 16, 17, 33, 1003, 100_353}) {
                // the largest finite floats: a float sum of them would overflow, the check must not
                ByteBuffer x = fill(n, i -> i % 2 == 0 ? Float.MAX_VALUE : -Float.MAX_VALUE);
                assertTrue(k.allFinite(x, n), k.name() + " n=" + n);
                for (int at : new int[] {0, n / 2, n - 1}) {
                    if (n == 0) {
                        continue;
                    }
                    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                        float before = at(x, at);
                        x.putFloat(at * 4, bad);
                        assertFalse(k.allFinite(x, n), k.name() + " n=" + n + ": " + bad + " at " + at);
                        x.putFloat(at * 4, before);
                    }
                }
                if (n > 0) {
                    // an element past n is not looked at
                    ByteBuffer longer = fill(n + 1, i -> i == n ? Double.NaN : 1);
                    assertTrue(k.allFinite(longer, n), k.name() + " n=" + n + ": element n is outside");
                }
            }
        }
    }

    @Test
    void bernoulliLogitsForwardAndBackward() {
        for (FloatKernels k : implementations()) {
            for (int n : LENGTHS) {
                Random r = new Random(n + 11);
                ByteBuffer x = fill(n, i -> r.nextBoolean() ? 1 : 0);
                ByteBuffer l = fill(n, i -> i % 11 == 4 ? (i % 2 == 0 ? 1000 : -1000) : 8 * r.nextGaussian());
                double exact = 0;
                double abs = 0;
                for (int i = 0; i < n; i++) {
                    double term = at(x, i) * at(l, i) - Fn.softplus(at(l, i));
                    exact += term;
                    abs += Math.abs(term);
                }
                assertEquals(exact, k.bernoulliLogitsSum(x, l, n), 1e-6 * abs + 1e-9, k.name() + " n=" + n);
                ByteBuffer out = buffer(n);
                k.bernoulliLogitsGradient(x, l, -2.5f, out, n);
                for (int i = 0; i < n; i++) {
                    close(k.name() + " dl", -2.5 * (at(x, i) - Fn.sigmoid(at(l, i))), at(out, i));
                }
            }
            // the gradient by central differences of the float64 log-likelihood, at a few points
            ByteBuffer x = fill(3, i -> i % 2);
            ByteBuffer l = fill(3, i -> -1.5 + i);
            ByteBuffer out = buffer(3);
            k.bernoulliLogitsGradient(x, l, 1f, out, 3);
            for (int i = 0; i < 3; i++) {
                double li = at(l, i);
                double xi = at(x, i);
                double h = 1e-5;
                double fd = (xi * (li + h) - Fn.softplus(li + h) - xi * (li - h) + Fn.softplus(li - h)) / (2 * h);
                assertEquals(fd, at(out, i), 1e-5, k.name());
            }
            ByteBuffer nan = fill(17, i -> i == 16 ? Double.NaN : 0.5);
            assertTrue(Double.isNaN(k.bernoulliLogitsSum(fill(17, i -> 1), nan, 17)), k.name());
        }
    }

    @Test
    void normalQuadraticForwardAndBackwardInOnePass() {
        for (FloatKernels k : implementations()) {
            for (int n : LENGTHS) {
                Random r = new Random(n + 21);
                ByteBuffer x = fill(n, i -> r.nextGaussian());
                ByteBuffer mu = fill(n, i -> r.nextGaussian());
                ByteBuffer sd = fill(n, i -> 0.2 + r.nextDouble());
                ByteBuffer gMu = buffer(n);
                ByteBuffer gSd = buffer(n);
                double exact = 0;
                double abs = 0;
                for (int i = 0; i < n; i++) {
                    double term = quadratic(at(x, i), at(mu, i), at(sd, i));
                    exact += term;
                    abs += Math.abs(term);
                }
                assertEquals(exact, k.normalQuadratic(x, mu, sd, n), 1e-6 * abs + 1e-9, k.name());
                k.normalQuadraticGradient(x, mu, sd, 1.5f, gMu, gSd, n);
                for (int i = 0; i < n; i++) {
                    double h = 1e-5;
                    double xi = at(x, i);
                    double m = at(mu, i);
                    double s = at(sd, i);
                    double dMu = (quadratic(xi, m + h, s) - quadratic(xi, m - h, s)) / (2 * h);
                    double dSd = (quadratic(xi, m, s + h) - quadratic(xi, m, s - h)) / (2 * h);
                    assertEquals(1.5 * dMu, at(gMu, i), 1e-4 * (1 + Math.abs(dMu)), k.name() + " dmu");
                    assertEquals(1.5 * dSd, at(gSd, i), 1e-4 * (1 + Math.abs(dSd)), k.name() + " dsigma");
                }
            }
            // a zero scale or an infinite point gives what the elementary operations give: NaN or infinities
            ByteBuffer x = fill(3, i -> new double[] {1, Double.POSITIVE_INFINITY, Double.NaN}[i]);
            ByteBuffer mu = fill(3, i -> 0);
            ByteBuffer sd = fill(3, i -> 1);
            assertTrue(Double.isNaN(k.normalQuadratic(x, mu, sd, 3)), k.name());
            assertEquals(Double.NEGATIVE_INFINITY, k.normalQuadratic(x, mu, sd, 2), k.name());
        }
    }

    private static double quadratic(double x, double mu, double sd) {
        double z = (x - mu) / sd;
        return -0.5 * z * z;
    }

    /** The runs of functions the chain kernel is checked on: the VAE's, and every pair of two functions. */
    static List<Fn[]> chains() {
        List<Fn[]> cs = new java.util.ArrayList<>();
        cs.add(new Fn[] {Fn.SOFTPLUS});
        cs.add(new Fn[] {Fn.EXP});
        cs.add(new Fn[] {Fn.TANH, Fn.SIGMOID, Fn.SOFTPLUS});
        for (Fn a : Fn.values()) {
            for (Fn b : Fn.values()) {
                cs.add(new Fn[] {a, b});
            }
        }
        return cs;
    }

    /**
     * A fused run's backward pass against the float64 product g f_k'(x_k) ... f_1'(x_1) of the same float32 inputs,
     * at random points and with NaN, the infinities and +-1000 mixed in: equal to float32 tolerance, NaN where it is
     * NaN; where a float32 product overflows before a later factor, as the unfused path (one gradient kernel per
     * function) does. The column sums against sums of the output. Lengths around the vector width, odd widths.
     */
    @Test
    void fusedRunsBackwardMatchTheFunctionsOneByOne() {
        int[][] shapes = {{1, 1}, {3, 5}, {2, 16}, {7, 17}, {4, 33}, {1, 1003}, {0, 5}};
        for (FloatKernels k : implementations()) {
            for (Fn[] fns : chains()) {
                for (int[] shape : shapes) {
                    int rows = shape[0];
                    int cols = shape[1];
                    int n = rows * cols;
                    for (boolean specials : new boolean[] {false, true}) {
                        ByteBuffer[] xs = new ByteBuffer[fns.length];
                        ByteBuffer[] fxs = new ByteBuffer[fns.length];
                        for (int m = 0; m < fns.length; m++) {
                            Random r = new Random(31 * m + n);
                            boolean positive = fns[m] == Fn.LOG || fns[m] == Fn.SQRT || fns[m] == Fn.LOG1P;
                            xs[m] = specials ? inputs(n, 7 * m + n)
                                    : fill(n, i -> positive ? 0.1 + 3 * r.nextDouble() : -3 + 6 * r.nextDouble());
                            fxs[m] = buffer(n);
                            k.map(fns[m], xs[m], fxs[m], n);
                        }
                        ByteBuffer g = fill(n, i -> 0.5 + (i % 5));
                        ByteBuffer out = buffer(n);
                        ByteBuffer sums = buffer(cols);
                        k.mapGradientChain(fns, xs, fxs, g, out, sums, rows, cols);
                        ByteBuffer plain = buffer(n);
                        k.mapGradientChain(fns, xs, fxs, g, plain, null, rows, cols);
                        // the unfused path: one gradient kernel per function, in the order backward visits them
                        ByteBuffer step = g;
                        for (int m = 0; m < fns.length; m++) {
                            ByteBuffer next = buffer(n);
                            k.mapGradient(fns[m], xs[m], fxs[m], step, next, n);
                            step = next;
                        }
                        String what = k.name() + " " + java.util.Arrays.toString(fns) + " " + rows + "x" + cols;
                        double[] colExact = new double[cols];
                        for (int i = 0; i < n; i++) {
                            // float64 from the same float32 inputs and values (the functions' own accuracy is
                            // checked above: here, the product)
                            double exact = at(g, i);
                            double scale = Math.abs(at(g, i));
                            for (int m = 0; m < fns.length; m++) {
                                double d = fns[m].df(at(xs[m], i), at(fxs[m], i));
                                exact *= d;
                                scale *= Math.max(1, Math.abs(d));
                            }
                            float one = at(step, i);
                            float got = at(out, i);
                            if (Double.isNaN(exact)) {
                                // NaN, or what the unfused path gives (a ReLU's zero gradient stops a NaN adjoint)
                                assertTrue(Float.isNaN(got) || got == one, what + " at " + i + ": NaN expected");
                            } else if (!Float.isFinite(one) && !Float.isFinite(got)) {
                                // a float32 product overflowed before a later factor could bring it back (as the
                                // unfused path's did): the float64 product may be finite there
                                assertTrue(Float.isNaN(got) || Float.isNaN(one) || got == one, what + " at " + i);
                            } else if (Double.isInfinite(exact) || Math.abs(exact) > Float.MAX_VALUE) {
                                close(what + " at " + i, exact, got);
                            } else {
                                // each factor within a few ulps or ABS (1 - tanh^2 near the tails), carried
                                // through the others
                                double tol = REL * fns.length * Math.abs(exact) + ABS * scale;
                                assertTrue(Math.abs(got - exact) <= tol, what + " at " + i + ": expected " + exact
                                        + ", got " + got);
                            }
                            // the same arithmetic either way, but a transcendental may run as C2's intrinsic in
                            // one call and as the Vector API's Java fallback in the other (the JIT's state moves
                            // between the calls): each is within 1 ulp, so the two within 2 (seen once in CI:
                            // 0.04194957 against 0.041949566); NaN and infinities must match exactly
                            float withSums = at(out, i);
                            float without = at(plain, i);
                            float ulps = Float.isFinite(withSums) && Float.isFinite(without)
                                    ? 2 * Math.ulp(Math.max(Math.abs(withSums), Math.abs(without))) : 0;
                            assertEquals(without, withSums, ulps, what + ": with and without the column sums");
                            colExact[i % cols] += at(out, i);
                        }
                        for (int j = 0; j < cols; j++) {
                            double e = colExact[j];
                            if (Double.isFinite(e)) {
                                assertEquals(e, at(sums, j), 1e-5 * (1 + Math.abs(e)) * rows, what + " column " + j);
                            } else {
                                assertEquals(Double.isNaN(e), Float.isNaN(at(sums, j)), what + " column " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void adamIsTheTextbookUpdate() {
        for (FloatKernels k : implementations()) {
            for (int n : new int[] {0, 1, 17, 1003}) {
                for (boolean intoGrad : new boolean[] {false, true}) {
                    Random r = new Random(n);
                    ByteBuffer p = fill(n, i -> r.nextGaussian());
                    ByteBuffer m = fill(n, i -> 0.1 * r.nextGaussian());
                    ByteBuffer v = fill(n, i -> 0.01 * r.nextDouble());
                    ByteBuffer g = fill(n, i -> r.nextGaussian());
                    double[] p0 = new double[n];
                    double[] m0 = new double[n];
                    double[] v0 = new double[n];
                    double[] g0 = new double[n];
                    for (int i = 0; i < n; i++) {
                        p0[i] = at(p, i);
                        m0[i] = at(m, i);
                        v0[i] = at(v, i);
                        g0[i] = at(g, i);
                    }
                    long t = 7;
                    assertTrue(k.adam(intoGrad ? null : p, g, m, v, n, 1e-3, 0.9, 0.999, 1e-8, t),
                            k.name() + ": a finite step says so");
                    for (int i = 0; i < n; i++) {
                        double mi = 0.9 * m0[i] + 0.1 * g0[i];
                        double vi = 0.999 * v0[i] + 0.001 * g0[i] * g0[i];
                        double mHat = mi / (1 - Math.pow(0.9, t));
                        double vHat = vi / (1 - Math.pow(0.999, t));
                        double u = 1e-3 * mHat / (Math.sqrt(vHat) + 1e-8);
                        close(k.name() + " m", mi, at(m, i));
                        close(k.name() + " v", vi, at(v, i));
                        if (intoGrad) {
                            assertEquals(u, at(g, i), 1e-5 * Math.abs(u) + 1e-9, k.name() + " update");
                        } else {
                            assertEquals(p0[i] + u, at(p, i), 1e-6 * Math.abs(p0[i]) + 1e-5 * Math.abs(u) + 1e-9,
                                    k.name() + " param");
                        }
                    }
                }
            }
        }
    }

    @Test
    void adamSaysWhetherWhatItWroteIsFinite() {
        for (FloatKernels k : implementations()) {
            for (int n : new int[] {1, 16, 17, 1003}) {
                for (boolean intoGrad : new boolean[] {false, true}) {
                    // a NaN or an infinite gradient at the first, a middle and the last element (the tail)
                    for (int at : new int[] {0, n / 2, n - 1}) {
                        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                            ByteBuffer p = fill(n, i -> 1);
                            ByteBuffer g = fill(n, i -> i == at ? bad : 0.5);
                            boolean finite = k.adam(intoGrad ? null : p, g, fill(n, i -> 0), fill(n, i -> 0), n,
                                    1e-3, 0.9, 0.999, 1e-8, 1);
                            assertFalse(finite, k.name() + " n=" + n + ": " + bad + " gradient at " + at);
                        }
                    }
                    // a finite gradient that takes a parameter past the largest float
                    if (!intoGrad) {
                        ByteBuffer p = fill(n, i -> i == n - 1 ? Float.MAX_VALUE : 1);
                        boolean finite = k.adam(p, fill(n, i -> 1), fill(n, i -> 0), fill(n, i -> 0), n, 1e38, 0.9,
                                0.999, 1e-8, 1);
                        assertFalse(finite, k.name() + " n=" + n + ": a parameter overflowing to infinity");
                    }
                }
            }
        }
    }

    @Test
    void describesTheLiveKernels() {
        // surefire's JVMs run with -Dppl.kernels=vector, the module and C2 (the root pom's ppl.test.jvmArgs)
        if ("vector".equals(System.getProperty("ppl.kernels"))) {
            assertNotNull(FloatKernels.live());
            assertTrue(FloatKernels.describe().startsWith("ppl4j Vector API kernels"), FloatKernels.describe());
        } else {
            assertTrue(FloatKernels.describe().startsWith("ND4J kernels"), FloatKernels.describe());
        }
    }
}
