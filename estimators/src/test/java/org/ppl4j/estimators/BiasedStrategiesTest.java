package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ppl4j.estimators.Harness.Builder;
import org.ppl4j.estimators.Harness.Domain;
import org.ppl4j.estimators.Harness.Fn;
import org.ppl4j.estimators.Harness.Stats;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.stdlib.dist.Bernoulli;
import org.ppl4j.stdlib.dist.Categorical;

/**
 * Item 6: straight-through and relax are biased by design; what they compute is checked exactly, and the bias
 * is shown where it is large.
 *
 * <ul>
 * <li>straight-through: the value is the hard sample h (0/1, or one-hot), and the gradient is that of f at h
 * through the mean p: f'(h) dp/dtheta (bernoulli), J_pi^T grad f(onehot(h)) (categorical). Every one of 500
 * estimates (seed 20261170 onwards) to 1e-12 relative.
 * <li>relax(tau): the gradient is the pathwise derivative of f(y(theta, U)): checked per estimate against the
 * closed form from the relaxed value y (dy/dlogits = y(1 - y) / tau; the softmax Jacobian / tau), to 1e-10
 * relative, and against a central finite difference (h = 1e-6) of the estimate's value rerun with the same seed,
 * to 1e-6 relative (200 estimates, seeds 20261171 + i).
 * <li>bias: straight-through on bernoulli(p = 0.2), f(x) = x^2 averages E[f'(x)] = 2p = 0.4 (within 5 SE), not the
 * true f(1) - f(0) = 1 (more than 5 SE away); relax(1) on bernoulli(logits = 1), f(y) = y^2 averages the gradient of
 * the relaxed expectation (quadrature over the logistic noise; within 5 SE), not sigmoid'(1) = 0.1966 (more than
 * 5 SE away). N = 4,000 each (40,000 with -Pslow), seeds 20261172 and 20261173.
 * </ul>
 */
class BiasedStrategiesTest {
    /** The accepted (family/strategy) pairs this class proves; {@link PairUnbiasednessTest} checks none is missed. */
    static final Set<String> COVERED = Set.of("bernoulli/straight_through", "categorical/straight_through",
            "bernoulli/relax", "categorical/relax");

    /** One estimate: the primal value the program saw, the gradient, and the estimate's value. */
    record Sample(Object x, double[] gradient, double value) {
    }

    static Sample sample(GradientStrategy s, Builder build, Object[] theta, Fn f, Rng rng) {
        Tape tape = new Tape();
        Object[] leaves = Harness.leaves(tape, theta);
        Distribution d = build.build(leaves);
        AtomicReference<Object> seen = new AtomicReference<>();
        ObjectiveEstimator estimator = Harness.estimator(run -> {
            Object x = s.sample(d, Harness.SITE, run);
            if (run.differentiating()) { // not the hard run that follows a relaxed one
                seen.set(AD.value(x));
            }
            return f.apply(x);
        }, new BaselineStore(), true);
        SurrogateBuilder.Result r = estimator.estimate(null, tape, rng);
        tape.backward(r.surrogate());
        // the value the gradient is the derivative of: the relaxed one under relax (the result's value is the hard one)
        double relaxed = estimator.lastRelaxed();
        return new Sample(seen.get(), Harness.adjoints(leaves), Double.isNaN(relaxed) ? r.value() : relaxed);
    }

