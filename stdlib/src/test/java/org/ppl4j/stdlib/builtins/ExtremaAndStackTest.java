package org.ppl4j.stdlib.builtins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.value.PplList;

/**
 * {@code pi}, {@code max}/{@code min} (elementwise and reductions) and {@code stack}: values, and gradients against
 * central finite differences (h = 1e-6, tolerance 1e-6 relative), at points away from ties and kinks.
 */
class ExtremaAndStackTest {
    private static Object call(String name, Object... args) {
        return Registry.BY_NAME.get(name).call(args, null);
    }

    private static double[] points(int n, double phase) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 2 * Math.sin(1.7 * i + phase);
        }
        return x;
    }

    /** d(sum_i (i + 1) f(x)_i)/dx by the tape and by central differences. */
    private static void checkGradient(int[] shape, Function<Object, Object> f) {
        double[] x = points(Tensor.numel(shape), 0.3);
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(new Tensor(shape, x.clone()));
        tape.backward(weighted(f.apply(leaf)));
        double[] g = leaf.adjoint().toArray();
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (AD.scalarValue(weighted(f.apply(new Tensor(shape, up))))
                    - AD.scalarValue(weighted(f.apply(new Tensor(shape, down))))) / (2 * h);
            assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), "element " + i);
        }
    }

    private static Object weighted(Object y) {
        if (!AD.isTensor(y)) {
            return AD.mul(y, 1.0);
        }
        Tensor t = AD.tensorValue(AD.value(y));
        double[] w = new double[t.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = i + 1;
        }
        return AD.sum(AD.mul(y, new Tensor(t.shape(), w)));
    }

    @Test
    void piIsAConstantName() {
        assertEquals(Math.PI, Registry.BY_NAME.get("pi").constant());
    }

    @Test
    void elementwiseMaxAndMinOfTwoValues() {
        Tensor a = new Tensor(new int[] {4}, new double[] {1, -2, 3, 0});
        Tensor b = new Tensor(new int[] {4}, new double[] {0, 5, 3.5, -1});
        assertArrayEquals(new double[] {1, 5, 3.5, 0}, AD.tensorValue(call("max", a, b, null)).toArray());
        assertArrayEquals(new double[] {0, -2, 3, -1}, AD.tensorValue(call("min", a, b, null)).toArray());
        assertEquals(2.0, call("max", 2.0, -1.0, null));
        // broadcast against a number: a clamp
        assertArrayEquals(new double[] {1, 0, 1, 0}, AD.tensorValue(call("min", call("max", a, 0.0, null), 1.0, null))
                .toArray());
        Tensor other = new Tensor(new int[] {2, 3}, points(6, 1.1));
        checkGradient(new int[] {2, 3}, x -> call("max", x, other, null));
        checkGradient(new int[] {2, 3}, x -> call("min", x, other, null));
    }

    @Test
    void scalarGradientGoesToTheLargerArgument() {
        Tape tape = new Tape();
        Var x = tape.leaf(1.5);
        Var y = tape.leaf(0.5);
        tape.backward(call("max", x, y, null));
        assertEquals(1, x.adjoint());
        assertEquals(0, y.adjoint());
    }

    @Test
    void reductionsOverAllElementsAndAlongAnAxis() {
        Tensor m = new Tensor(new int[] {2, 3}, new double[] {1, 7, -2, 4, 0, 9});
        assertEquals(9.0, AD.scalarValue(call("max", m, null, null)));
        assertEquals(-2.0, AD.scalarValue(call("min", m, null, null)));
        assertArrayEquals(new double[] {4, 7, 9}, AD.tensorValue(call("max", m, null, 0.0)).toArray());
        assertArrayEquals(new double[] {-2, 0}, AD.tensorValue(call("min", m, null, -1.0)).toArray());
        for (int axis = -1; axis < 3; axis++) {
            double ax = axis;
            checkGradient(new int[] {2, 3, 2}, x -> call("max", x, null, ax));
            checkGradient(new int[] {2, 3, 2}, x -> call("min", x, null, ax));
        }
        checkGradient(new int[] {3, 4}, x -> call("max", x, null, null));
        assertThrows(IllegalArgumentException.class, () -> call("max", m, m, 0.0));
    }

    @Test
    void tiesAlongAnAxisShareTheGradient() {
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(new Tensor(new int[] {1, 3}, new double[] {2, 2, 1}));
        tape.backward(AD.sum(call("max", leaf, null, 1.0)));
        assertArrayEquals(new double[] {0.5, 0.5, 0}, leaf.adjoint().toArray());
    }

    @Test
    void stackOfNumbersAndOfTensors() {
        assertArrayEquals(new double[] {1, 2, 3}, AD.tensorValue(call("stack", new PplList(new Object[] {1.0, 2.0, 3.0}),
                null)).toArray());
        Tensor a = new Tensor(new int[] {2}, new double[] {1, 2});
        Tensor b = new Tensor(new int[] {2}, new double[] {3, 4});
        Tensor s0 = AD.tensorValue(call("stack", new PplList(new Object[] {a, b}), null));
        assertArrayEquals(new int[] {2, 2}, s0.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, s0.toArray());
        Tensor s1 = AD.tensorValue(call("stack", new PplList(new Object[] {a, b}), 1.0));
        assertArrayEquals(new double[] {1, 3, 2, 4}, s1.toArray());
        assertThrows(IllegalArgumentException.class, () -> call("stack",
                new PplList(new Object[] {a, new Tensor(new int[] {3}, new double[3])}), null));
        // gradients: of tensors along axis 1, and of numbers read out of a tensor (through the tape)
        checkGradient(new int[] {2, 3}, x -> call("stack", new PplList(new Object[] {AD.mul(x, 2.0), AD.exp(x)}), 1.0));
        checkGradient(new int[] {3}, x -> call("stack", new PplList(new Object[] {AD.index(x, 2), AD.index(x, 0),
            AD.mul(AD.index(x, 1), AD.index(x, 2))}), null));
    }
}
