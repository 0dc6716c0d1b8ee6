package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.runtime.ad.GradCheck.check;
import static org.ppl4j.runtime.ad.GradCheck.tensor;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Central-difference checks of every differentiable operation in {@link AD} and {@link Fns}. See {@link GradCheck}. */
class ADGradientTest {
    // large tensors (ND4J) are checked against float64 central differences; LargeTensorTest covers float32
    @org.junit.jupiter.api.BeforeAll
    static void float64() {
        Tensor.setLargeFloat64(true);
    }

    @org.junit.jupiter.api.AfterAll
    static void float32() {
        Tensor.setLargeFloat64(false);
    }

    static final boolean[] TT = {true, true};
    static final boolean[] TF = {true, false};
    static final boolean[] FT = {false, true};

    // ---------------------------------------------------------------- unary functions

    static Stream<Arguments> unaryOps() {
        double[] wide = {-3.7, -0.4, 0.25, 1.3, 5.2};
        return Stream.of(
                unary("neg", AD::neg, wide),
                unary("exp", AD::exp, -3.7, -0.4, 0.25, 1.3, 5.2, 20),
                unary("log", AD::log, 0.05, 0.7, 1.0, 3.3, 250),
                unary("log1p", AD::log1p, -0.9, -0.3, 0, 0.6, 40),
                unary("sqrt", AD::sqrt, 0.05, 0.7, 1.0, 3.3, 250),
                unary("square", AD::square, wide),
                unary("sigmoid", AD::sigmoid, -30, -3.7, -0.4, 0, 0.25, 1.3, 5.2, 30),
                unary("softplus", AD::softplus, -30, -3.7, -0.4, 0, 0.25, 1.3, 5.2, 30),
                unary("lgamma", AD::lgamma, -2.3, -0.5, 0.1, 0.5, 1.0, 1.7, 3.0, 12.5, 150, 1e6),
                unary("abs", x -> AD.unary(x, Fns.ABS), -2.5, -0.3, 0.7, 4),
                unary("sin", x -> AD.unary(x, Fns.SIN), wide),
                unary("cos", x -> AD.unary(x, Fns.COS), wide),
                unary("tanh", x -> AD.unary(x, Fns.TANH), -3.7, -0.4, 0, 0.25, 1.3, 5.2),
                unary("relu", x -> AD.unary(x, Fns.RELU), -2, -0.5, 0.3, 3));
    }

    static Arguments unary(String name, UnaryOperator<Object> f, double... points) {
        return Arguments.of(name, f, points);
    }

    @ParameterizedTest(name = "{0} on scalars")
    @MethodSource("unaryOps")
    void unaryOnScalars(String name, UnaryOperator<Object> f, double[] points) {
        for (double x : points) {
            check(name, xs -> f.apply(xs[0]), x);
        }
    }

    @ParameterizedTest(name = "{0} on tensors")
    @MethodSource("unaryOps")
    void unaryOnTensors(String name, UnaryOperator<Object> f, double[] points) {
        check(name, xs -> f.apply(xs[0]), Tensor.vector(points));
        double[] twice = new double[points.length * 2];
        for (int i = 0; i < twice.length; i++) {
            twice[i] = points[(i * 3) % points.length];
        }
        check(name, xs -> f.apply(xs[0]), new Tensor(new int[] {2, points.length}, twice));
    }

    @ParameterizedTest(name = "{0} agrees with its Fns definition")
    @MethodSource("unaryOps")
    void unaryValuesOnAllPaths(String name, UnaryOperator<Object> f, double[] points) {
        Tensor t = (Tensor) f.apply(Tensor.vector(points));
        for (int i = 0; i < points.length; i++) {
            assertEquals((Double) f.apply(points[i]), t.get(i), 0.0, name + " at " + points[i]);
        }
    }

