package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppl4j.estimators.Harness.Fn;
import org.ppl4j.estimators.Harness.Stats;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.stdlib.dist.Bernoulli;
import org.ppl4j.stdlib.dist.Normal;

/**
 * Item 4: a running-mean baseline never moves the mean and, on an objective with a large offset, removes most of
 * the variance.
 *
 * <p>q = normal(mu = 0.5, sigma = 1), reinforce, N = 5,000 estimates per strategy (50,000 with -Pslow), one baseline
 * store per strategy (the running mean, decay 0.9, learns across the N estimates as in a fit; its first estimate
 * has no baseline yet). Means within 5 SE of the exact gradient; variance: one-sided, the running mean's must be
 * at most 1/margin of the plain estimator's, margin 100 for x + 100 (expected ratio about 2,000), 5 for
 * (x + 10)^2 (expected about 15: a constant baseline cannot remove the 21 eps part of the score's multiplier) and
 * 20 for the bernoulli (expected about 170). The same three comparisons for the leave-one-out baseline (VIMCO
 * style), with 4 particles per estimate for both it and the plain estimator, same margins, seeds 20261144-6.
 *
 * <p>Two ways to have an offset the score multiplies: f(x) = x + 100 with Rao-Blackwellisation off (whole-objective
 * REINFORCE), and f(x) = (x + 10)^2 with it on. With Rao-Blackwellisation on, x + 100 needs no baseline at all:
 * the objective's additive constant is split off and never multiplied by the score (shown in the last test).
 */
class BaselineTest {
    static final int N = Harness.n(5_000);
    static final Object[] THETA = Cases.scalars(0.5, 1.0);
    static final Harness.Builder NORMAL = p -> new Normal(p[0], p[1]);
    static final GradientStrategy NONE = new Reinforce(Baseline.NONE);
    static final GradientStrategy RUNNING = new Reinforce(new RunningMeanBaseline(0.9));
    static void compare(String what, Harness.Builder build, Object[] theta, Fn f, boolean rb, double[] truth,
            long seed, double margin) {
        compare(what, build, theta, f, rb, truth, seed, margin, RUNNING, 1);
    }

    /** {@code baselined} against reinforce without baseline, both with {@code particles} runs per estimate. */
    static void compare(String what, Harness.Builder build, Object[] theta, Fn f, boolean rb, double[] truth,
            long seed, double margin, GradientStrategy baselined, int particles) {
        String k = particles > 1 ? " x " + particles + " particles" : "";
        Stats none = Harness.assertUnbiased(what + " by reinforce(baseline: none)" + k,
                Harness.gradients(N, seed, NONE, build, theta, f, rb, particles), truth);
        Stats with = Harness.assertUnbiased(what + " by " + baselined.describe() + k,
                Harness.gradients(N, seed, baselined, build, theta, f, rb, particles), truth);
        for (int j = 0; j < truth.length; j++) {
            assertTrue(with.variance()[j] * margin <= none.variance()[j], String.format("%s, component %d: %s has"
                    + " variance %.4g, not 1/%.0f of the plain estimator's %.4g", what, j, baselined.describe(),
                    with.variance()[j], margin, none.variance()[j]));
        }
        Report.line("baseline", "%s%s, N=%d, seed %d: variance none %s, %s %s", what, k, N, seed,
                Harness.fmt(none.variance()), baselined.describe(), Harness.fmt(with.variance()));
    }

    @Test
    void offsetWithoutRaoBlackwellisation() {
        // E[x + 100] = mu + 100: gradient (1, 0)
        compare("normal(0.5, 1), f(x) = x + 100, whole-objective", NORMAL, THETA, x -> AD.add(x, 100.0), false,
                new double[] {1, 0}, 20261140L, 100);
    }

    @Test
    void nonSeparableOffsetWithRaoBlackwellisation() {
        // E[(x + 10)^2] = (mu + 10)^2 + sigma^2: gradient (2 (mu + 10), 2 sigma)
        compare("normal(0.5, 1), f(x) = (x + 10)^2, Rao-Blackwellised", NORMAL, THETA,
                x -> AD.square(AD.add(x, 10.0)), true, new double[] {21, 2}, 20261141L, 5);
    }

    @Test
    void discreteOffset() {
        // bernoulli(p = 0.3), f(x) = (x + 10)^2: gradient f(1) - f(0) = 21
        compare("bernoulli(0.3), f(x) = (x + 10)^2, Rao-Blackwellised", p -> Bernoulli.ofProbability(p[0]),
                Cases.scalars(0.3), x -> AD.square(AD.add(x, 10.0)), true, new double[] {21}, 20261142L, 20);
    }

    @Test
    void leaveOneOutAcrossParticles() {
        // 4 particles per estimate, each particle's baseline the mean downstream cost of the other three
        GradientStrategy loo = new Reinforce(LeaveOneOutBaseline.INSTANCE);
        compare("normal(0.5, 1), f(x) = x + 100, whole-objective", NORMAL, THETA, x -> AD.add(x, 100.0), false,
                new double[] {1, 0}, 20261144L, 100, loo, 4);
        compare("normal(0.5, 1), f(x) = (x + 10)^2, Rao-Blackwellised", NORMAL, THETA,
                x -> AD.square(AD.add(x, 10.0)), true, new double[] {21, 2}, 20261145L, 5, loo, 4);
        compare("bernoulli(0.3), f(x) = (x + 10)^2, Rao-Blackwellised", p -> Bernoulli.ofProbability(p[0]),
                Cases.scalars(0.3), x -> AD.square(AD.add(x, 10.0)), true, new double[] {21}, 20261146L, 20, loo, 4);
    }

    @Test
    void raoBlackwellisationAlreadyDropsAnAdditiveConstant() {
        // f(x) = x + 100 Rao-Blackwellised: the constant 100 is not a term, so the plain estimator is that of
        // f(x) = x, g = (x eps, x (eps^2 - 1)) with x = mu + eps (sigma = 1):
        // Var(x eps) = E[x^2 eps^2] - 1 = mu^2 + 3 - 1 = 2.25;
        // Var(x (eps^2 - 1)) = mu^2 E[(eps^2 - 1)^2] + E[eps^2 (eps^2 - 1)^2] = 2 mu^2 + (15 - 6 + 1) = 10.5
        Stats s = Harness.assertUnbiased("normal(0.5, 1), f(x) = x + 100, Rao-Blackwellised, no baseline",
                Harness.gradients(N, 20261143L, NONE, NORMAL, THETA, x -> AD.add(x, 100.0), true),
                new double[] {1, 0});
        Harness.assertVariance("d/dmu", s, 0, 0.25 + 2);
        Harness.assertVariance("d/dsigma", s, 1, 0.5 + 10);
        Report.line("baseline", "normal(0.5, 1), f(x) = x + 100, Rao-Blackwellised, no baseline, N=%d: variance %s"
                + " (exact [2.25, 10.5])", N, Harness.fmt(s.variance()));
    }
}
