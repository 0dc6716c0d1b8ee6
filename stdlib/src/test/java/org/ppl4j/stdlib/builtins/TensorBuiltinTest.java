package org.ppl4j.stdlib.builtins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.value.PplList;

/**
 * The tensor and network builtins, called as the language calls them: values against definitions computed here,
 * and gradients against central differences (h = 1e-6, relative tolerance 1e-6) of a fixed weighted sum of the
 * output, so that every output element's gradient path is exercised.
 */
class TensorBuiltinTest {
    static final Tensor M = new Tensor(new int[] {3, 4}, new double[] {
        0.3, -1.2, 2.5, 0.8, -0.4, 1.1, 0.0, -2.2, 1.7, 0.6, -0.9, 0.2});

    private static PplBuiltin builtin(String name) {
        PplBuiltin b = Registry.BY_NAME.get(name);
        assertNotNull(b, name);
        return b;
    }

    private static Object call(String name, Object... args) {
        return builtin(name).call(args, null);
    }

    /** sum_i w_i f(x)_i with w_i = 1 + 0.1 i (cos-scrambled), as a number on x's tape. */
    private static Object weighted(Object y) {
        if (!AD.isTensor(y)) {
            return y;
        }
        int n = AD.tensorValue(y).size();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1 + 0.3 * Math.cos(1.7 * i);
        }
        return AD.sum(AD.mul(AD.reshape(y, new int[] {n}), Tensor.vector(w)));
    }

    private static void checkGradient(String label, Function<Object, Object> f, Tensor x) {
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(x);
        tape.backward(weighted(f.apply(leaf)));
        double[] g = leaf.adjoint().toArray();
        double h = 1e-6;
        double[] base = x.toArray();
        for (int i = 0; i < base.length; i++) {
            double[] up = base.clone();
            double[] down = base.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (AD.scalarValue(weighted(f.apply(new Tensor(x.shape(), up))))
                    - AD.scalarValue(weighted(f.apply(new Tensor(x.shape(), down))))) / (2 * h);
            assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), label + " element " + i);
        }
    }

    @TestFactory
    Stream<DynamicTest> gradients() {
        Tensor w = new Tensor(new int[] {4, 2}, new double[] {0.5, -0.3, 0.2, 0.9, -1.1, 0.4, 0.7, 0.1});
        Tensor b = Tensor.vector(0.25, -0.5);
        return Stream.of(
                DynamicTest.dynamicTest("sum axis 0", () -> checkGradient("sum0", x -> call("sum", x, 0.0), M)),
                DynamicTest.dynamicTest("sum axis -1", () -> checkGradient("sum-1", x -> call("sum", x, -1.0), M)),
                DynamicTest.dynamicTest("mean axis 1", () -> checkGradient("mean1", x -> call("mean", x, 1.0), M)),
                DynamicTest.dynamicTest("logsumexp axis 0",
                        () -> checkGradient("lse0", x -> call("logsumexp", x, 0.0), M)),
                DynamicTest.dynamicTest("logmeanexp axis 1",
                        () -> checkGradient("lme1", x -> call("logmeanexp", x, 1.0), M)),
                DynamicTest.dynamicTest("softmax", () -> checkGradient("softmax", x -> call("softmax", x), M)),
                DynamicTest.dynamicTest("softmax axis 0",
                        () -> checkGradient("softmax0", x -> call("softmax", x, 0.0), M)),
                DynamicTest.dynamicTest("log_softmax", () -> checkGradient("lsm", x -> call("log_softmax", x), M)),
                DynamicTest.dynamicTest("dense (input)", () -> checkGradient("dense x", x -> call("dense", x, w, b), M)),
                DynamicTest.dynamicTest("dense (weights)",
                        () -> checkGradient("dense w", x -> call("dense", M, x, b), w)),
                DynamicTest.dynamicTest("dense (bias)", () -> checkGradient("dense b", x -> call("dense", M, w, x), b)),
                DynamicTest.dynamicTest("reshape", () -> checkGradient("reshape",
                        x -> call("reshape", x, new PplList(new Object[] {2.0, -1.0})), M)),
                DynamicTest.dynamicTest("transpose", () -> checkGradient("transpose", x -> call("transpose", x), M)),
                DynamicTest.dynamicTest("concat", () -> checkGradient("concat",
                        x -> call("concat", new PplList(new Object[] {x, AD.mul(x, x)}), 1.0), M)),
                DynamicTest.dynamicTest("where", () -> checkGradient("where",
                        x -> call("where", AD.compare(x, 0.05, (p, q) -> p > q ? 1 : 0), AD.exp(x), AD.mul(x, 3.0)), M)));
    }

    @Test
    void valuesMatchTheirDefinitions() {
        // sum and mean along axes
        assertArrayEquals(new double[] {1.6, 0.5, 1.6, -1.2}, ((Tensor) call("sum", M, 0.0)).toArray(), 1e-12);
        assertArrayEquals(new double[] {2.4 / 4, -1.5 / 4, 1.6 / 4}, ((Tensor) call("mean", M, 1.0)).toArray(), 1e-12);
        // softmax rows sum to one and are exp(x) / sum exp(x)
        Tensor s = (Tensor) call("softmax", M);
        for (int r = 0; r < 3; r++) {
            double z = 0;
            for (int c = 0; c < 4; c++) {
                z += Math.exp(M.get(4 * r + c));
            }
            for (int c = 0; c < 4; c++) {
                assertEquals(Math.exp(M.get(4 * r + c)) / z, s.get(4 * r + c), 1e-12);
            }
        }
        // log_softmax stays finite where softmax underflows
        Tensor big = Tensor.vector(0, 1000, -1000);
        Tensor ls = (Tensor) call("log_softmax", big);
        assertArrayEquals(new double[] {-1000, 0, -2000}, ls.toArray(), 1e-9);
        // a vector's only axis reduces to a number
        assertEquals(1.6, AD.scalarValue(call("sum", Tensor.vector(0.3, -0.4, 1.7), 0.0)), 1e-12);
        // shape and reshape with -1
        assertArrayEquals(new int[] {6, 2}, ((Tensor) call("reshape", M, new PplList(new Object[] {-1.0, 2.0}))).shape());
        assertThrows(IllegalArgumentException.class,
                () -> call("reshape", M, new PplList(new Object[] {5.0, -1.0})));
        assertThrows(IllegalArgumentException.class, () -> call("sum", M, 2.0));
    }

    @Test
    void initialisersHaveTheirStatedSpread() {
        // glorot: U(-a, a), a = sqrt(6 / (400 + 300)), so E[u^2] = a^2 / 3 and Var[u^2] = 4 a^4 / 45; he: N(0, s^2),
        // s^2 = 2 / 400, so Var[u^2] = 2 s^4. 120000 draws each (seed 7); bounds of 5 standard errors of the mean of u^2.
        Rng rng = new Rng(7);
        Tensor g = NeuralBuiltins.glorot(new int[] {400, 300}, rng);
        double a = Math.sqrt(6.0 / 700);
        double var = 0;
        for (int i = 0; i < g.size(); i++) {
            assertTrue(Math.abs(g.get(i)) <= a);
            var += g.get(i) * g.get(i);
        }
        assertEquals(a * a / 3, var / g.size(), 5 * Math.sqrt(4.0 / 45 / g.size()) * a * a);
        Tensor h = NeuralBuiltins.he(new int[] {400, 300}, rng);
        double hv = 0;
        for (int i = 0; i < h.size(); i++) {
            hv += h.get(i) * h.get(i);
        }
        assertEquals(2.0 / 400, hv / h.size(), 5 * Math.sqrt(2.0 / h.size()) * 2.0 / 400);
    }

    @Test
    void oneHotAndArgmax() {
        Object h = call("one_hot", Tensor.vector(2, 0), 3.0);
        assertArrayEquals(new int[] {2, 3}, AD.tensorValue(h).shape());
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0}, AD.tensorValue(h).toArray());
        assertArrayEquals(new double[] {0, 1, 0}, AD.tensorValue(call("one_hot", 1.0, 3.0)).toArray());
        assertThrows(IllegalArgumentException.class, () -> call("one_hot", Tensor.vector(3), 3.0));
        assertThrows(IllegalArgumentException.class, () -> call("one_hot", Tensor.vector(0.5), 3.0));
        // M's rows: largest at 2, 1, 0; its columns: at 2, 1, 0, 0
        assertArrayEquals(new double[] {2, 1, 0}, AD.tensorValue(call("argmax", M, null)).toArray());
        assertArrayEquals(new double[] {2, 1, 0, 0}, AD.tensorValue(call("argmax", M, 0.0)).toArray());
        assertEquals(2.0, call("argmax", Tensor.vector(1, 2, 3), null));
    }
}
