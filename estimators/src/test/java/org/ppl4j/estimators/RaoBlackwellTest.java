package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppl4j.estimators.Harness.Stats;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.stdlib.dist.Bernoulli;

/**
 * Item 5: Rao-Blackwellised REINFORCE (each site's score multiplies only the terms downstream of it) against
 * whole-objective REINFORCE (raoBlackwellize = false: every score multiplies the whole objective), on 20
 * independent sites x_i ~ bernoulli(p_i), p_i = 0.2 + 0.03 i, objective sum_i g(x_i) with g(x) = (x + 1)^2,
 * reinforce without baseline.
 *
 * <p>Exact: d/dp_i = g(1) - g(0) = 3 for every i. For d/dp_0, with s = the score of x_0 (1/p at x_0 = 1,
 * -1/(1 - p) at 0) and R = sum_{i >= 1} g(x_i): Rao-Blackwellised g(x_0) s has variance 16/p + 1/(1 - p) - 9;
 * whole-objective (g(x_0) + R) s has variance E[g(x_0)^2 s^2] + 2 E[R] E[g(x_0) s^2] + E[R^2] E[s^2] - 9. N =
 * 10,000 estimates each (100,000 with -Pslow), seeds 20261150 and 20261151: all 20 means within 5 SE of 3, both
 * sample variances of d/dp_0 within 5 SE of the exact ones, and the one-sided check var(whole) >= 10 var(RB).
 */
class RaoBlackwellTest {
    static final int SITES = 20;
    static final int N = Harness.n(10_000);

    static double p(int i) {
        return 0.2 + 0.03 * i;
    }

    static double[] estimate(boolean rb, Rng rng) {
        Tape tape = new Tape();
        Var[] ps = new Var[SITES];
        Distribution[] ds = new Distribution[SITES];
        for (int i = 0; i < SITES; i++) {
            ps[i] = tape.leaf(p(i));
            ds[i] = Bernoulli.ofProbability(ps[i]);
        }
        GradientStrategy s = new Reinforce(Baseline.NONE);
        ObjectiveEstimator.Program program = run -> {
            Object total = 0.0;
            for (int i = 0; i < SITES; i++) {
                Object x = s.sample(ds[i], new Site("q", new Address("x", i)), run);
                total = AD.add(total, AD.square(AD.add(x, 1.0)));
            }
            return total;
        };
        SurrogateBuilder.Result r = Harness.estimator(program, new BaselineStore(), rb).estimate(null, tape, rng);
        tape.backward(r.surrogate());
        return Harness.adjoints(ps);
    }

    static Stats run(boolean rb, long seed) {
        Rng rng = new Rng(seed);
        double[][] g = new double[N][];
        for (int i = 0; i < N; i++) {
            g[i] = estimate(rb, rng);
        }
        double[] truth = new double[SITES];
        java.util.Arrays.fill(truth, 3.0);
        return Harness.assertUnbiased((rb ? "Rao-Blackwellised" : "whole-objective") + " REINFORCE", g, truth);
    }

    @Test
    void raoBlackwellisationReducesVarianceAndBothAreUnbiased() {
        double p = p(0);
        double rbVariance = 16 / p + 1 / (1 - p) - 9;
        double eG2S2 = 16 / p + 1 / (1 - p);
        double eGS2 = 4 / p + 1 / (1 - p);
        double eS2 = 1 / (p * (1 - p));
        double meanR = 0;
        double varR = 0;
        for (int i = 1; i < SITES; i++) {
            meanR += 1 + 3 * p(i);
            varR += 9 * p(i) * (1 - p(i));
        }
        double wholeVariance = eG2S2 + 2 * meanR * eGS2 + (varR + meanR * meanR) * eS2 - 9;

        Stats rb = run(true, 20261150L);
        Stats whole = run(false, 20261151L);
        Harness.assertVariance("Rao-Blackwellised d/dp_0", rb, 0, rbVariance);
        Harness.assertVariance("whole-objective d/dp_0", whole, 0, wholeVariance);
        assertTrue(whole.variance()[0] >= 10 * rb.variance()[0], "whole-objective variance " + whole.variance()[0]
                + " is not 10 times the Rao-Blackwellised " + rb.variance()[0]);
        Report.line("rao-blackwell", "20 bernoulli sites, d/dp_0, N=%d: variance Rao-Blackwellised %.4g (exact %.4g),"
                + " whole-objective %.4g (exact %.4g), ratio %.1f", N, rb.variance()[0], rbVariance,
                whole.variance()[0], wholeVariance, whole.variance()[0] / rb.variance()[0]);
    }
}