    static void assertClose(double[] expected, double[] actual, double relative, String what) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], relative * Math.max(1, Math.abs(expected[j])), what + ", component " + j);
        }
    }

    static final Fn CUBE_PLUS = x -> AD.pow(AD.add(x, 2.0), 3.0); // f(x) = (x + 2)^3, f'(x) = 3 (x + 2)^2

    static double cubePlusDerivative(double x) {
        return 3 * (x + 2) * (x + 2);
    }

    // ------------------------------------------------------------------ straight-through

    @Test
    void straightThroughBernoulliIsTheGradientAtTheHardSampleThroughP() {
        Rng rng = new Rng(20261170L);
        double l = -0.4;
        double s = Cases.sigmoid(l);
        for (int i = 0; i < 500; i++) {
            Sample a = sample(StraightThrough.INSTANCE, q -> Bernoulli.ofProbability(q[0]), Cases.scalars(0.3),
                    CUBE_PLUS, rng);
            double h = (Double) a.x();
            assertTrue(h == 0 || h == 1, "straight-through value " + h);
            assertEquals(Math.pow(h + 2, 3), a.value(), 1e-12);
            assertClose(new double[] {cubePlusDerivative(h)}, a.gradient(), 1e-12, "bernoulli(p) straight-through");

            Sample b = sample(StraightThrough.INSTANCE, q -> Bernoulli.ofLogits(q[0]), Cases.scalars(l), CUBE_PLUS,
                    rng);
            double hb = (Double) b.x();
            assertTrue(hb == 0 || hb == 1, "straight-through value " + hb);
            assertClose(new double[] {cubePlusDerivative(hb) * s * (1 - s)}, b.gradient(), 1e-12,
                    "bernoulli(logits) straight-through");
        }
    }

    static final double[] W = {1, -2, 0.5, 3};
    /** f(y) = sum_k w_k y_k^2 on a one-hot or relaxed vector y; grad f = 2 w y. */
    static final Fn WEIGHTED_SQUARES = y -> AD.sum(AD.mul(Tensor.vector(W), AD.square(y)));

    /** J^T v for the softmax Jacobian J = diag(pi) - pi pi^T: pi (v - pi . v). */
    static double[] softmaxVjp(double[] pi, double[] v) {
        double dot = 0;
        for (int k = 0; k < pi.length; k++) {
            dot += pi[k] * v[k];
        }
        double[] r = new double[pi.length];
        for (int k = 0; k < pi.length; k++) {
            r[k] = pi[k] * (v[k] - dot);
        }
        return r;
    }

    static double[] gradWeightedSquares(double[] y) {
        double[] v = new double[y.length];
        for (int k = 0; k < y.length; k++) {
            v[k] = 2 * W[k] * y[k];
        }
        return v;
    }

    @Test
    void straightThroughCategoricalIsOneHotWithTheGradientThroughPi() {
        Rng rng = new Rng(20261170L);
        double[] logits = {0.2, -0.5, 1.0, 0.1};
        double[] probs = {1, 2, 3, 1.5};
        double[] piL = Cases.categoricalPmf(logits, true);
        double[] piP = Cases.categoricalPmf(probs, false);
        for (int i = 0; i < 500; i++) {
            Sample a = sample(StraightThrough.INSTANCE, q -> Categorical.ofLogits(q[0]),
                    new Object[] {Tensor.vector(logits)}, WEIGHTED_SQUARES, rng);
            double[] y = ((Tensor) a.x()).toArray();
            assertOneHot(y);
            assertClose(softmaxVjp(piL, gradWeightedSquares(y)), a.gradient(), 1e-12,
                    "categorical(logits) straight-through");

            Sample b = sample(StraightThrough.INSTANCE, q -> Categorical.ofProbabilities(q[0]),
                    new Object[] {Tensor.vector(probs)}, WEIGHTED_SQUARES, rng);
            double[] yb = ((Tensor) b.x()).toArray();
            assertOneHot(yb);
            // pi = w / sum(w): d pi_j / d w_k = (delta_jk - pi_j) / sum(w), so the gradient is (v_k - pi . v) / sum(w)
            double[] v = gradWeightedSquares(yb);
            double dot = 0;
            for (int k = 0; k < v.length; k++) {
                dot += piP[k] * v[k];
            }
            double[] expected = new double[v.length];
            for (int k = 0; k < v.length; k++) {
                expected[k] = (v[k] - dot) / 7.5;
            }
            assertClose(expected, b.gradient(), 1e-12, "categorical(probs) straight-through");
        }
    }

    static void assertOneHot(double[] y) {
        int ones = 0;
        for (double v : y) {
            assertTrue(v == 0 || v == 1, "not one-hot: " + Harness.fmt(y));
            ones += v == 1 ? 1 : 0;
        }
        assertEquals(1, ones, "not one-hot: " + Harness.fmt(y));
    }

    @Test
    void straightThroughIsBiased() {
        int n = Harness.n(4_000);
        double p = 0.2;
        double[][] g = Harness.gradients(n, 20261172L, StraightThrough.INSTANCE, q -> Bernoulli.ofProbability(q[0]),
                Cases.scalars(p), Cases.SQUARE, true);
        Stats s = Harness.assertUnbiased("straight-through estimates E[f'(x)] = 2p", g, new double[] {2 * p});
        double truth = 1; // f(1) - f(0)
        double z = Math.abs(s.mean()[0] - truth) / s.seMean()[0];
        assertTrue(z > Harness.Z, "straight-through mean " + s.mean()[0] + " is only " + z + " SE from the truth 1");
        Report.line("straight_through", "bernoulli(p=0.2), f(x)=x^2, N=%d: mean %.4f (SE %.4f), true gradient 1,"
                + " %.0f SE away; variance %.4g", n, s.mean()[0], s.seMean()[0], z, s.variance()[0]);
    }

    // ------------------------------------------------------------------ relax

    /** The estimate's value at theta, rerun from the same seed (so with the same uniform draws). */
    static double valueAt(GradientStrategy s, Builder build, double[] theta, Fn f, long seed, boolean tensor) {
        Object[] t = tensor ? new Object[] {Tensor.vector(theta)} : Cases.scalars(theta);
        return sample(s, build, t, f, new Rng(seed)).value();
    }

    static double[] finiteDifference(GradientStrategy s, Builder build, double[] theta, Fn f, long seed,
            boolean tensor) {
        double[] g = new double[theta.length];
        double h = 1e-6;
        for (int j = 0; j < theta.length; j++) {
            double[] up = theta.clone();
            double[] down = theta.clone();
            up[j] += h;
            down[j] -= h;
            g[j] = (valueAt(s, build, up, f, seed, tensor) - valueAt(s, build, down, f, seed, tensor)) / (2 * h);
        }
        return g;
    }

    @Test
    void relaxBernoulliIsThePathwiseDerivativeOfTheRelaxedSample() {
        double tau = 0.5;
        GradientStrategy relax = new Relax(tau);
        Builder logits = q -> Bernoulli.ofLogits(q[0]);
        Builder probability = q -> Bernoulli.ofProbability(q[0]);
        double l = 0.5;
        double p = 0.3;
        for (int i = 0; i < 200; i++) {
            long seed = 20261171L + i;
            Sample a = sample(relax, logits, Cases.scalars(l), CUBE_PLUS, new Rng(seed));
            double y = (Double) a.x();
            assertTrue(y > 0 && y < 1, "relaxed value " + y);
            assertClose(new double[] {cubePlusDerivative(y) * y * (1 - y) / tau}, a.gradient(), 1e-10,
                    "relaxed bernoulli(logits), closed form");
            assertClose(finiteDifference(relax, logits, new double[] {l}, CUBE_PLUS, seed, false), a.gradient(), 1e-6,
                    "relaxed bernoulli(logits), finite difference with the same seed");

            Sample b = sample(relax, probability, Cases.scalars(p), CUBE_PLUS, new Rng(seed));
            double yb = (Double) b.x();
            // logits = log p - log(1 - p): d logits / dp = 1 / (p (1 - p))
            assertClose(new double[] {cubePlusDerivative(yb) * yb * (1 - yb) / (tau * p * (1 - p))}, b.gradient(),
                    1e-10, "relaxed bernoulli(p), closed form");
            assertClose(finiteDifference(relax, probability, new double[] {p}, CUBE_PLUS, seed, false), b.gradient(),
                    1e-6, "relaxed bernoulli(p), finite difference with the same seed");
        }
    }

    @Test
    void relaxCategoricalIsThePathwiseDerivativeOfTheGumbelSoftmaxSample() {
        double tau = 0.7;
        GradientStrategy relax = new Relax(tau);
        Builder build = q -> Categorical.ofLogits(q[0]);
        double[] logits = {0.2, -0.5, 1.0, 0.1};
        for (int i = 0; i < 200; i++) {
            long seed = 20261171L + i;
            Sample a = sample(relax, build, new Object[] {Tensor.vector(logits)}, WEIGHTED_SQUARES, new Rng(seed));
            double[] y = ((Tensor) a.x()).toArray();
            double total = 0;
            for (double v : y) {
                assertTrue(v > 0 && v < 1, "relaxed value " + Harness.fmt(y));
                total += v;
            }
            assertEquals(1, total, 1e-12);
            // y = softmax((logits + g) / tau): dy/dlogits = (diag(y) - y y^T) / tau
            double[] expected = softmaxVjp(y, gradWeightedSquares(y));
            for (int k = 0; k < expected.length; k++) {
                expected[k] /= tau;
            }
            assertClose(expected, a.gradient(), 1e-10, "relaxed categorical, closed form");
            assertClose(finiteDifference(relax, build, logits, WEIGHTED_SQUARES, seed, true), a.gradient(), 1e-6,
                    "relaxed categorical, finite difference with the same seed");
        }
    }

    @Test
    void relaxIsBiased() {
        int n = Harness.n(4_000);
        double l = 1.0;
        double tau = 1.0;
        double[][] g = Harness.gradients(n, 20261173L, new Relax(tau), q -> Bernoulli.ofLogits(q[0]), Cases.scalars(l),
                Cases.SQUARE, true);
        // what relax estimates: d/dl E[sigmoid((l + L) / tau)^2], L standard logistic (density e^-L / (1 + e^-L)^2)
        double[] relaxed = Harness.fdGradient(t -> Harness.expectation(x -> -x - 2 * Math.log1p(Math.exp(-x)),
                x -> Math.pow(Cases.sigmoid((t[0] + x) / tau), 2), Domain.REAL, 0), new double[] {l});
        Stats s = Harness.assertUnbiased("relax(1) estimates the relaxed gradient", g, relaxed);
        double truth = Cases.sigmoid(l) * (1 - Cases.sigmoid(l)); // sigmoid'(l) (f(1) - f(0))
        double z = Math.abs(s.mean()[0] - truth) / s.seMean()[0];
        assertTrue(z > Harness.Z, "relax mean " + s.mean()[0] + " is only " + z + " SE from the truth " + truth);
        Report.line("relax", "bernoulli(logits=1), tau=1, f(y)=y^2, N=%d: mean %.4f (SE %.4f; relaxed gradient %.4f),"
                + " true gradient %.4f, %.0f SE away; variance %.4g", n, s.mean()[0], s.seMean()[0], relaxed[0], truth,
                z, s.variance()[0]);
    }

    @Test
    void theStrategiesSayTheyAreBiased() {
        assertTrue(!StraightThrough.INSTANCE.unbiased() && !new Relax(0.5).unbiased());
        assertArrayEquals(new boolean[] {true, true, true, true, true}, new boolean[] {Reparam.INSTANCE.unbiased(),
            Path.INSTANCE.unbiased(), Enumerate.INSTANCE.unbiased(), MeasureValued.INSTANCE.unbiased(),
            Strategies.parse("reinforce").unbiased()});
    }
}
