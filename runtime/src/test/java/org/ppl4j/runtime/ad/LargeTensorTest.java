package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.runtime.ad.GradCheck.check;
import static org.ppl4j.runtime.ad.GradCheck.tensor;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ND4J storage of large tensors (at least {@link Tensor#largeThreshold()} elements) against the Java path:
 * values equal to float64 rounding in float64 mode and to float32 rounding by default, gradients by central
 * differences (float64 mode; 30 sampled elements per input).
 */
class LargeTensorTest {
    static final int[] BIG = {120, 100}; // 12000 elements: above the default threshold of 10000
    static final double F32 = 2e-6; // relative: a few float32 roundings

    @AfterEach
    void backToFloat32() {
        Tensor.setLargeFloat64(false);
    }

    /** The same elements as a Java-stored tensor (computed element by element, no kernel). */
    static double[] javaPath(Tensor t, UnaryOperator<Double> f) {
        double[] x = t.toArray();
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.apply(x[i]);
        }
        return r;
    }

    static void assertClose(double[] expected, double[] actual, double rtol, String label) {
        assertEquals(expected.length, actual.length, label);
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, label + " element " + i);
        }
    }

    /**
     * A product above 4 x {@link Nd4jKernels#blockMultiplyAdds} runs in tiles of the result (a cancellation point
     * between them). With the block made 2^16, [600, 700] @ [700, 800] runs in tiles of 256 x 256 (edge tiles of 88
     * rows and 32 columns), with either operand read transposed too; each result equals the product computed
     * element by element in double precision, to float32 rounding over a sum of 700 terms.
     */
    @Test
    void productsInTilesEqualTheUnsplitProduct() {
        assertEquals(1000, Nd4jKernels.tileRows(1000, 1000, 1000)); // under 2^30 multiply-adds: one call
        assertEquals(472, Nd4jKernels.tileRows(1200, 1200, 1200));
        assertEquals(473, Nd4jKernels.tileColumns(1200, 1200, 1200));
        assertEquals(256, Nd4jKernels.tileRows(4000, 40000, 4000)); // at least 256 rows and columns
        long block = Nd4jKernels.blockMultiplyAdds;
        Nd4jKernels.blockMultiplyAdds = 1 << 16;
        try {
            assertEquals(256, Nd4jKernels.tileRows(600, 700, 800));
            assertEquals(256, Nd4jKernels.tileColumns(600, 700, 800));
            productsMatch();
        } finally {
            Nd4jKernels.blockMultiplyAdds = block;
        }
    }

    /** The same tiles, transpositions and bound on ppl4j's own product (512-bit vectors; BLAS's elsewhere). */
    @Test
    void ownProductsInTilesEqualTheUnsplitProduct() {
        long block = Nd4jKernels.blockMultiplyAdds;
        Nd4jKernels.blockMultiplyAdds = 1 << 16;
        Nd4jKernels.useOwnProducts(true);
        try {
            productsMatch();
        } finally {
            Nd4jKernels.blockMultiplyAdds = block;
            Nd4jKernels.useOwnProducts(null);
        }
    }

    private static void productsMatch() {
        int m = 600;
        int k = 700;
        int n = 800;
        Tensor a = tensor(-1, 2, m, k);
        Tensor b = tensor(-1, 2, k, n);
        double[] expected = new double[m * n];
        double[] x = a.toArray();
        double[] y = b.toArray();
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] += x[i * k + p] * y[p * n + j];
                }
            }
        }
        double tol = 1e-5; // float32 products summed over 700 terms of magnitude below 1: about 700 * 6e-8 * |sum|
        assertClose(expected, Tensor.matmul(a, false, b, false).toArray(), tol, "a @ b");
        assertClose(expected, Tensor.matmul(a.transpose(), true, b, false).toArray(), tol, "a^T^T @ b");
        assertClose(expected, Tensor.matmul(a, false, b.transpose(), true).toArray(), tol, "a @ b^T^T");
    }

    /**
     * A minibatch (rows gathered from a data set, reshaped: a view of its whole buffer) times a weight matrix, and
     * the gradient's product with it transposed, against float64 sums (tolerance as in {@link #productsMatch}).
     */
    @Test
    void productsOfAGatheredReshapedMinibatch() {
        int rows = 40;
        int k = 28 * 28;
        int n = 30;
        Tensor data = tensor(-1, 2, 100, 28, 28);
        int[] pick = new int[rows];
        for (int i = 0; i < rows; i++) {
            pick[i] = (i * 37) % 100;
        }
        Tensor batch = data.rows(pick).reshape(new int[] {rows, k});
        assertTrue(batch.isLarge());
        Tensor w = tensor(-1, 2, k, n);
        Tensor g = tensor(-1, 2, rows, n);
        double[] x = data.toArray();
        double[] y = w.toArray();
        double[] gd = g.toArray();
        double[] xw = new double[rows * n];
        double[] xtg = new double[k * n];
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < k; p++) {
                double xv = x[pick[i] * k + p];
                for (int j = 0; j < n; j++) {
                    xw[i * n + j] += xv * y[p * n + j];
                    xtg[p * n + j] += xv * gd[i * n + j];
                }
            }
        }
        assertClose(xw, Tensor.matmul(batch, false, w, false).toArray(), 1e-5, "batch @ w");
        assertClose(xtg, Tensor.matmul(batch, true, g, false).toArray(), 1e-5, "batch^T @ g");
    }

    @Test
    void largeTensorsAreStoredInNd4jAndSmallOnesInJava() {
        assertTrue(tensor(0, 1, BIG).isLarge());
        assertFalse(tensor(0, 1, 20, 20).isLarge());
        // a small result of a large operation comes back to Java (a sum over the long axis)
        assertFalse(tensor(0, 1, BIG).sumAxis(0).isLarge());
    }

    @Test
    void unaryKernelsMatchTheJavaDefinitions() {
        Object[][] fns = {
            {"exp", Fns.EXP}, {"log", Fns.LOG}, {"log1p", Fns.LOG1P}, {"sqrt", Fns.SQRT}, {"square", Fns.SQUARE},
            {"abs", Fns.ABS}, {"tanh", Fns.TANH}, {"sigmoid", Fns.SIGMOID}, {"softplus", Fns.SOFTPLUS},
            {"relu", Fns.RELU}, {"neg", Fns.NEG},
        };
        for (boolean f64 : new boolean[] {true, false}) {
            Tensor.setLargeFloat64(f64);
            for (Object[] nf : fns) {
                AD.Fn1 fn = (AD.Fn1) nf[1];
                // positive inputs for log and sqrt, a wide range (softplus tails included) otherwise
                Tensor x = nf[0].equals("log") || nf[0].equals("sqrt") ? tensor(0.05, 5, BIG)
                        : nf[0].equals("log1p") ? tensor(-0.9, 5, BIG) : tensor(-30, 60, BIG);
                Tensor y = (Tensor) AD.unary(x, fn);
                assertTrue(y.isLarge());
                assertClose(javaPath(x, fn::f), y.toArray(), f64 ? 1e-12 : F32, nf[0] + (f64 ? " f64" : " f32"));
            }
        }
    }

    /** A large tensor against a number is one kernel: the same 1s and 0s as the Java path, NaN comparing false. */
    @Test
    void largeComparisonsWithANumberMatchTheJavaPath() {
        double[] v = tensor(-3, 6, BIG).toArray();
        v[5] = Double.NaN;
        v[6] = 0.5;
        Tensor x = new Tensor(BIG, v);
        Tensor half = Tensor.scalar(0.5);
        java.util.function.DoubleBinaryOperator[] tests = {(p, q) -> p < q ? 1 : 0, (p, q) -> p <= q ? 1 : 0,
            (p, q) -> p > q ? 1 : 0, (p, q) -> p >= q ? 1 : 0};
        Tensor.Cmp[] cmps = Tensor.Cmp.values();
        for (int k = 0; k < cmps.length; k++) {
            Tensor kernel = Tensor.compare(x, half, cmps[k], tests[k]);
            assertTrue(kernel.isLarge());
            assertArrayEquals(Tensor.zipWith(x, half, tests[k]).toArray(), kernel.toArray(), 0.0, cmps[k].toString());
            assertTrue(kernel.allMatch(Tensor.Check.BINARY));
            Tensor swapped = Tensor.compare(half, x, cmps[k], tests[k]);
            assertArrayEquals(Tensor.zipWith(half, x, tests[k]).toArray(), swapped.toArray(), 0.0, cmps[k] + " swapped");
        }
    }

    /** Above about 88, float32's exp overflows: the one-pass softplus kernel must fall back, not return infinity. */
    @Test
    void softplusOfLargeLogitsStaysFinite() {
        for (boolean f64 : new boolean[] {false, true}) {
            Tensor.setLargeFloat64(f64);
            Tensor x = tensor(-30, 60, BIG);
            double[] v = x.toArray();
            v[0] = 100;
            v[1] = 1000;
            v[2] = -1000;
            Tensor big = new Tensor(BIG, v);
            Tensor y = (Tensor) AD.unary(big, Fns.SOFTPLUS);
            assertClose(javaPath(big, Fns.SOFTPLUS::f), y.toArray(), f64 ? 1e-12 : F32, "softplus tails");
            assertEquals(1000.0, y.get(1), 1e-3);
        }
    }

    /** 0/1 data of {@link #BIG}'s shape: about half ones, in a fixed irregular pattern. */
    private static Tensor binaryData() {
        double[] x = new double[Tensor.numel(BIG)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7919L) % 13 < 6 ? 1 : 0;
        }
        return new Tensor(BIG, x);
    }

    /**
     * The fused Bernoulli log-likelihood sum(x l - softplus(l)) against the elementwise Java definition, in both
     * storages and precisions, with logits in the tails too (softplus of 100 and 1000 overflows a one-pass float32
     * kernel); its gradient x - sigmoid(l), scaled by the incoming adjoint, by central differences (float64).
     */
    @Test
    void fusedBernoulliLogitsSumMatchesTheElementwiseForm() {
        Tensor x = binaryData();
        for (boolean f64 : new boolean[] {true, false}) {
            Tensor.setLargeFloat64(f64);
            for (double[] range : new double[][] {{-8, 16}, {-30, 60}}) {
                double[] v = tensor(range[0], range[1], BIG).toArray();
                v[3] = 100;
                v[4] = 1000;
                v[5] = -1000;
                Tensor l = new Tensor(BIG, v);
                double want = 0;
                for (int i = 0; i < v.length; i++) {
                    want += x.get(i) * v[i] - Fns.SOFTPLUS.f(v[i]);
                }
                Object got = AD.bernoulliLogitsSum(x, l);
                // float32: l and softplus(l) each carry at most two roundings of 6e-8 relative, and both terms
                // of an element are at most |l| + 1 in size: 2.4e-7 (|l| + 1) per element, accumulated exactly
                double scale = 0;
                for (double e : v) {
                    scale += Math.abs(e) + 1;
                }
                assertEquals(want, AD.scalarValue(got), (f64 ? 1e-13 : 2.4e-7) * scale, "value, f64 " + f64);
                // the small (Java) storage computes the same sum
                Tensor small = new Tensor(new int[] {20}, java.util.Arrays.copyOf(v, 20));
                Tensor xs = new Tensor(new int[] {20}, java.util.Arrays.copyOf(x.toArray(), 20));
                double want20 = 0;
                for (int i = 0; i < 20; i++) {
                    want20 += xs.get(i) * v[i] - Fns.SOFTPLUS.f(v[i]);
                }
                assertEquals(want20, AD.scalarValue(AD.bernoulliLogitsSum(xs, small)), 1e-12 * Math.abs(want20));
            }
        }
        Tensor.setLargeFloat64(true);
        check("bernoulliLogitsSum", xs -> AD.mul(AD.bernoulliLogitsSum(x, xs[0]), 3.0),
                new Object[] {tensor(-3, 6, BIG)}, new boolean[] {true}, GradCheck.RTOL, 30);
        check("bernoulliLogitsSum small", xs -> AD.mul(AD.bernoulliLogitsSum(new Tensor(new int[] {4, 5},
                java.util.Arrays.copyOf(x.toArray(), 20)), xs[0]), -2.0), new Object[] {tensor(-3, 6, 4, 5)},
                new boolean[] {true});
    }

    /**
     * A tensor filled straight into ND4J (as a loader does) has the values written, and its slices along any
     * axis, with any positive step, equal the Java-stored tensor's, without copying the whole tensor to Java.
     */
    @Test
    void filledTensorsAndTheirSlicesMatchTheJavaPath() {
        int[] shape = {30, 20, 25};
        double[] v = tensor(0, 200, shape).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.rint(v[i]); // whole numbers: exact in float32
        }
        Tensor.Filler f = Tensor.filler(shape, true);
        for (int at = 0; at < v.length; at += 999) {
            int n = Math.min(999, v.length - at);
            f.put(java.util.Arrays.copyOfRange(v, at, at + n), n);
        }
        Tensor nd = f.finish();
        Tensor inJava = new Tensor(shape, v);
        assertTrue(nd.isLarge());
        assertArrayEquals(v, nd.toArray(), 0.0);
        int[][] slices = {{0, 2, 29, 1}, {0, 0, 30, 3}, {1, 5, 6, 1}, {2, 1, 25, 4}, {0, 0, 1, 1}};
        for (int[] sl : slices) {
            Tensor a = nd.range(sl[0], sl[1], sl[2], sl[3]);
            Tensor b = inJava.range(sl[0], sl[1], sl[2], sl[3]);
            assertArrayEquals(b.shape(), a.shape(), java.util.Arrays.toString(sl));
            assertArrayEquals(b.toArray(), a.toArray(), 0.0, java.util.Arrays.toString(sl));
        }
        assertEquals(null, Tensor.filler(new int[] {10, 10}, true), "a small tensor is built in Java");
    }

    /**
     * Rows of a large C-order tensor are copied block by block: the same elements as the Java path's row copy, in
     * any order, repeated, for rank 2 and rank 3, in float32 and float64; a reshaped gather (a view) takes ND4J's.
     */
    @Test
    void rowsOfALargeTensorAreTheSameElements() {
        int[] picks = {7, 0, 119, 7, 64};
        for (boolean f64 : new boolean[] {false, true}) {
            Tensor.setLargeFloat64(f64);
            for (int[] shape : new int[][] {BIG, {120, 10, 10}}) {
                Tensor x = tensor(-3, 6, shape);
                assertTrue(x.isLarge());
                Tensor r = x.rows(picks);
                int width = x.size() / shape[0];
                assertEquals(picks.length, r.shape()[0]);
                assertEquals(shape.length, r.shape().length);
                double[] all = x.toArray();
                double[] got = r.toArray();
                for (int i = 0; i < picks.length; i++) {
                    for (int j = 0; j < width; j++) {
                        assertEquals(all[picks[i] * width + j], got[i * width + j], 0.0,
                                "row " + picks[i] + " element " + j + (f64 ? " (float64)" : ""));
                    }
                }
                Tensor again = r.rows(new int[] {4, 0}); // rows of a gathered result
                assertEquals(all[64 * width + 3], again.toArray()[3], 0.0);
            }
        }
    }

    /**
     * An Adam step on a large parameter says whether its result is finite (checked in the step's own pass with
     * ppl4j's kernels), and a tensor so marked passes the FINITE check without another pass: a finite step
     * passes, a NaN gradient element makes the FINITE check fail.
     */
    @Test
    void adamStepResultsKnowWhetherTheyAreFinite() {
        for (int bad : new int[] {-1, 0, 5_555, 11_999}) {
            Tensor p = tensor(-1, 2, BIG).keep();
            double[] g = tensor(-1, 2, BIG).toArray();
            if (bad >= 0) {
                g[bad] = Double.NaN;
            }
            Tensor r = Tensor.adamStep(p, new Tensor(BIG, g), new Object[2], 1e-3, 0.9, 0.999, 1e-8, 1, false);
            assertEquals(bad < 0, r.allMatch(Tensor.Check.FINITE), "NaN gradient element " + bad);
            assertEquals(bad < 0, r.allMatch(Tensor.Check.NOT_NAN), "NaN gradient element " + bad);
            if (bad >= 0) {
                assertTrue(Double.isNaN(r.toArray()[bad]));
            }
        }
    }

    @Test
    void unaryGradientsOnLargeTensors() {
        Tensor.setLargeFloat64(true);
        AD.Fn1[] fns = {Fns.EXP, Fns.TANH, Fns.SIGMOID, Fns.SOFTPLUS, Fns.SQUARE, Fns.NEG};
        for (AD.Fn1 fn : fns) {
            check("large " + fn, xs -> AD.unary(xs[0], fn), new Object[] {tensor(-3, 6, BIG)}, new boolean[] {true},
                    GradCheck.RTOL, 30);
        }
        check("large log1p", xs -> AD.log1p(xs[0]), new Object[] {tensor(-0.5, 4, BIG)}, new boolean[] {true},
                GradCheck.RTOL, 30);
        check("large log", xs -> AD.log(xs[0]), new Object[] {tensor(0.2, 4, BIG)}, new boolean[] {true},
                GradCheck.RTOL, 30);
        check("large sqrt", xs -> AD.sqrt(xs[0]), new Object[] {tensor(0.2, 4, BIG)}, new boolean[] {true},
                GradCheck.RTOL, 30);
    }

    @Test
    void binaryKernelsBroadcastLikeNumPy() {
        int[][] others = {BIG, {100}, {120, 1}, {1, 100}, {}};
        BinaryOperator<Object>[] ops = ops();
        String[] names = {"add", "sub", "mul", "div"};
        for (boolean f64 : new boolean[] {true, false}) {
            Tensor.setLargeFloat64(f64);
            for (int[] o : others) {
                Tensor a = tensor(-2, 4, BIG);
                Tensor b = tensor(0.5, 2, o);
                for (int k = 0; k < ops.length; k++) {
                    for (boolean swap : new boolean[] {false, true}) {
                        Tensor r = (Tensor) (swap ? ops[k].apply(b, a) : ops[k].apply(a, b));
                        Tensor expected = swap ? Tensor.zipWith(b, a, f(k)) : Tensor.zipWith(a, b, f(k));
                        assertArrayEquals(BIG, r.shape());
                        assertClose(expected.toArray(), r.toArray(), f64 ? 1e-12 : F32,
                                names[k] + " with " + java.util.Arrays.toString(o) + (swap ? " swapped" : ""));
                    }
                }
            }
        }
    }

    /**
     * Both operands broadcast (a [k, 1] column of k draws and a vector, as a vectorised predict makes them), the
     * result large: the copy along each broadcast axis, rank 2 and rank 3.
     */
    @Test
    void bothOperandsBroadcastToALargeResult() {
        int[][][] pairs = {{{2000, 1}, {8}, {2000, 8}}, {{50, 1, 30}, {8, 1}, {50, 8, 30}}, {{1, 300}, {40, 1}, {40, 300}}};
        BinaryOperator<Object>[] ops = ops();
        for (boolean f64 : new boolean[] {true, false}) {
            Tensor.setLargeFloat64(f64);
            for (int[][] p : pairs) {
                Tensor a = tensor(-2, 4, p[0]);
                Tensor b = tensor(0.5, 2, p[1]);
                for (int k = 0; k < ops.length; k++) {
                    Tensor r = (Tensor) ops[k].apply(a, b);
                    assertTrue(r.isLarge());
                    assertArrayEquals(p[2], r.shape());
                    assertClose(Tensor.zipWith(a, b, f(k)).toArray(), r.toArray(), f64 ? 1e-12 : F32,
                            java.util.Arrays.toString(p[0]) + " op " + k + " " + java.util.Arrays.toString(p[1]));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static BinaryOperator<Object>[] ops() {
        return new BinaryOperator[] {(BinaryOperator<Object>) AD::add, (BinaryOperator<Object>) AD::sub,
            (BinaryOperator<Object>) AD::mul, (BinaryOperator<Object>) AD::div};
    }

    static java.util.function.DoubleBinaryOperator f(int k) {
        switch (k) {
            case 0:
                return Double::sum;
            case 1:
                return (x, y) -> x - y;
            case 2:
                return (x, y) -> x * y;
            default:
                return (x, y) -> x / y;
        }
    }

    @Test
    void binaryGradientsReduceOverBroadcastAxes() {
        Tensor.setLargeFloat64(true);
        BinaryOperator<Object>[] ops = ops();
        for (int[] o : new int[][] {BIG, {100}, {120, 1}}) {
            for (BinaryOperator<Object> op : ops) {
                check("large binary with " + java.util.Arrays.toString(o), xs -> op.apply(xs[0], xs[1]),
                        new Object[] {tensor(-2, 4, BIG), tensor(0.5, 2, o)}, new boolean[] {true, true},
                        GradCheck.RTOL, 30);
            }
        }
    }

    @Test
    void matmulGradientsWithLargeOperands() {
        Tensor.setLargeFloat64(true);
        // [128,100] @ [100,20] (as in a network layer) and [20,100]^T-shaped products in the backward pass
        check("large matmul", xs -> AD.matmul(xs[0], xs[1]),
                new Object[] {tensor(-1, 2, 128, 100), tensor(-0.5, 1, 100, 20)}, new boolean[] {true, true},
                GradCheck.RTOL, 30);
    }

    @Test
    void sumsOfLargeTensorsAccumulateInDoublePrecision() {
        // 12000 elements of 0.1 (float32 0.1 is 0.100000001490116...) sum to 1200.0000179 in double
        Tensor t = Tensor.full(BIG, 0.1);
        assertTrue(t.isLarge());
        assertEquals(12000 * (double) 0.1f, t.sum(), 1e-6);
        Tensor s = tensor(-1, 2, BIG);
        assertClose(Tensor.zipWith(s, Tensor.scalar(0), Double::sum).reduceTo(new int[] {100}).toArray(),
                s.sumAxis(0).toArray(), F32 * 120, "sum over axis 0");
        assertClose(s.reduceTo(new int[] {120, 1}).toArray(), s.sumAxis(1).toArray(), F32 * 100, "sum over axis 1");
    }

    @Test
    void rowsOfLargeTensorsInBothStorages() {
        Tensor javaStored = tensor(-1, 2, BIG);
        Tensor ndStored = (Tensor) AD.add(javaStored, 0.0); // a kernel result: stored in ND4J
        int[] pick = {5, 0, 119, 5};
        assertArrayEquals(javaStored.rows(pick).toArray(), ndStored.rows(pick).toArray(), F32);
        assertArrayEquals(new int[] {4, 100}, ndStored.rows(pick).shape());
        for (int[] shape : new int[][] {{12000}, {30, 20, 20}}) { // vectors and higher ranks gather the same way
            Tensor j = tensor(-1, 2, shape);
            Tensor n = (Tensor) AD.add(j, 0.0);
            int[] some = {3, 0, 29, 3};
            assertArrayEquals(j.rows(some).toArray(), n.rows(some).toArray(), F32);
            assertArrayEquals(j.rows(some).shape(), n.rows(some).shape());
        }
    }
}
