package org.ppl4j.stdlib.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.builtins.PplBuiltin;

/**
 * Every differentiable builtin, called as the language calls it, against central finite differences
 * (h = 1e-6, relative tolerance 1e-6): scalar inputs at two points, and tensor inputs for the reductions.
 */
class BuiltinGradientTest {
    /** Builtin name and the scalar points to check it at (inside its domain, away from kinks). */
    private static final Map<String, double[]> SCALAR = Map.ofEntries(
            Map.entry("abs", new double[] {-1.3, 0.7}), Map.entry("cos", new double[] {0.3, 2.0}),
            Map.entry("exp", new double[] {-0.5, 1.2}), Map.entry("lgamma", new double[] {0.7, 4.5}),
            Map.entry("log", new double[] {0.4, 3.0}), Map.entry("log1p", new double[] {-0.3, 2.0}),
            Map.entry("relu", new double[] {-0.8, 0.9}), Map.entry("sigmoid", new double[] {-2.0, 0.5}),
            Map.entry("sin", new double[] {0.3, 2.0}), Map.entry("softplus", new double[] {-3.0, 2.5}),
            Map.entry("sqrt", new double[] {0.2, 5.0}), Map.entry("tanh", new double[] {-0.6, 1.1}));

    /** Reductions over a vector. */
    private static final List<String> REDUCTIONS = List.of("sum", "mean", "logsumexp", "logmeanexp");

    @TestFactory
    Stream<DynamicTest> scalarBuiltins() {
        return SCALAR.entrySet().stream().flatMap(e -> java.util.Arrays.stream(e.getValue()).mapToObj(x ->
                DynamicTest.dynamicTest(e.getKey() + "(" + x + ")", () -> checkScalar(e.getKey(), x))));
    }

    @TestFactory
    Stream<DynamicTest> reductions() {
        return REDUCTIONS.stream().map(name -> DynamicTest.dynamicTest(name, () -> checkVector(name,
                new double[] {0.3, -1.2, 2.5, 0.8})));
    }

    /**
     * Each reduction along each axis of a [3, 4] matrix and a [2, 3, 2] tensor (axis -1 counted from the last): the
     * gradient of a weighted sum of the result (weights 1, 2, 3, ... so that every output element's adjoint
     * differs) against central differences.
     */
    @TestFactory
    Stream<DynamicTest> reductionsAlongAnAxis() {
        int[][] shapes = {{3, 4}, {2, 3, 2}};
        return REDUCTIONS.stream().flatMap(name -> java.util.Arrays.stream(shapes).flatMap(shape ->
                java.util.stream.IntStream.rangeClosed(-1, shape.length - 1).mapToObj(axis ->
                        DynamicTest.dynamicTest(name + " axis " + axis + " of " + java.util.Arrays.toString(shape),
                                () -> checkAlong(name, shape, axis)))));
    }

    private static double weighted(Object reduced) {
        Tensor t = AD.tensorValue(AD.value(reduced));
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += (i + 1) * t.get(i);
        }
        return s;
    }

    private static void checkAlong(String name, int[] shape, int axis) {
        double[] x = new double[Tensor.numel(shape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(1.7 * i + 0.3) * 2;
        }
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(new Tensor(shape, x.clone()));
        Object out = builtin(name).call(new Object[] {leaf, (double) axis}, null);
        int[] expected = new int[shape.length - 1];
        int a = axis < 0 ? axis + shape.length : axis;
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a) {
                expected[j++] = shape[i];
            }
        }
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(AD.tensorValue(AD.value(out)).shape()));
        Tensor w = new Tensor(expected, java.util.stream.IntStream.range(0, Tensor.numel(expected))
                .mapToDouble(i -> i + 1).toArray());
        tape.backward(AD.sum(AD.mul(out, w)));
        double[] g = leaf.adjoint().toArray();
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (weighted(builtin(name).call(new Object[] {new Tensor(shape, up), (double) axis}, null))
                    - weighted(builtin(name).call(new Object[] {new Tensor(shape, down), (double) axis}, null))) / (2 * h);
            assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), name + " element " + i);
        }
    }

    /** atan2(y, x) in each argument, at points in three quadrants (away from the cut along negative x). */
    @TestFactory
    Stream<DynamicTest> atan2() {
        double[][] points = {{0.5, 1.5}, {1.2, -0.4}, {-0.7, -2.0}};
        return java.util.Arrays.stream(points).map(p -> DynamicTest.dynamicTest("atan2(" + p[0] + ", " + p[1] + ")",
                () -> {
                    Tape tape = new Tape();
                    Var y = tape.leaf(p[0]);
                    Var x = tape.leaf(p[1]);
                    tape.backward(builtin("atan2").call(new Object[] {y, x}, null));
                    double h = 1e-6;
                    double dy = (atan2(p[0] + h, p[1]) - atan2(p[0] - h, p[1])) / (2 * h);
                    double dx = (atan2(p[0], p[1] + h) - atan2(p[0], p[1] - h)) / (2 * h);
                    assertEquals(dy, y.adjoint(), 1e-6 * Math.max(1, Math.abs(dy)), "d/dy");
                    assertEquals(dx, x.adjoint(), 1e-6 * Math.max(1, Math.abs(dx)), "d/dx");
                    assertEquals(Math.atan2(p[0], p[1]), atan2(p[0], p[1]), 1e-15);
                }));
    }

    private static double atan2(double y, double x) {
        return AD.scalarValue(builtin("atan2").call(new Object[] {y, x}, null));
    }

    private static PplBuiltin builtin(String name) {
        PplBuiltin b = Registry.BY_NAME.get(name);
        assertNotNull(b, name);
        return b;
    }

    private static double call(String name, Object x) {
        return AD.scalarValue(builtin(name).call(new Object[] {x}, null));
    }

    private static void checkScalar(String name, double x) {
        Tape tape = new Tape();
        Var leaf = tape.leaf(x);
        tape.backward(builtin(name).call(new Object[] {leaf}, null));
        double h = 1e-6;
        double fd = (call(name, x + h) - call(name, x - h)) / (2 * h);
        assertEquals(fd, leaf.adjoint(), 1e-6 * Math.max(1, Math.abs(fd)), name + " at " + x);
    }

    private static void checkVector(String name, double[] x) {
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(Tensor.vector(x));
        tape.backward(builtin(name).call(new Object[] {leaf}, null));
        double[] g = leaf.adjoint().toArray();
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (call(name, Tensor.vector(up)) - call(name, Tensor.vector(down))) / (2 * h);
            assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), name + " element " + i);
        }
    }
}
