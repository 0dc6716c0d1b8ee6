package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppl4j.estimators.Harness.Stats;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.stdlib.dist.Bernoulli;
import org.ppl4j.stdlib.dist.Categorical;
import org.ppl4j.stdlib.dist.Geometric;
import org.ppl4j.stdlib.dist.Poisson;

/**
 * Item 7: measure-valued derivatives. Unbiasedness for bernoulli, categorical, poisson and geometric is in
 * {@link PairUnbiasednessTest}; here, their variance against REINFORCE (no baseline) on f(x) = x^2.
 *
 * <ul>
 * <li>bernoulli and categorical: the weak derivatives are exact (f(1) - f(0), and sum_k (f(k) - f(x)) grad pi_k,
 * whose x-part vanishes because sum_k pi_k = 1), so every estimate equals the exact gradient to 1e-12
 * (200 estimates, seed 20261160).
 * <li>poisson(rate = 3): mvd g = f(N + 1) - f(N) = 2N + 1, variance 4 rate = 12; reinforce g = N^2 (N / rate - 1),
 * exact variance by summation. N = 20,000 each (seed 20261161), both sample variances within 5 SE of the exact
 * ones (12 and 388.3), and one-sided var(mvd) <= var(reinforce) / 10.
 * <li>geometric(p = 0.4): mvd g = (f(N) - f(N + 1 + G)) / p with G an independent geometric; reinforce g =
 * N^2 (1/p - N / (1 - p)); both exact variances by (double) summation (4,664 and 65,440); same N and checks
 * (seed 20261162), margin 5.
 * </ul>
 */
class MeasureValuedTest {
    static final int N = Harness.n(20_000);

    @Test
    void bernoulliAndCategoricalEstimatesAreExact() {
        Rng rng = new Rng(20261160L);
        BaselineStore store = new BaselineStore();
        double p = 0.3;
        double[] logits = {0.2, -0.5, 1.0, 0.1};
        double[] catGradient = EnumExactnessTest.categoricalGradient(logits, true, x -> x * x);
        for (int i = 0; i < 200; i++) {
            double[] g = Harness.gradient(MeasureValued.INSTANCE, q -> Bernoulli.ofProbability(q[0]),
                    Cases.scalars(p), Cases.SQUARE, rng, store, true);
            assertArrayEquals(new double[] {1}, g, 1e-12, "bernoulli mvd estimate");
            double[] c = Harness.gradient(MeasureValued.INSTANCE, q -> Categorical.ofLogits(q[0]),
                    new Object[] {Tensor.vector(logits)}, Cases.SQUARE, rng, store, true);
            assertArrayEquals(catGradient, c, 1e-12, "categorical mvd estimate");
        }
    }

    static void compare(String what, Harness.Builder build, Object[] theta, double truth, double mvdVariance,
            double reinforceVariance, long seed, double margin) {
        Stats mvd = Harness.assertUnbiased(what + " by mvd",
                Harness.gradients(N, seed, MeasureValued.INSTANCE, build, theta, Cases.SQUARE, true),
                new double[] {truth});
        Stats rf = Harness.assertUnbiased(what + " by reinforce",
                Harness.gradients(N, seed, new Reinforce(Baseline.NONE), build, theta, Cases.SQUARE, true),
                new double[] {truth});
        Harness.assertVariance(what + " by mvd", mvd, 0, mvdVariance);
        Harness.assertVariance(what + " by reinforce", rf, 0, reinforceVariance);
        assertTrue(mvd.variance()[0] * margin <= rf.variance()[0], what + ": mvd variance " + mvd.variance()[0]
                + " is not 1/" + margin + " of reinforce's " + rf.variance()[0]);
        Report.line("mvd", "%s, f(x) = x^2, N=%d, seed %d: variance mvd %.4g (exact %.4g), reinforce %.4g (exact %.4g)",
                what, N, seed, mvd.variance()[0], mvdVariance, rf.variance()[0], reinforceVariance);
    }

    @Test
    void poissonHasLowerVarianceThanReinforce() {
        double rate = 3;
        double[] pmf = Cases.poissonPmf(rate);
        double truth = 2 * rate + 1; // d/drate (rate + rate^2)
        double second = Cases.sum(pmf, n -> Math.pow(n * n * (n / rate - 1), 2));
        compare("poisson(rate=3)", q -> new Poisson(q[0]), Cases.scalars(rate), truth, 4 * rate,
                second - truth * truth, 20261161L, 10);
    }

    @Test
    void geometricHasLowerVarianceThanReinforce() {
        double p = 0.4;
        double[] pmf = Cases.geometricPmf(p);
        // E[N^2] = (1 - p)(2 - p) / p^2, so d/dp E[N^2] = d/dp (2 - 3p + p^2) / p^2 = (-3p + 2p^2 - 2(2 - 3p + p^2)) / p^3
        double truth = (-3 * p + 2 * p * p - 2 * (2 - 3 * p + p * p)) / (p * p * p);
        double mvdSecond = 0;
        for (int n = 0; n < pmf.length; n++) {
            for (int g = 0; g < pmf.length; g++) {
                double d = (n * n - Math.pow(n + 1 + g, 2)) / p;
                mvdSecond += pmf[n] * pmf[g] * d * d;
            }
        }
        double rfSecond = Cases.sum(pmf, n -> Math.pow(n * n * (1 / p - n / (1 - p)), 2));
        compare("geometric(p=0.4)", q -> new Geometric(q[0]), Cases.scalars(p), truth, mvdSecond - truth * truth,
                rfSecond - truth * truth, 20261162L, 5);
    }

    /** The exact gradients used above agree with finite differences of the exact sums. */
    @Test
    void closedFormsAgreeWithFiniteDifferences() {
        double[] g = Harness.fdGradient(t -> Cases.sum(Cases.geometricPmf(t[0]), n -> n * n), new double[] {0.4});
        double p = 0.4;
        assertArrayEquals(new double[] {(-3 * p + 2 * p * p - 2 * (2 - 3 * p + p * p)) / (p * p * p)}, g, 1e-7);
        double[] h = Harness.fdGradient(t -> Cases.sum(Cases.poissonPmf(t[0]), n -> n * n), new double[] {3});
        assertArrayEquals(new double[] {7}, h, 1e-7);
    }
}
