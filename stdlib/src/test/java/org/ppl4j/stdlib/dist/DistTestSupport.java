package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.function.Executable;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;

/** Checks shared by the distribution tests. */
final class DistTestSupport {
    private DistTestSupport() {
    }

    /** Relative tolerance for log densities against closed forms. */
    static final double DENSITY_RTOL = 1e-12;
    /** Central finite-difference step and relative tolerance (plus 1e-9 absolute, for exact zero gradients). */
    static final double H = 1e-6;
    static final double GRAD_RTOL = 1e-5;
    static final double GRAD_ATOL = 1e-9;
    /** Sample size of every moment test. */
    static final int N = 20000;

    /** actual equals expected to a relative 1e-12 (infinities must match exactly). */
    static void assertLogDensity(double expected, Object actual) {
        assertTrue(actual instanceof Double || actual instanceof Var, () -> "not a scalar: " + actual);
        double a = AD.scalarValue(actual);
        if (Double.isInfinite(expected) || Double.isNaN(expected)) {
            assertEquals(expected, a);
        } else {
            assertEquals(expected, a, DENSITY_RTOL * Math.abs(expected), () -> "log density " + a + " vs " + expected);
        }
    }

    static void assertOutsideSupport(Distribution d, Object x) {
        Object lp = d.logDensity(x);
        assertEquals(Double.class, lp.getClass(), "outside the support the result is a plain Double");
        assertEquals(Double.NEGATIVE_INFINITY, (double) (Double) lp, () -> d + " at " + x);
    }

    private static void assertGradientEntry(double fd, double ad, String what) {
        assertEquals(fd, ad, GRAD_RTOL * Math.abs(fd) + GRAD_ATOL, () -> what + ": AD " + ad + " vs finite difference " + fd);
    }

    /**
     * d f / d at[i] from the tape (every argument a leaf Var) against the central difference
     * (f(at + h e_i) - f(at - h e_i)) / 2h with h = 1e-6, for every i.
     */
    static void assertGradient(Function<Object[], Object> f, double... at) {
        Tape tape = new Tape();
        Var[] leaves = new Var[at.length];
        for (int i = 0; i < at.length; i++) {
            leaves[i] = tape.leaf(at[i]);
        }
        Object out = f.apply(leaves);
        assertEquals(AD.scalarValue(f.apply(boxed(at))), AD.scalarValue(out), 0.0, "tracked and constant values agree");
        tape.backward(out);
        for (int i = 0; i < at.length; i++) {
            double[] up = at.clone();
            double[] down = at.clone();
            up[i] += H;
            down[i] -= H;
            double fd = (AD.scalarValue(f.apply(boxed(up))) - AD.scalarValue(f.apply(boxed(down)))) / (2 * H);
            assertGradientEntry(fd, leaves[i].adjoint(), "argument " + i);
        }
    }

    /** The same check for a function of one vector (a TensorVar leaf), element by element. */
    static void assertVectorGradient(Function<Object, Object> f, double[] at) {
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(Tensor.vector(at));
        Object out = f.apply(leaf);
        tape.backward(out);
        Tensor adjoint = leaf.adjoint();
        for (int i = 0; i < at.length; i++) {
            double[] up = at.clone();
            double[] down = at.clone();
            up[i] += H;
            down[i] -= H;
            double fd = (AD.scalarValue(f.apply(Tensor.vector(up))) - AD.scalarValue(f.apply(Tensor.vector(down))))
                    / (2 * H);
            assertGradientEntry(fd, adjoint.get(i), "element " + i);
        }
    }

    static Object[] boxed(double[] at) {
        Object[] r = new Object[at.length];
        for (int i = 0; i < at.length; i++) {
            r[i] = at[i];
        }
        return r;
    }

    /**
     * Draws N = 20000 samples from a scalar distribution with the given seed and checks them against the true
     * moments (computed by the caller from the parameters, independently of the distribution's code):
     * <ul>
     * <li>every sample is in the support;
     * <li>|sample mean - mean| <= 5 sqrt(variance / N), five standard errors of the mean;
     * <li>|sample variance - variance| <= 5 sqrt((mu4 - variance^2) / N), five times the asymptotic standard
     * deviation of the sample variance (its variance is (mu4 - sigma^4) / N + O(1/N^2), mu4 the fourth
     * central moment).
     * </ul>
     * Also checks that mean() and variance() report the true values.
     */
    static void assertMoments(Distribution d, long seed, double mean, double variance, double mu4) {
        assertEquals(mean, d.mean(), 1e-12 * Math.max(1, Math.abs(mean)), "mean()");
        assertEquals(variance, d.variance(), 1e-12 * Math.max(1, variance), "variance()");
        Rng rng = new Rng(seed);
        double[] xs = new double[N];
        double sum = 0;
        for (int i = 0; i < N; i++) {
            Object s = d.sample(rng);
            assertEquals(Double.class, s.getClass());
            xs[i] = (Double) s;
            assertTrue(d.support().contains(xs[i]), () -> "sample outside the support: " + s);
            sum += xs[i];
        }
        double m = sum / N;
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        double s2 = ss / (N - 1);
        double meanBound = 5 * Math.sqrt(variance / N);
        double varBound = 5 * Math.sqrt((mu4 - variance * variance) / N);
        assertEquals(mean, m, meanBound, () -> d + ": sample mean " + m + ", bound " + meanBound);
        assertEquals(variance, s2, varBound, () -> d + ": sample variance " + s2 + ", bound " + varBound);
    }

