package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.function.Executable;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.Distribution.WeakDerivative;
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
    /** The two test functions of the measure-valued derivative checks: f1(x) = x^2 and f2(x) = exp(-x). */
    static final DoubleUnaryOperator SQUARE = x -> x * x;
    static final DoubleUnaryOperator EXP_NEG = x -> Math.exp(-x);

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
        assertTensorGradient(f, Tensor.vector(at), i -> true);
    }

    /**
     * The same check for a function of one tensor of any shape (a TensorVar leaf), for the elements (row-major
     * flat indices) that {@code perturbed} selects, e.g. the lower triangle of a Cholesky factor.
     */
    static void assertTensorGradient(Function<Object, Object> f, Tensor at, IntPredicate perturbed) {
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(at);
        Object out = f.apply(leaf);
        assertEquals(AD.scalarValue(f.apply(at)), AD.scalarValue(out), 0.0, "tracked and constant values agree");
        tape.backward(out);
        Tensor adjoint = leaf.adjoint();
        double[] data = at.toArray();
        for (int i = 0; i < data.length; i++) {
            if (!perturbed.test(i)) {
                continue;
            }
            double[] up = data.clone();
            double[] down = data.clone();
            up[i] += H;
            down[i] -= H;
            double fd = (AD.scalarValue(f.apply(new Tensor(at.shape(), up)))
                    - AD.scalarValue(f.apply(new Tensor(at.shape(), down)))) / (2 * H);
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
        assertSampleMoments(d.toString(), draw(d, seed), mean, variance, mu4);
    }

    /** N = 20000 scalar draws from d with the given seed, each checked to be a Double in the support. */
    static double[] draw(Distribution d, long seed) {
        Rng rng = new Rng(seed);
        double[] xs = new double[N];
        for (int i = 0; i < N; i++) {
            Object s = d.sample(rng);
            assertEquals(Double.class, s.getClass());
            xs[i] = (Double) s;
            assertTrue(d.support().contains(xs[i]), () -> "sample outside the support: " + s);
        }
        return xs;
    }

    /**
     * N = 20000 vector draws from d with the given seed, each a tensor of shape [dim] whose elements are in the
     * support: row i is draw i.
     */
    static double[][] drawVectors(Distribution d, long seed, int dim) {
        Rng rng = new Rng(seed);
        double[][] xs = new double[N][];
        for (int i = 0; i < N; i++) {
            Object s = d.sample(rng);
            assertTrue(s instanceof Tensor, () -> "not a tensor: " + s);
            assertArrayEquals(new int[] {dim}, ((Tensor) s).shape());
            xs[i] = ((Tensor) s).toArray();
            for (double v : xs[i]) {
                assertTrue(d.support().contains(v), () -> "sample element outside the support: " + v);
            }
        }
        return xs;
    }

    /** Column k of draws. */
    static double[] column(double[][] xs, int k) {
        double[] c = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            c[i] = xs[i][k];
        }
        return c;
    }

    /**
     * The sample moments of xs against the true ones, with the bounds of {@link #assertMoments}: the mean within
     * 5 sqrt(variance / n), the sample variance within 5 sqrt((mu4 - variance^2) / n).
     */
    static void assertSampleMoments(String what, double[] xs, double mean, double variance, double mu4) {
        int n = xs.length;
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        double m = sum / n;
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        double s2 = ss / (n - 1);
        double meanBound = 5 * Math.sqrt(variance / n);
        double varBound = 5 * Math.sqrt((mu4 - variance * variance) / n);
        assertEquals(mean, m, meanBound, () -> what + ": sample mean " + m + ", bound " + meanBound);
        assertEquals(variance, s2, varBound, () -> what + ": sample variance " + s2 + ", bound " + varBound);
    }

    /**
     * For distributions without a finite variance: the fraction of xs at or below t equals the true probability
     * P(X <= t) within 5 sqrt(prob (1 - prob) / n), five standard errors of a binomial proportion.
     */
    static void assertFractionBelow(double[] xs, double t, double prob) {
        int below = 0;
        for (double x : xs) {
            if (x <= t) {
                below++;
            }
        }
        double fraction = (double) below / xs.length;
        double bound = 5 * Math.sqrt(prob * (1 - prob) / xs.length);
        assertEquals(prob, fraction, bound, () -> "fraction at or below " + t + ": " + fraction + ", bound " + bound);
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
     * The analytic gradient of E[f(X)] for a distribution on {0, 1, 2, ...}: sum over k of f(k) dP(k)/d input
     * ({@code dPmf} gives the vector of derivatives). Summed up to {@code last} when given (a finite support),
     * else until k exceeds {@code mean} and P(k) (1 + k)^3 < 1e-18: beyond that the terms fall at least
     * geometrically and f grows at most quadratically, so the neglected tail is below 1e-15.
     */
    static double[] exactGradient(IntToDoubleFunction pmf, IntFunction<double[]> dPmf, DoubleUnaryOperator f,
            double mean, int last) {
        double[] g = null;
        for (int k = 0;; k++) {
            boolean done = last >= 0 ? k > last : k > mean && pmf.applyAsDouble(k) * Math.pow(1 + k, 3) < 1e-18;
            if (done) {
                return g;
            }
            double[] d = dPmf.apply(k);
            if (g == null) {
                g = new double[d.length];
            }
            for (int j = 0; j < d.length; j++) {
                g[j] += f.applyAsDouble(k) * d[j];
            }
        }
    }

    /**
     * The measure-valued derivative check. For N = 20000 draws (main stream new Rng(seed), weak-derivative
     * randomness new Rng(seed + 1)), each on its own tape: the distribution is built by {@code factory} from the
     * input ({@code at}, a Double or a vector Tensor, as a leaf), x is a sample, and the surrogate
     * sum over terms of c (f(x+) - f(x-)) theta (the bracket a constant) is differentiated with respect to the
     * input. The mean of those gradients must equal {@code expected}, the analytic gradient of E[f(X)], within 5
     * standard errors of the mean (from the sample standard deviation; plus 1e-12, for an estimator whose every
     * draw is exact).
     */
    static void assertWeakDerivative(Function<Object, Distribution> factory, Object at, DoubleUnaryOperator f,
            double[] expected, long seed) {
        Rng rng = new Rng(seed);
        Rng aux = new Rng(seed + 1);
        int m = expected.length;
        double[] sum = new double[m];
        double[] sumSq = new double[m];
        for (int i = 0; i < N; i++) {
            Tape tape = new Tape();
            Object leaf = at instanceof Tensor t ? tape.leaf(t) : tape.leaf((Double) at);
            Distribution d = factory.apply(leaf);
            Object x = d.sample(rng);
            Object surrogate = 0.0;
            for (WeakDerivative term : d.weakDerivatives(x, aux)) {
                double fMinus = term.negative() == null ? 0 : f.applyAsDouble(AD.scalarValue(term.negative()));
                double weight = term.constant() * (f.applyAsDouble(AD.scalarValue(term.positive())) - fMinus);
                surrogate = AD.add(surrogate, AD.mul(weight, term.parameter()));
            }
            tape.backward(surrogate);
            double[] g = leaf instanceof TensorVar tv ? tv.adjoint().toArray() : new double[] {((Var) leaf).adjoint()};
            assertEquals(m, g.length, "gradient size");
            for (int j = 0; j < m; j++) {
                sum[j] += g[j];
                sumSq[j] += g[j] * g[j];
            }
        }
        for (int j = 0; j < m; j++) {
            double mean = sum[j] / N;
            double sd = Math.sqrt(Math.max(0, (sumSq[j] - N * mean * mean) / (N - 1)));
            double bound = 5 * sd / Math.sqrt(N) + 1e-12;
            int k = j;
            assertEquals(expected[j], mean, bound,
                    () -> "gradient element " + k + ": Monte Carlo " + mean + " vs exact " + expected[k] + ", bound "
                            + bound);
        }
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
