package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.estimate.StrategyOverrides;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.value.Address;

/**
 * What the estimator proof suite shares: running one gradient estimate exactly as the runtime does (an
 * {@link ObjectiveEstimator} over a Java {@link ObjectiveEstimator.Program}), sample statistics with the
 * z-score checks, finite differences of exact expectations, and tanh-sinh quadrature for the expectations with
 * no closed form.
 *
 * <p>Sample sizes: {@link #n} multiplies by 10 when the system property {@code ppl.slow} is {@code true}
 * (set by {@code mvn -Pslow}).
 */
final class Harness {
    private Harness() {
    }

    /** Whether the slow profile is on: every N is multiplied by 10. */
    static final boolean SLOW = Boolean.parseBoolean(System.getProperty("ppl.slow", "false"));

    /** The sample size to use for a test whose fast-profile size is {@code base}. */
    static int n(int base) {
        return SLOW ? base * 10 : base;
    }

    /** The z-score bound of every mean and variance check. */
    static final double Z = 5;

    /** The single site used by one-choice programs: owner "q", address "x". */
    static final Site SITE = new Site("q", new Address("x"));

    // ------------------------------------------------------------------ parameters as leaves

    /** Leaves on the tape for parameter values: a {@code Double} becomes a {@link Var}, a {@link Tensor} a {@link TensorVar}. */
    static Object[] leaves(Tape tape, Object[] values) {
        Object[] r = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = values[i] instanceof Tensor t ? tape.leaf(t) : tape.leaf((Double) values[i]);
        }
        return r;
    }

    /** The adjoints of the leaves, flattened in order (a tensor leaf contributes its elements row-major). */
    static double[] adjoints(Object[] leaves) {
        double[] flat = new double[0];
        for (Object l : leaves) {
            double[] a = l instanceof TensorVar t ? t.adjoint().toArray() : new double[] {((Var) l).adjoint()};
            double[] next = Arrays.copyOf(flat, flat.length + a.length);
            System.arraycopy(a, 0, next, flat.length, a.length);
            flat = next;
        }
        return flat;
    }

    /** The parameter values flattened, as {@link #adjoints} orders them. */
    static double[] flatten(Object[] values) {
        List<Double> r = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof Tensor t) {
                for (double d : t.toArray()) {
                    r.add(d);
                }
            } else {
                r.add((Double) v);
            }
        }
        return r.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Builds a distribution from its parameters (leaves, or the plain values). */
    @FunctionalInterface
    interface Builder {
        Distribution build(Object[] params);
    }

    /** A test function written with AD operations, so that it works on doubles, Vars and tensors. */
    @FunctionalInterface
    interface Fn extends UnaryOperator<Object> {
    }

    /** Evaluates a test function on a plain double (for exact expectations). */
    static double at(Fn f, double x) {
        return AD.scalarValue(f.apply(x));
    }

    /** An estimator of a Java program with the given Rao-Blackwellisation switch and no overrides. */
    static ObjectiveEstimator estimator(ObjectiveEstimator.Program program, BaselineStore store, boolean rb) {
        return new ObjectiveEstimator(null, program, "test", store, rb, StrategyOverrides.NONE);
    }

    /**
     * One single-sample gradient estimate of E[f(x)], x ~ build(theta) sampled by {@code strategy} at
     * {@link #SITE}: the flattened adjoints of the parameter leaves.
     */
    static double[] gradient(GradientStrategy strategy, Builder build, Object[] theta, Fn f, Rng rng,
            BaselineStore store, boolean rb) {
        return gradient(strategy, build, theta, f, rng, store, rb, 1);
    }

    /** The same, averaged over {@code particles} runs on one tape (what leave-one-out baselines need). */
    static double[] gradient(GradientStrategy strategy, Builder build, Object[] theta, Fn f, Rng rng,
            BaselineStore store, boolean rb, int particles) {
        Tape tape = new Tape();
        Object[] leaves = leaves(tape, theta);
        Distribution d = build.build(leaves);
        SurrogateBuilder.Result r = estimator(run -> f.apply(strategy.sample(d, SITE, run)), store, rb)
                .estimate(null, tape, rng, particles);
        tape.backward(r.surrogate());
        return adjoints(leaves);
    }

    /** N estimates from one seeded stream and one baseline store (so running baselines learn as in a fit). */
    static double[][] gradients(int n, long seed, GradientStrategy strategy, Builder build, Object[] theta, Fn f,
            boolean rb) {
        return gradients(n, seed, strategy, build, theta, f, rb, 1);
    }

    /** N estimates, each the mean over {@code particles} runs. */
    static double[][] gradients(int n, long seed, GradientStrategy strategy, Builder build, Object[] theta, Fn f,
            boolean rb, int particles) {
        Rng rng = new Rng(seed);
        BaselineStore store = new BaselineStore();
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) {
            g[i] = gradient(strategy, build, theta, f, rng, store, rb, particles);
        }
        return g;
    }

    // ------------------------------------------------------------------ statistics

    /** Per-component sample mean, variance, and standard errors of both. */
    record Stats(double[] mean, double[] variance, double[] seMean, double[] seVariance, int n) {
        /** Stats of component {@code k} of the rows. */
        static Stats of(double[][] rows) {
            int n = rows.length;
            int k = rows[0].length;
            double[] mean = new double[k];
            double[] var = new double[k];
            double[] seMean = new double[k];
            double[] seVar = new double[k];
            for (int j = 0; j < k; j++) {
                double m = 0;
                for (double[] r : rows) {
                    m += r[j];
                }
                m /= n;
                double m2 = 0;
                double m4 = 0;
                for (double[] r : rows) {
                    double d = (r[j] - m) * (r[j] - m);
                    m2 += d;
                    m4 += d * d;
                }
                double s2 = m2 / (n - 1);
                m4 /= n;
                mean[j] = m;
                var[j] = s2;
                seMean[j] = Math.sqrt(s2 / n);
                seVar[j] = Math.sqrt(Math.max(m4 - s2 * s2, 0) / n);
            }
            return new Stats(mean, var, seMean, seVar, n);
        }

        static Stats ofColumn(double[] xs) {
            double[][] rows = new double[xs.length][];
            for (int i = 0; i < xs.length; i++) {
                rows[i] = new double[] {xs[i]};
            }
            return of(rows);
        }
    }

    /**
     * Every component of the sample mean within {@link #Z} standard errors of the truth. A component with zero
     * sample variance (an exact estimator) must equal the truth to 1e-9 relative.
     */
    static Stats assertUnbiased(String what, double[][] rows, double[] truth) {
        Stats s = Stats.of(rows);
        assertTrue(truth.length == s.mean().length, what + ": " + s.mean().length + " gradient components, expected "
                + truth.length);
        for (int j = 0; j < truth.length; j++) {
            double bound = Z * s.seMean()[j] + 1e-9 * (1 + Math.abs(truth[j]));
            double err = Math.abs(s.mean()[j] - truth[j]);
            assertTrue(err <= bound, String.format("%s, component %d: mean %.6g is %.2f SE from the truth %.6g"
                    + " (SE %.3g, N %d)", what, j, s.mean()[j], err / s.seMean()[j], truth[j], s.seMean()[j], s.n()));
        }
        return s;
    }

    /** The sample variance of component {@code j} within {@link #Z} of its standard errors of {@code exact}. */
    static void assertVariance(String what, Stats s, int j, double exact) {
        double err = Math.abs(s.variance()[j] - exact);
        assertTrue(err <= Z * s.seVariance()[j] + 1e-12, String.format("%s: variance %.6g is not within %.0f SE (%.3g)"
                + " of %.6g", what, s.variance()[j], Z, s.seVariance()[j], exact));
    }

    // ------------------------------------------------------------------ exact gradients

    /**
     * The gradient of an exact expectation E(theta) by central differences with one Richardson step:
     * (4 D(h/2) - D(h)) / 3, h = 1e-3 max(1, |theta_i|); truncation error O(h^4).
     */
    static double[] fdGradient(ToDoubleFunction<double[]> expectation, double[] theta) {
        double[] g = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double h = 1e-3 * Math.max(1, Math.abs(theta[i]));
            g[i] = (4 * central(expectation, theta, i, h / 2) - central(expectation, theta, i, h)) / 3;
        }
        return g;
    }

    private static double central(ToDoubleFunction<double[]> e, double[] theta, int i, double h) {
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[i] += h;
        down[i] -= h;
        return (e.applyAsDouble(up) - e.applyAsDouble(down)) / (2 * h);
    }

    // ------------------------------------------------------------------ quadrature

    /**
     * The integral of f over [a, b] (finite) by tanh-sinh quadrature, halving the step until two levels agree
     * to 1e-14 relative (at most 10 levels). Endpoints are never evaluated, and a node's distance to the nearer
     * endpoint is computed without cancellation, so integrable endpoint behaviour is fine.
     */
    static double integrate(DoubleUnaryOperator f, double a, double b) {
        double d = 0.5 * (b - a);
        double h = 0.5;
        double previous = tanhSinh(f, a, b, d, h, 0, 1);
        for (int level = 1; level <= 10; level++) {
            h /= 2;
            // the finer level's sum is half the coarser one's plus the new (odd) nodes
            double current = 0.5 * previous + tanhSinh(f, a, b, d, h, 1, 2);
            if (level >= 3 && Math.abs(current - previous) <= 1e-14 * Math.abs(current)) {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    /** h times the sum over the nodes t = k h, k = start, start + step, ..., on both sides, of f(x(t)) x'(t). */
    private static double tanhSinh(DoubleUnaryOperator f, double a, double b, double d, double h, int start,
            int step) {
        double sum = 0;
        for (int k = start; ; k += step) {
            double t = k * h;
            double u = 0.5 * Math.PI * Math.sinh(t);
            double e = Math.exp(-2 * u);
            double gap = d * 2 * e / (1 + e); // d (1 - tanh u): the node's distance from the nearer endpoint
            double w = d * 0.5 * Math.PI * Math.cosh(t) * 4 * e / ((1 + e) * (1 + e)); // d (pi/2) cosh t / cosh^2 u
            if (gap < 1e-300 || w < 1e-300) {
                break;
            }
            sum += k == 0 ? f.applyAsDouble(a + d) * w
                    : (f.applyAsDouble(a + gap) + f.applyAsDouble(b - gap)) * w;
        }
        return sum * h;
    }

    /** The integral of f over [a, infinity): x = a + t / (1 - t) on t in (0, 1). */
    static double integrateFrom(DoubleUnaryOperator f, double a) {
        return integrate(t -> {
            double s = 1 - t;
            if (s <= 0) {
                return 0;
            }
            double v = f.applyAsDouble(a + t / s);
            return v == 0 ? 0 : v / (s * s);
        }, 0, 1);
    }

    /** The integral of f over the real line, split at {@code center}. */
    static double integrateReal(DoubleUnaryOperator f, double center) {
        return integrateFrom(f, center) + integrateFrom(y -> f.applyAsDouble(2 * center - y), center);
    }

    /** The support of a one-dimensional density, for {@link #expectation}. */
    enum Domain { REAL, POSITIVE, UNIT }

    /**
     * E[f(x)] for the density proportional to exp(logDensity(x)), computed as the ratio of two quadratures, so
     * the normalising constant is never needed.
     */
    static double expectation(DoubleUnaryOperator logDensity, DoubleUnaryOperator f, Domain domain, double center) {
        DoubleUnaryOperator q = x -> Math.exp(logDensity.applyAsDouble(x));
        DoubleUnaryOperator fq = x -> {
            double w = q.applyAsDouble(x);
            return w == 0 ? 0 : f.applyAsDouble(x) * w;
        };
        return switch (domain) {
            case REAL -> integrateReal(fq, center) / integrateReal(q, center);
            case POSITIVE -> integrateFrom(fq, 0) / integrateFrom(q, 0);
            case UNIT -> integrate(fq, 0, 1) / integrate(q, 0, 1);
        };
    }

    static String fmt(double[] xs) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < xs.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format("%.4g", xs[i]));
        }
        return b.append(']').toString();
    }
}