    /**
     * A tensor-parameter distribution (parameter k has the elements params[k], or is the scalar params[k][0] if
     * it has one element, broadcast) at the tensor xs: its log density is the sum of the scalar ones, and its
     * gradient with respect to each tensor parameter (a TensorVar leaf) is, element by element, that of the
     * scalar log density. Its samples are tensors of the broadcast shape.
     */
    static void assertTensorMatchesScalars(Function<Object[], Distribution> factory, double[][] params, double[] xs,
            boolean paramsDifferentiable) {
        int n = xs.length;
        Object[] constant = new Object[params.length];
        for (int k = 0; k < params.length; k++) {
            constant[k] = params[k].length == 1 ? (Object) params[k][0] : Tensor.vector(params[k]);
        }
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected += AD.scalarValue(factory.apply(scalarParams(params, i)).logDensity(xs[i]));
        }
        Distribution tensorDist = factory.apply(constant);
        assertEquals(expected, AD.scalarValue(tensorDist.logDensity(Tensor.vector(xs))), 1e-12 * Math.abs(expected));

        Object sample = tensorDist.sample(new Rng(5));
        assertTrue(sample instanceof Tensor, "a tensor-parameter distribution samples tensors");
        assertArrayEquals(new int[] {n}, ((Tensor) sample).shape());
        for (double v : ((Tensor) sample).toArray()) {
            assertTrue(tensorDist.support().contains(v), "sample element in the support");
        }
        if (!paramsDifferentiable) {
            return;
        }
        Tape tape = new Tape();
        Object[] tracked = new Object[params.length];
        for (int k = 0; k < params.length; k++) {
            tracked[k] = params[k].length == 1 ? tape.leaf(params[k][0]) : tape.leaf(Tensor.vector(params[k]));
        }
        tape.backward(factory.apply(tracked).logDensity(Tensor.vector(xs)));
        for (int k = 0; k < params.length; k++) {
            double[] scalarGrads = new double[n];
            for (int i = 0; i < n; i++) {
                Tape t = new Tape();
                Object[] p = scalarParams(params, i);
                Var leaf = t.leaf(AD.scalarValue(p[k]));
                p[k] = leaf;
                t.backward(factory.apply(p).logDensity(xs[i]));
                scalarGrads[i] = leaf.adjoint();
            }
            if (tracked[k] instanceof TensorVar tv) {
                assertArrayEquals(scalarGrads, tv.adjoint().toArray(), 1e-12 * (1 + maxAbs(scalarGrads)));
            } else {
                // a scalar parameter broadcast over the elements collects the sum of their gradients
                double total = 0;
                for (double g : scalarGrads) {
                    total += g;
                }
                assertEquals(total, ((Var) tracked[k]).adjoint(), 1e-12 * (1 + Math.abs(total)));
            }
        }
    }

    private static Object[] scalarParams(double[][] params, int i) {
        Object[] p = new Object[params.length];
        for (int k = 0; k < params.length; k++) {
            p[k] = params[k].length == 1 ? params[k][0] : params[k][i];
        }
        return p;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** The construction fails with a DistributionArgumentException whose message names dist and arg. */
    static DistributionArgumentException assertRejects(String dist, String arg, Executable construct) {
        DistributionArgumentException e = assertThrows(DistributionArgumentException.class, construct);
        assertEquals(dist, e.distribution());
        assertEquals(arg, e.argument());
        assertTrue(e.getMessage().startsWith(dist + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + arg + "'"), e.getMessage());
        return e;
    }

    /**
     * For the reparameterised samplers: the gradient of reparamSample(new Rng(seed)) with respect to each
     * parameter equals the central difference of reparamSample with the same seed, and its primal value
     * equals sample(new Rng(seed)).
     */
    static void assertReparamGradient(Function<Object[], Distribution> factory, long seed, double... params) {
        assertEquals(AD.scalarValue(factory.apply(boxed(params)).sample(new Rng(seed))),
                AD.scalarValue(factory.apply(boxed(params)).reparamSample(new Rng(seed))), 0.0,
                "reparamSample and sample agree on a seed");
        assertGradient(p -> factory.apply(p).reparamSample(new Rng(seed)), params);
    }
}
