package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.ppl4j.examples.independence.Programs.GMM;
import static org.ppl4j.examples.independence.Programs.SBN;
import static org.ppl4j.examples.independence.Programs.num;
import static org.ppl4j.examples.independence.Programs.run;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * REINFORCE on a tensor choice inside {@code local}: each element (row along the data axis) gets its own score,
 * multiplying only the objective terms that depend on that element, with its own baseline (DESIGN.md section 2,
 * "Independence is part of the contract"). The same model written one choice per row draws the same values from
 * the same random stream, so the two forms must give the same gradient estimates: the tests compare the mean and
 * the variance over {@code samples} estimates (seeded) of every guide parameter's gradient to 1e-9 (relative),
 * which implies the statistical statement (same mean, same variance) with no sampling error at all. The same
 * tensor choice scored whole (outside {@code local}) is the contrast that shows the comparison can fail: its
 * variance is several times larger.
 */
class PerElementReinforceTest {
    /**
     * The tensor form against the loop form with {@code strategy}: the largest relative difference of the mean and
     * of the variance of the gradient of {@code param}, and the total variance of each.
     */
    private static String comparison(String model, String strategy, String param, int particles) {
        return """
                fn rel(a, b) { sum(abs(a - b)) / sum(abs(b)) }
                let gt = gradients(elbo(%1$s_t(), guide_t(), obs), samples: 300, seed: 3, particles: %4$d,
                                   estimators: { "guide_t/%2$s": "%3$s" })
                let gl = gradients(elbo(%1$s_l(), guide_l(), obs), samples: 300, seed: 3, particles: %4$d,
                                   estimators: { "guide_l/%2$s[*]": "%3$s" })
                let t = gt["guide_t.%5$s"]
                let l = gl["guide_l.%5$s"]
                let result = { mean: rel(t.mean, l.mean), variance: rel(t.variance, l.variance),
                               total: sum(t.variance), loop_total: sum(l.variance) }
                """.formatted(model, model.equals("gmm") ? "z" : "h", strategy, particles, param);
    }

    private static void assertSame(Map<String, Object> r) {
        assertEquals(0, num(r, "mean"), 1e-9, "relative difference of the mean gradients");
        assertEquals(0, num(r, "variance"), 1e-9, "relative difference of the gradient variances");
        assertTrue(num(r, "total") > 0);
    }

    @Test
    void sigmoidBeliefNetMatchesTheLoopFormWithoutBaseline() {
        assertSame(run(SBN + comparison("sbn", "reinforce(baseline: none)", "v", 1)));
    }

    @Test
    void sigmoidBeliefNetMatchesTheLoopFormWithRunningMeanPerElement() {
        assertSame(run(SBN + comparison("sbn", "reinforce(baseline: running_mean)", "v", 1)));
    }

    @Test
    void sigmoidBeliefNetMatchesTheLoopFormWithLeaveOneOutAcrossParticles() {
        assertSame(run(SBN + comparison("sbn", "reinforce(baseline: leave_one_out)", "v", 3)));
    }

    @Test
    void mixtureAsOneTensorChoiceMatchesTheScalarForm() {
        assertSame(run(GMM + comparison("gmm", "reinforce(baseline: none)", "logits", 1)));
        assertSame(run(GMM + comparison("gmm", "reinforce(baseline: running_mean)", "logits", 1)));
    }

    /**
     * {@code reinforce(baseline: c)} with c a tensor of one baseline per row (a learned, per-datum baseline):
     * the same estimates as the loop form with {@code c[i]} at row i, for the guide and for c itself (trained by
     * -(cost_i - c_i)^2).
     */
    @Test
    void aTensorOfLearnedBaselinesIsOnePerElement() {
        Map<String, Object> r = run(SBN + """
                let c0 = tensor([-6, -5, -7, -6, -5])
                model guide_bt() {
                  param v = v0
                  param c = c0
                  local {
                    h ~ bernoulli(logits: x @ v) by reinforce(baseline: c)
                  }
                }
                model guide_bl() {
                  param v = v0
                  param c = c0
                  for i in 0..b {
                    h[i] ~ bernoulli(logits: x[i] @ v) by reinforce(baseline: c[i])
                  }
                }
                fn rel(a, b) { sum(abs(a - b)) / sum(abs(b)) }
                let gt = gradients(elbo(sbn_t(), guide_bt(), obs), samples: 300, seed: 3)
                let gl = gradients(elbo(sbn_l(), guide_bl(), obs), samples: 300, seed: 3)
                let none = gradients(elbo(sbn_t(), guide_t(), obs), samples: 300, seed: 3,
                                     estimators: { "guide_t/h": "reinforce(baseline: none)" })
                let result = { v: rel(gt["guide_bt.v"].mean, gl["guide_bl.v"].mean),
                               vvar: rel(gt["guide_bt.v"].variance, gl["guide_bl.v"].variance),
                               c: rel(gt["guide_bt.c"].mean, gl["guide_bl.c"].mean),
                               csize: sum(abs(gl["guide_bl.c"].mean)),
                               total: sum(gt["guide_bt.v"].variance), none: sum(none["guide_t.v"].variance) }
                """);
        assertEquals(0, num(r, "v"), 1e-9);
        assertEquals(0, num(r, "vvar"), 1e-9);
        assertEquals(0, num(r, "c"), 1e-9);
        assertTrue(num(r, "csize") > 1, "the baselines are trained");
        assertTrue(num(r, "total") < num(r, "none"), "a baseline near the cost lowers the variance");
    }

    /** The contrast: the same [5, 3] choice outside local is one joint draw with one score for the whole batch. */
    @Test
    void theSameChoiceScoredWholeHasAMuchLargerVariance() {
        Map<String, Object> r = run(SBN + """
                let perElement = gradients(elbo(sbn_t(), guide_t(), obs), samples: 300, seed: 3,
                                           estimators: { "guide_t/h": "reinforce(baseline: none)" })
                let whole = gradients(elbo(sbn_t(), guide_whole(), obs), samples: 300, seed: 3,
                                      estimators: { "guide_whole/h": "reinforce(baseline: none)" })
                let result = { element: sum(perElement["guide_t.v"].variance), whole: sum(whole["guide_whole.v"].variance) }
                """);
        assertTrue(num(r, "whole") > 2 * num(r, "element"),
                "whole-tensor variance " + num(r, "whole") + " against per-element " + num(r, "element"));
    }
}