    @Test
    void composedUnaryFunctions() {
        // several nodes in a chain, and a value used by two consumers
        GradCheck.F f = xs -> {
            Object x = xs[0];
            Object s = AD.sigmoid(AD.mul(x, 2.0));
            return AD.add(AD.mul(AD.log1p(AD.square(x)), s), AD.exp(AD.neg(AD.softplus(x))));
        };
        for (double x : new double[] {-2.2, -0.1, 0.6, 3.1}) {
            check("composite", f, x);
        }
        check("composite", f, tensor(-2, 4, 2, 3));
    }

    // ---------------------------------------------------------------- binary scalar operations

    static Stream<Arguments> binaryOps() {
        double[][] general = {{1.3, -0.7}, {-2.1, 0.45}, {3.0, 2.0}, {0.6, 5.5}, {-4.2, -1.1}};
        double[][] positiveBase = {{1.3, -0.7}, {0.45, 2.1}, {3.0, 2.0}, {2.5, 0.5}, {0.8, 0.0}, {7.5, -2.5}};
        return Stream.of(
                Arguments.of("add", (BinaryOperator<Object>) AD::add, general),
                Arguments.of("sub", (BinaryOperator<Object>) AD::sub, general),
                Arguments.of("mul", (BinaryOperator<Object>) AD::mul, general),
                Arguments.of("div", (BinaryOperator<Object>) AD::div, general),
                Arguments.of("pow", (BinaryOperator<Object>) AD::pow, positiveBase));
    }

    @ParameterizedTest(name = "{0} on scalars")
    @MethodSource("binaryOps")
    void binaryOnScalars(String name, BinaryOperator<Object> op, double[][] points) {
        for (double[] p : points) {
            for (boolean[] mask : new boolean[][] {TT, TF, FT}) {
                check(name, xs -> op.apply(xs[0], xs[1]), new Object[] {p[0], p[1]}, mask);
            }
            // the same tracked value on both sides
            check(name + "(x, x)", xs -> op.apply(xs[0], xs[0]), new Object[] {Math.abs(p[0])}, new boolean[] {true});
        }
    }

    @Test
    void powWithANegativeBaseAndIntegerExponent() {
        // d/dx x^3 = 3 x^2 is defined for x < 0 (d/dy is not, so y stays constant)
        for (double x : new double[] {-1.5, -0.3}) {
            check("pow", xs -> AD.pow(xs[0], xs[1]), new Object[] {x, 3.0}, TF);
            check("pow", xs -> AD.pow(xs[0], xs[1]), new Object[] {x, 2.0}, TF);
        }
    }

    // ---------------------------------------------------------------- broadcasting

    static Stream<Arguments> broadcastCases() {
        int[][][] shapes = {
            {{2, 3}, {3}},
            {{3}, {2, 3}},
            {{2, 1}, {1, 3}},
            {{1, 3}, {2, 1}},
            {{2, 3}, {2, 3}},
            {{2, 3}, {1}},
            {{2, 1, 3}, {4, 1}},
            {{2, 3}, {}}, // {} marks a scalar (Double or Var) operand
            {{}, {2, 3}},
        };
        String[] ops = {"add", "sub", "mul", "div", "pow"};
        Stream.Builder<Arguments> b = Stream.builder();
        for (String op : ops) {
            for (int[][] s : shapes) {
                b.add(Arguments.of(op, s[0], s[1]));
            }
        }
        return b.build();
    }

    static Object operand(int[] shape, double lo, double span) {
        return shape.length == 0 ? (Object) (lo + 0.37 * span) : tensor(lo, span, shape);
    }

