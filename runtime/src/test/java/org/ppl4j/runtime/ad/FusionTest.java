package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ppl4j.kernels.FloatKernels;

/**
 * Fused runs of elementwise operations ({@link Fusion}) and the fused normal density against the unfused tape:
 * every input's gradient equal to float32 tolerance for large tensors (ppl4j's kernels: |fused - unfused| <= 1e-5
 * (1 + |unfused|), float32 products of two or three factors) and to 1e-12 relative for small ones (float64 Java
 * arrays, the same products in another order); NaN where the unfused path gives NaN; the small runs' gradients
 * also against central differences (h = 1e-6, tolerance 1e-6 (1 + |d|)). Shapes: odd lengths on both sides of the
 * large-tensor threshold (10,000 elements), a bias row added on either side.
 */
class FusionTest {
    @org.junit.jupiter.api.BeforeEach
    void everyRunCounts() {
        Fusion.minimumElements(1);
    }

    @AfterEach
    void fusionBackOn() {
        Fusion.enable(true);
        Fusion.minimumElements(Fusion.MINIMUM_ELEMENTS);
    }

    static Tensor random(Random r, double scale, int... shape) {
        double[] d = new double[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * r.nextDouble() - 1);
        }
        return new Tensor(shape, d);
    }

    /** Inputs with NaN, the infinities and +-1000 at every 7th element. */
    static Tensor withSpecials(Random r, int... shape) {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1000, -1000};
        double[] d = random(r, 3, shape).d().clone();
        for (int i = 3; i < d.length; i += 7) {
            d[i] = specials[(i / 7) % specials.length];
        }
        return new Tensor(shape, d);
    }

    /** The gradients of sum(w * f(inputs)) (w fixed weights), and the last node f made. */
    record Result(Tensor[] gradients, TensorVar last) {
    }

    static Result gradients(Function<Object[], Object> f, Tensor... inputs) {
        Tape tape = new Tape();
        Object[] leaves = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = tape.leaf(inputs[i]);
        }
        Object y = f.apply(leaves);
        Tensor w = random(new Random(5), 1, AD.tensorValue(y).shape());
        tape.backward(AD.sum(AD.mul(y, w)));
        Tensor[] g = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            g[i] = ((TensorVar) leaves[i]).adjoint();
        }
        return new Result(g, y instanceof TensorVar t ? t : null);
    }

    static void agree(String what, Tensor unfused, Tensor fused, boolean large) {
        assertEquals(java.util.Arrays.toString(unfused.shape()), java.util.Arrays.toString(fused.shape()), what);
        double[] u = unfused.d();
        double[] f = fused.d();
        for (int i = 0; i < u.length; i++) {
            if (Double.isNaN(u[i])) {
                assertTrue(Double.isNaN(f[i]), what + " at " + i + ": NaN expected, got " + f[i]);
            } else if (Double.isInfinite(u[i])) {
                assertEquals(u[i], f[i], what + " at " + i);
            } else {
                double tol = large ? 1e-5 * (1 + Math.abs(u[i])) : 1e-12 * (1 + Math.abs(u[i]));
                assertEquals(u[i], f[i], tol, what + " at " + i);
            }
        }
    }

    /** Fused against unfused for one program; returns the fused run's last node (for checks on the plan). */
    static TensorVar check(String what, Function<Object[], Object> f, Tensor... inputs) {
        Fusion.enable(false);
        Result unfused = gradients(f, inputs);
        Fusion.enable(true);
        Result fused = gradients(f, inputs);
        // float32 tolerance wherever a large tensor took part (a small input's gradient through a large product too)
        boolean large = fused.last().value.isLarge();
        for (Tensor t : inputs) {
            large |= t.isLarge();
        }
        for (int i = 0; i < inputs.length; i++) {
            agree(what + ", input " + i, unfused.gradients()[i], fused.gradients()[i], large);
        }
        return fused.last();
    }

    static final Function<Object[], Object> DENSE_SOFTPLUS =
            p -> AD.softplus(AD.add(AD.matmul(p[0], p[1]), p[2]));

    @Test
    void aBiasAndSoftplusRunIsOnePassBackAndAgreesWithTheUnfusedTape() {
        assertNotNull(FloatKernels.live(), "surefire's JVM runs the Vector API kernels");
        for (int[] s : new int[][] {{1, 3, 1}, {7, 5, 17}, {128, 20, 400}, {11, 9, 1003}}) {
            Random r = new Random(s[2]);
            Tensor x = random(r, 1, s[0], s[1]);
            Tensor w = random(r, 1, s[1], s[2]);
            Tensor b = random(r, 1, s[2]);
            TensorVar last = check("softplus(x @ w + b) " + java.util.Arrays.toString(s), DENSE_SOFTPLUS, x, w, b);
            assertNotNull(last.fusedBackward, "the run add -> softplus was fused");
        }
    }

    @Test
    void runsOfFunctionsAndBiasesOnEitherSide() {
        for (int[] shape : new int[][] {{1}, {17}, {3, 7}, {10003}, {9, 1117}}) {
            Random r = new Random(shape.length * 31 + shape[0]);
            Tensor a = random(r, 2, shape);
            Tensor row = random(r, 2, shape[shape.length - 1]);
            String at = java.util.Arrays.toString(shape);
            assertNotNull(check("tanh(sigmoid(softplus(a))) " + at,
                    p -> AD.unary(AD.unary(AD.softplus(p[0]), Fns.SIGMOID), Fns.TANH), a).fusedBackward);
            assertNotNull(check("exp(row + a) " + at, p -> AD.exp(AD.add(p[1], p[0])), a, row).fusedBackward);
            assertNotNull(check("sqrt(exp(a + a)) " + at,
                    p -> AD.unary(AD.exp(AD.add(p[0], p[0])), Fns.SQRT), a).fusedBackward);
        }
    }

    @Test
    void aValueReadTwiceEndsTheRun() {
        Random r = new Random(3);
        Tensor a = random(r, 1, 40, 300);
        TensorVar last = check("exp(softplus(a)) + softplus(a)", p -> {
            Object s = AD.softplus(p[0]);
            return AD.add(AD.exp(s), s);
        }, a);
        assertNull(last.fusedBackward, "an add is never a run's last node");
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(a);
        Object s = AD.softplus(leaf);
        Object e = AD.exp(s);
        tape.backward(AD.sum(AD.add(e, s)));
        assertNull(((TensorVar) e).fusedBackward, "softplus(a) has two readers: exp is not fused with it");
    }

    @Test
    void nanInfinityAndTailsPropagateAsUnfused() {
        for (int[] shape : new int[][] {{5, 7}, {101, 103}}) {
            Random r = new Random(shape[0]);
            Tensor a = withSpecials(r, shape);
            Tensor row = random(r, 1, shape[1]);
            check("softplus(a + row), specials", p -> AD.softplus(AD.add(p[0], p[1])), a, row);
            check("sigmoid(tanh(a)), specials", p -> AD.unary(AD.unary(p[0], Fns.TANH), Fns.SIGMOID), a);
            check("exp(softplus(a)), specials", p -> AD.exp(AD.softplus(p[0])), a);
        }
    }

    @Test
    void smallRunsMatchFiniteDifferences() {
        Random r = new Random(11);
        Tensor x = random(r, 1, 4, 3);
        Tensor w = random(r, 1, 3, 5);
        Tensor b = random(r, 1, 5);
        Tensor[] inputs = {x, w, b};
        Result fused = gradients(DENSE_SOFTPLUS, inputs);
        assertNotNull(fused.last().fusedBackward);
        Tensor weights = random(new Random(5), 1, 4, 5);
        for (int k = 0; k < inputs.length; k++) {
            double[] base = inputs[k].d();
            for (int i = 0; i < base.length; i++) {
                double h = 1e-6;
                double[] up = base.clone();
                double[] down = base.clone();
                up[i] += h;
                down[i] -= h;
                Tensor[] plus = inputs.clone();
                Tensor[] minus = inputs.clone();
                plus[k] = new Tensor(inputs[k].shape(), up);
                minus[k] = new Tensor(inputs[k].shape(), down);
                double fd = (AD.scalarValue(AD.sum(AD.mul(DENSE_SOFTPLUS.apply(plus), weights)))
                        - AD.scalarValue(AD.sum(AD.mul(DENSE_SOFTPLUS.apply(minus), weights)))) / (2 * h);
                double got = fused.gradients()[k].d()[i];
                assertEquals(fd, got, 1e-6 * (1 + Math.abs(fd)), "input " + k + " element " + i);
            }
        }
    }

    /** The composition the fused normal density replaces. */
    static Object quadratic(Object x, Object mu, Object sigma) {
        return AD.sum(AD.mul(-0.5, AD.square(AD.div(AD.sub(x, mu), sigma))));
    }

    @Test
    void theNormalDensityNodeAgreesWithItsElementaryOperations() {
        for (int[] shape : new int[][] {{1}, {128, 20}, {7, 1431}}) {
            Random r = new Random(shape[0]);
            Tensor x = random(r, 2, shape);
            Tensor mu = random(r, 1, shape);
            double[] sd = random(r, 0.4, shape).d().clone();
            for (int i = 0; i < sd.length; i++) {
                sd[i] += 0.6;
            }
            Tensor sigma = new Tensor(shape, sd);
            boolean large = x.isLarge();
            for (int variant = 0; variant < 3; variant++) {
                int v = variant;
                Function<Object[], Object> scalarSigma = p -> v == 0 ? p[2] : v == 1 ? (Object) 1.5 : p[2];
                Function<Object[], Object> fused = p -> AD.normalQuadraticSum(p[0], v == 2 ? (Object) 0.25 : p[1],
                        scalarSigma.apply(p));
                Function<Object[], Object> plain = p -> quadratic(p[0], v == 2 ? (Object) 0.25 : p[1],
                        scalarSigma.apply(p));
                if (large && v > 0) {
                    assertNull(fused.apply(new Object[] {x, mu, sigma}), "large with a scalar: composed instead");
                    continue;
                }
                Result a = scalarGradients(fused, x, mu, sigma);
                Result b = scalarGradients(plain, x, mu, sigma);
                String what = "normal quadratic " + java.util.Arrays.toString(shape) + " variant " + v;
                for (int i = 0; i < 3; i++) {
                    agree(what + " input " + i, b.gradients()[i], a.gradients()[i], large);
                }
                double va = AD.scalarValue(fused.apply(new Object[] {x, mu, sigma}));
                double vb = AD.scalarValue(plain.apply(new Object[] {x, mu, sigma}));
                assertEquals(vb, va, (large ? 1e-6 : 1e-12) * Math.abs(vb), what + " value");
            }
        }
    }

    static Result scalarGradients(Function<Object[], Object> f, Tensor... inputs) {
        Tape tape = new Tape();
        Object[] leaves = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = tape.leaf(inputs[i]);
        }
        tape.backward(AD.mul(f.apply(leaves), 1.7));
        Tensor[] g = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            g[i] = ((TensorVar) leaves[i]).adjoint();
        }
        return new Result(g, null);
    }

    @Test
    void aTapeOfSmallTensorsSkipsThePass() {
        Fusion.minimumElements(Fusion.MINIMUM_ELEMENTS);
        Random r = new Random(3);
        Tensor small = random(r, 1, 2);
        assertNull(check("exp(softplus(a)) [2]", p -> AD.exp(AD.softplus(p[0])), small).fusedBackward,
                "a tape whose functions all make fewer than MINIMUM_ELEMENTS elements is not planned");
        Tensor big = random(r, 1, 8, 8);
        assertNotNull(check("exp(softplus(a)) [8, 8]", p -> AD.exp(AD.softplus(p[0])), big).fusedBackward,
                "64 elements make the tape run the pass");
    }
}
