package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks reverse-mode gradients against central differences.
 *
 * <p>For {@code out = f(inputs)} the checked scalar is {@code L = sum(w * out)} with fixed, non-zero, mixed-sign
 * weights {@code w}, so every output element's adjoint differs (a backward rule that ignored its incoming
 * adjoint, or mixed up element order, would fail). Each tracked input element's AD gradient is compared with the
 * central difference {@code sum_i w_i (out_i(x + h) - out_i(x - h)) / 2h}, {@code h = 1e-6}, evaluated on
 * constants (the untracked code path). Differencing each output element before summing keeps the rounding
 * noise of large, unaffected outputs out of the quotient.
 *
 * <p>Tolerance: {@code |ad - fd| <= rtol |fd| + atol}, {@code rtol = 1e-6}, with
 * {@code atol = 1e-8 (1 + sum_i |w_i| max(1, |out_i|))}, the sum over the output elements the perturbation
 * changed. That is the rounding noise of the quotient if each output carries up to about 45 ulps of error
 * ({@code 45 * 2^-52 / h = 1e-8}); where a gradient is small through cancellation (a matmul's sum of products)
 * the absolute term dominates, as it must. The truncation error {@code h^2 |f'''| / 6} is below 1e-9 at every
 * point used here.
 */
final class GradCheck {
    static final double H = 1e-6;
    static final double RTOL = 1e-6;
    static final double ULP_NOISE = 1e-8;

    @FunctionalInterface
    interface F {
        Object apply(Object[] xs);
    }

    private GradCheck() {
    }

    static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    static void check(String label, F f, Object... inputs) {
        check(label, f, inputs, all(inputs.length), RTOL, Integer.MAX_VALUE);
    }

    static void check(String label, F f, Object[] inputs, boolean[] tracked) {
        check(label, f, inputs, tracked, RTOL, Integer.MAX_VALUE);
    }

    /** As above; only about {@code maxElements} evenly spread elements of each input are differenced. */
    static void check(String label, F f, Object[] inputs, boolean[] tracked, double rtol, int maxElements) {
        Object primal = AD.value(f.apply(inputs.clone()));
        double[] out0 = elements(primal);
        double[] w = weights(out0.length);
        double base = loss(out0, w);

        Tape tape = new Tape();
        Object[] args = inputs.clone();
        for (int i = 0; i < args.length; i++) {
            if (tracked[i]) {
                args[i] = inputs[i] instanceof Tensor t ? tape.leaf(t) : tape.leaf((Double) inputs[i]);
            }
        }
        Object out = f.apply(args);
        assertTrue(AD.isTracked(out), label + ": the output of tracked inputs is not tracked: " + out);
        Object outValue = AD.value(out);
        assertEquals(primal.getClass(), outValue.getClass(), label + ": tracked and constant outputs differ in kind");
        if (primal instanceof Tensor p) {
            assertEquals(Arrays.toString(p.shape()), Arrays.toString(((Tensor) outValue).shape()), label + ": shape");
        }
        assertArrayEqualsRel(out0, elements(outValue), 1e-14, label + ": tracked value");

        Object l = AD.sum(AD.mul(out, weightsLike(primal, w)));
        assertEquals(base, AD.scalarValue(l), 1e-12 * Math.max(1, Math.abs(base)), label + ": loss");
        tape.backward(l);

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (!tracked[i]) {
                continue;
            }
            double[] ad = args[i] instanceof Var v ? new double[] {v.adjoint()} : ((TensorVar) args[i]).adjoint().toArray();
            double[] x = elements(inputs[i]);
            assertEquals(x.length, ad.length, label + ": gradient size of input " + i);
            int stride = Math.max(1, x.length / maxElements);
            for (int j = 0; j < x.length; j += stride) {
                double[] op = elements(AD.value(f.apply(perturbed(inputs, i, j, H))));
                double[] om = elements(AD.value(f.apply(perturbed(inputs, i, j, -H))));
                double diff = 0;
                double atol = ULP_NOISE; // floor: outputs that change by less than an ulp show no difference at all
                for (int k = 0; k < out0.length; k++) {
                    if (op[k] != om[k]) {
                        diff += w[k] * (op[k] - om[k]);
                        atol += ULP_NOISE * Math.abs(w[k]) * Math.max(1, Math.abs(out0[k]));
                    }
                }
                double fd = diff / (2 * H);
                double tol = rtol * Math.abs(fd) + atol;
                if (!(Math.abs(ad[j] - fd) <= tol)) {
                    failures.add("input " + i + " element " + j + ": ad " + ad[j] + " vs fd " + fd
                            + " (|diff| " + Math.abs(ad[j] - fd) + " > " + tol + ")");
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(label + " at " + describe(inputs) + ":\n  " + String.join("\n  ", failures));
        }
    }

    static Object[] perturbed(Object[] inputs, int i, int j, double h) {
        Object[] r = inputs.clone();
        if (inputs[i] instanceof Tensor t) {
            double[] d = t.toArray();
            d[j] += h;
            r[i] = new Tensor(t.shape(), d);
        } else {
            r[i] = (Double) inputs[i] + h;
        }
        return r;
    }

    static double[] elements(Object v) {
        return v instanceof Tensor t ? t.toArray() : new double[] {(Double) v};
    }

    /** Weights in +-[0.55, 1.9], never zero, alternating sign, no two neighbours equal. */
    static double[] weights(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = (i % 2 == 0 ? 1 : -1) * (0.55 + 0.225 * ((i * 5 + 3) % 7));
        }
        return w;
    }

    static Object weightsLike(Object primal, double[] w) {
        return primal instanceof Tensor t ? new Tensor(t.shape(), w) : (Object) w[0];
    }

    static double loss(double[] v, double[] w) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * w[i];
        }
        return s;
    }

    static void assertArrayEqualsRel(double[] expected, double[] actual, double rtol, String label) {
        assertEquals(expected.length, actual.length, label);
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i]) && Double.isNaN(actual[i])) {
                continue;
            }
            assertEquals(expected[i], actual[i], rtol * Math.max(1, Math.abs(expected[i])), label + " element " + i);
        }
    }

    /** A tensor of the given shape with deterministic, distinct values in [lo, lo + span). */
    static Tensor tensor(double lo, double span, int... shape) {
        int n = Tensor.numel(shape);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = lo + span * (((i * 37 + 11) % 101) + 0.5) / 101.0;
        }
        return new Tensor(shape, d);
    }

    static String describe(Object[] inputs) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < inputs.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(inputs[i] instanceof Tensor t ? "tensor" + Arrays.toString(t.shape()) : inputs[i]);
        }
        return sb.append(")").toString();
    }
}