    static BinaryOperator<Object> op(String name) {
        return switch (name) {
            case "add" -> AD::add;
            case "sub" -> AD::sub;
            case "mul" -> AD::mul;
            case "div" -> AD::div;
            case "pow" -> AD::pow;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0} of {1} and {2}")
    @MethodSource("broadcastCases")
    void broadcastingBinaryOps(String name, int[] sa, int[] sb) {
        BinaryOperator<Object> op = op(name);
        boolean positive = name.equals("pow") || name.equals("div");
        // pow needs a positive base; div a denominator away from zero
        Object a = operand(sa, positive ? 0.3 : -1.2, 2.0);
        Object b = operand(sb, positive ? 0.4 : -0.9, positive ? 1.8 : 2.5);
        for (boolean[] mask : new boolean[][] {TT, TF, FT}) {
            check(name, xs -> op.apply(xs[0], xs[1]), new Object[] {a, b}, mask);
        }
    }

    @Test
    void broadcastShapeErrorsNameBothShapes() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> AD.add(new Tape().leaf(tensor(0, 1, 2, 3)), tensor(0, 1, 2)));
        assertEquals("shapes [2, 3] and [2] do not broadcast", e.getMessage());
    }

    // ---------------------------------------------------------------- reductions and structure

    @Test
    void sum() {
        check("sum", xs -> AD.sum(xs[0]), tensor(-1, 2, 5));
        check("sum", xs -> AD.sum(xs[0]), tensor(-1, 2, 2, 3, 2));
        check("sum of a scalar", xs -> AD.sum(xs[0]), 1.7);
        // a sum feeding further tensor and scalar operations
        check("sum", xs -> AD.mul(AD.sum(AD.square(xs[0])), AD.sum(xs[0])), tensor(-1, 2, 2, 3));
    }

    @Test
    void matmulMatrixMatrix() {
        for (boolean[] mask : new boolean[][] {TT, TF, FT}) {
            check("matmul [2,3]@[3,4]", xs -> AD.matmul(xs[0], xs[1]),
                    new Object[] {tensor(-1, 2, 2, 3), tensor(-1.5, 3, 3, 4)}, mask);
            check("matmul [1,3]@[3,1]", xs -> AD.matmul(xs[0], xs[1]),
                    new Object[] {tensor(-1, 2, 1, 3), tensor(-1.5, 3, 3, 1)}, mask);
        }
    }

    @Test
    void matmulMatrixVector() {
        for (boolean[] mask : new boolean[][] {TT, TF, FT}) {
            check("matmul [2,3]@[3]", xs -> AD.matmul(xs[0], xs[1]),
                    new Object[] {tensor(-1, 2, 2, 3), tensor(-1.5, 3, 3)}, mask);
        }
    }

    @Test
    void matmulVectorMatrix() {
        for (boolean[] mask : new boolean[][] {TT, TF, FT}) {
            check("matmul [3]@[3,4]", xs -> AD.matmul(xs[0], xs[1]),
                    new Object[] {tensor(-1, 2, 3), tensor(-1.5, 3, 3, 4)}, mask);
        }
    }

    @Test
    void matmulVectorVector() {
        for (boolean[] mask : new boolean[][] {TT, TF, FT}) {
            check("matmul [3]@[3]", xs -> AD.matmul(xs[0], xs[1]),
                    new Object[] {tensor(-1, 2, 3), tensor(-1.5, 3, 3)}, mask);
        }
        assertInstanceOf(Double.class, AD.matmul(tensor(0, 1, 3), tensor(0, 1, 3)));
        assertInstanceOf(Var.class, AD.matmul(new Tape().leaf(tensor(0, 1, 3)), tensor(0, 1, 3)));
    }

    @Test
    void matmulLargeEnoughForNd4j() {
        // 70 * 70 * 70 multiply-adds is above Tensor.ND4J_MATMUL_THRESHOLD (64^3); 25 elements per input are checked
        Tensor a = tensor(-1, 2, 70, 70);
        Tensor b = tensor(-0.5, 1.5, 70, 70);
        check("matmul [70,70]@[70,70] (ND4J)", xs -> AD.matmul(xs[0], xs[1]), new Object[] {a, b}, TT,
                GradCheck.RTOL, 25);
    }

    @Test
    void largeMatmulValuesMatchANaiveProduct() {
        // [70,80] @ [80,60] (336000 multiply-adds) goes to ND4J; [3,5] @ [5,2] stays in Java
        for (int[] mkn : new int[][] {{70, 80, 60}, {3, 5, 2}}) {
            Tensor a = tensor(-1, 2, mkn[0], mkn[1]);
            Tensor b = tensor(-0.5, 1.5, mkn[1], mkn[2]);
            double[] c = ((Tensor) AD.matmul(a, b)).toArray();
            for (int i = 0; i < mkn[0]; i++) {
                for (int j = 0; j < mkn[2]; j++) {
                    double s = 0;
                    for (int p = 0; p < mkn[1]; p++) {
                        s += a.get(i * mkn[1] + p) * b.get(p * mkn[2] + j);
                    }
                    assertEquals(s, c[i * mkn[2] + j], 1e-12, "element " + i + "," + j);
                }
            }
        }
        check("matmul [70,80]@[80,60] (ND4J)", xs -> AD.matmul(xs[0], xs[1]),
                new Object[] {tensor(-1, 2, 70, 80), tensor(-0.5, 1.5, 80, 60)}, TT, GradCheck.RTOL, 25);
    }

    @Test
    void index() {
        check("index vector", xs -> AD.index(xs[0], 2), tensor(-1, 2, 5));
        check("index vector", xs -> AD.index(xs[0], 0), tensor(-1, 2, 5));
        check("index matrix row", xs -> AD.index(xs[0], 1), tensor(-1, 2, 3, 4));
        check("index rank-3", xs -> AD.index(xs[0], 1), tensor(-1, 2, 2, 3, 2));
        // two reads of the same tensor accumulate into it
        check("index twice", xs -> AD.mul(AD.index(xs[0], 1), AD.index(AD.index(xs[0], 1), 2)), tensor(-1, 2, 3, 4));
    }

    @Test
    void stack() {
        check("stack", xs -> AD.stack(new Object[] {xs[0], 2.5, xs[1], xs[0]}), new Object[] {1.3, -0.4}, TT);
        check("stack", xs -> AD.stack(new Object[] {xs[0], 2.5, xs[1]}), new Object[] {1.3, -0.4}, TF);
        check("stack of computed scalars",
                xs -> AD.stack(new Object[] {AD.exp(xs[0]), AD.mul(xs[0], xs[1]), AD.index(xs[2], 1)}),
                new Object[] {0.3, -1.7, tensor(-1, 2, 3)}, GradCheck.all(3));
    }

    @Test
    void aSmallNetwork() {
        // sum(softplus(W x + b)) * tanh(v . x): matmul, broadcasting add, unary on tensors, reductions
        GradCheck.F f = xs -> {
            Object h = AD.softplus(AD.add(AD.matmul(xs[0], xs[1]), xs[2]));
            Object g = AD.unary(AD.matmul(xs[3], xs[1]), Fns.TANH);
            return AD.mul(AD.sum(h), g);
        };
        check("network", f, tensor(-1, 2, 4, 3), tensor(-1, 2, 3), tensor(-0.5, 1, 4), tensor(-0.3, 0.6, 3));
    }

    // ---------------------------------------------------------------- magic box

    @Test
    void magicBoxHasValueOneAndDerivativeOne() {
        // d/dx box(f(x)) = f'(x) while the value is 1: compare with the difference quotient of f itself
        UnaryOperator<Object> f = x -> AD.mul(AD.unary(x, Fns.SIN), 3.0);
        for (double x : new double[] {-1.2, 0.4, 2.0}) {
            Tape tape = new Tape();
            Var v = tape.leaf(x);
            Object box = AD.magicBox(f.apply(v));
            assertEquals(1.0, AD.scalarValue(box), 0.0);
            tape.backward(box);
            double fd = ((Double) f.apply(x + GradCheck.H) - (Double) f.apply(x - GradCheck.H)) / (2 * GradCheck.H);
            assertEquals(fd, v.adjoint(), 1e-6 * Math.max(1, Math.abs(fd)));
        }
        assertEquals(1.0, AD.magicBox(-3.5));
    }

    @Test
    void magicBoxGivesTheScoreFunctionTerm() {
        // y = v(x) * box(l(x)): value v, gradient v' + v l'
        for (double x : new double[] {-0.7, 0.3, 1.9}) {
            Tape tape = new Tape();
            Var xv = tape.leaf(x);
            Object y = AD.mul(AD.square(xv), AD.magicBox(AD.mul(AD.neg(xv), 0.5)));
            assertEquals(x * x, AD.scalarValue(y), 0.0);
            tape.backward(y);
            assertEquals(2 * x + x * x * -0.5, xv.adjoint(), 1e-15);
        }
    }

    @Test
    void magicBoxOfATensorBoxesItsSum() {
        Tape tape = new Tape();
        TensorVar t = tape.leaf(tensor(-1, 2, 2, 3));
        Object box = AD.magicBox(AD.mul(t, 2.0));
        assertEquals(1.0, AD.scalarValue(box), 0.0);
        tape.backward(box);
        GradCheck.assertArrayEqualsRel(Tensor.full(new int[] {2, 3}, 2.0).toArray(), t.adjoint().toArray(), 0,
                "box adjoint");
    }

    // ---------------------------------------------------------------- tape behaviour

    @Test
    void backwardOfATensorSeedsOnes() {
        Tape tape = new Tape();
        TensorVar t = tape.leaf(tensor(-1, 2, 3));
        tape.backward(AD.mul(t, Tensor.vector(1, 2, 3)));
        GradCheck.assertArrayEqualsRel(new double[] {1, 2, 3}, t.adjoint().toArray(), 0, "adjoint");
    }

    @Test
    void backwardOfAConstantDoesNothing() {
        Tape tape = new Tape();
        Var v = tape.leaf(2.0);
        tape.backward(3.0);
        assertEquals(0.0, v.adjoint());
    }

    @Test
    void valuesFromTwoTapesCannotBeCombined() {
        Var a = new Tape().leaf(1.0);
        Var b = new Tape().leaf(2.0);
        assertThrows(IllegalStateException.class, () -> AD.add(a, b));
        assertThrows(IllegalArgumentException.class, () -> new Tape().backward(a));
    }

    @Test
    void constantsInConstantsOut() {
        assertInstanceOf(Double.class, AD.add(1.0, 2.0));
        assertInstanceOf(Double.class, AD.exp(1.0));
        assertInstanceOf(Tensor.class, AD.mul(tensor(0, 1, 2), 3.0));
        assertInstanceOf(Tensor.class, AD.unary(tensor(0, 1, 2), Fns.SIN));
        assertInstanceOf(Double.class, AD.sum(tensor(0, 1, 2)));
    }

    // ---------------------------------------------------------------- NaN propagation

    @Test
    void nanPropagatesThroughUnaryFunctions() {
        for (AD.Fn1 fn : new AD.Fn1[] {Fns.NEG, Fns.EXP, Fns.LOG, Fns.SQRT, Fns.ABS, Fns.SIN, Fns.TANH,
                Fns.SIGMOID, Fns.SOFTPLUS, Fns.LGAMMA}) {
            assertTrue(Double.isNaN(fn.f(Double.NaN)));
        }
    }

    @Test
    void nanPropagatesThroughRelu() {
        assertTrue(Double.isNaN(Fns.RELU.f(Double.NaN)), "relu(NaN) = " + Fns.RELU.f(Double.NaN));
    }

    @Test
    void nanAndInfinityPropagateThroughASmallMatmul() {
        // IEEE: 0 * inf = NaN, and NaN + anything = NaN
        Object r = AD.matmul(Tensor.vector(0, 1), new Tensor(new int[] {2, 1}, new double[] {Double.POSITIVE_INFINITY, 2}));
        assertTrue(Double.isNaN(((Tensor) r).get(0)), "[0, 1] @ [inf, 2] = " + ((Tensor) r).get(0));
    }
}
