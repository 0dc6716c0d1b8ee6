package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.estimate.ReplayPlan;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.value.Address;
import java.util.List;
import org.ppl4j.stdlib.dist.Normal;

/**
 * The foundation's acceptance check: for q = Normal(mu = 0.5, sigma = 1.2) and the objective E[z^2]
 * (= mu^2 + sigma^2), single-sample estimates of d/dmu (true 2 mu = 1.0) and d/dsigma (true 2 sigma = 2.4)
 * are unbiased for reparam and for reinforce, and their variances match the closed forms below.
 *
 * <p>N = 20,000 estimates per case, seed 20261128. Mean: |mean - truth| <= 5 standard errors, the standard
 * error sqrt(s^2 / N) from the sample variance s^2. Variance: |s^2 - exact| <= 5 sqrt((m4 - s^4) / N), the
 * standard error of a sample variance from the sample's fourth central moment m4.
 */
class UnbiasednessTest {
    static final int N = 20_000;
    static final long SEED = 20261128L;
    static final double MU = 0.5;
    static final double SIGMA = 1.2;

    /** One estimate of (d/dmu, d/dsigma) of E[z^2], built exactly as the objective runtime builds it. */
    static double[] estimate(GradientStrategy strategy, Rng rng) {
        Tape tape = new Tape();
        Var mu = tape.leaf(MU);
        Var sigma = tape.leaf(SIGMA);
        ObjectiveRun run = new ObjectiveRun(null, null, tape, rng, rng, ReplayPlan.BASE, null);
        Object z = strategy.sample(new Normal(mu, sigma), new Site("q", new Address("z")), run);
        Object v = AD.square(z);
        tape.backward(SurrogateBuilder.lockstep(List.of(run), List.of(v), true).surrogate());
        return new double[] {mu.adjoint(), sigma.adjoint()};
    }

    static void check(GradientStrategy strategy, double[] truth, double[] exactVariance) {
        Rng rng = new Rng(SEED);
        double[][] g = new double[2][N];
        for (int i = 0; i < N; i++) {
            double[] e = estimate(strategy, rng);
            g[0][i] = e[0];
            g[1][i] = e[1];
        }
        for (int k = 0; k < 2; k++) {
            double mean = 0;
            for (double x : g[k]) {
                mean += x;
            }
            mean /= N;
            double m2 = 0;
            double m4 = 0;
            for (double x : g[k]) {
                double d = (x - mean) * (x - mean);
                m2 += d;
                m4 += d * d;
            }
            double s2 = m2 / (N - 1);
            m4 /= N;
            double se = Math.sqrt(s2 / N);
            String what = strategy.describe() + (k == 0 ? " d/dmu" : " d/dsigma");
            assertTrue(Math.abs(mean - truth[k]) <= 5 * se,
                    what + ": mean " + mean + " is not within 5 SE (" + se + ") of " + truth[k]);
            double seVar = Math.sqrt((m4 - s2 * s2) / N);
            assertTrue(Math.abs(s2 - exactVariance[k]) <= 5 * seVar,
                    what + ": variance " + s2 + " is not within 5 SE (" + seVar + ") of " + exactVariance[k]);
        }
    }

    @Test
    void reparamIsUnbiasedWithItsExactVariance() {
        // g_mu = 2z, Var = 4 sigma^2; g_sigma = 2 z eps, Var = 4 (mu^2 + 2 sigma^2)
        check(Reparam.INSTANCE, new double[] {2 * MU, 2 * SIGMA},
                new double[] {4 * SIGMA * SIGMA, 4 * (MU * MU + 2 * SIGMA * SIGMA)});
    }

    @Test
    void reinforceIsUnbiasedWithItsExactVariance() {
        // g_mu = z^2 eps / sigma and g_sigma = z^2 (eps^2 - 1) / sigma with z = mu + sigma eps; expanding
        // (mu + sigma eps)^4 and using E eps^2 = 1, E eps^4 = 3, E eps^6 = 15, E eps^8 = 105:
        double mu2 = MU * MU;
        double s2 = SIGMA * SIGMA;
        double eMu = (mu2 * mu2 + 18 * mu2 * s2 + 15 * s2 * s2) / s2;
        double eSigma = (2 * mu2 * mu2 + 60 * mu2 * s2 + 78 * s2 * s2) / s2;
        double[] truth = {2 * MU, 2 * SIGMA};
        check(new Reinforce(Baseline.NONE), truth,
                new double[] {eMu - truth[0] * truth[0], eSigma - truth[1] * truth[1]});
    }
}
