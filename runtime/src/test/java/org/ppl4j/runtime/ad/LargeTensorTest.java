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
