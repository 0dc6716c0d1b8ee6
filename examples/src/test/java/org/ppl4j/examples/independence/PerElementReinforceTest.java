package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplProgram;

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
    /** A sigmoid belief net: 5 binary data rows of 6 pixels, 3 binary hidden units per row. */
    private static final String SBN = """
            let x = tensor([[1, 0, 1, 1, 0, 0], [0, 0, 1, 0, 1, 1], [1, 1, 1, 0, 0, 0], [0, 1, 0, 1, 0, 1],
                            [1, 0, 0, 0, 1, 0]])
            let b = 5
            let d = 3
            let w0 = tensor([[0.5, -0.3, 0.2, 0.1, -0.4, 0.3], [-0.2, 0.4, 0.1, -0.5, 0.2, 0.0],
                             [0.3, 0.1, -0.2, 0.2, 0.1, -0.3]])
            let v0 = tensor([[0.1, -0.2, 0.3], [0.2, 0.1, -0.1], [-0.3, 0.2, 0.1], [0.1, 0.0, 0.2],
                             [0.2, -0.1, -0.2], [-0.1, 0.3, 0.0]])
            model sbn_t() {
              param w = w0
              local {
                h ~ bernoulli(logits: zeros(d))
                x ~ bernoulli(logits: h @ w)
              }
            }
            model guide_t() {
              param v = v0
              local {
                h ~ bernoulli(logits: x @ v)
              }
            }
            model guide_whole() {
              param v = v0
              h ~ bernoulli(logits: x @ v)
            }
            model sbn_l() {
              param w = w0
              for i in 0..b {
                let hi = h[i] ~ bernoulli(logits: zeros(d))
                x[i] ~ bernoulli(logits: hi @ w)
              }
            }
            model guide_l() {
              param v = v0
              for i in 0..b {
                h[i] ~ bernoulli(logits: x[i] @ v)
              }
            }
            let obs = choices { x: x }
            """;

    /**
     * A two-component mixture of 40 points (drawn once from 0.7 N(2, 1) + 0.3 N(-2, 1)) with one local [40] choice:
     * the GMM of examples/gmm, smaller.
     */
    private static final String GMM = """
            let x = tensor([2.801, 2.606, 0.178, -0.704, -1.782, 3.221, 2.546, -1.57, -1.374, 0.317,
                            0.867, -3.161, -0.833, 2.707, 2.497, 3.018, -1.164, 1.058, -3.859, -2.909,
                            0.841, 2.696, 1.379, 3.721, 1.431, 1.421, 0.107, 4.869, 2.415, 3.353,
                            1.983, 1.121, -1.713, 2.211, -2.551, 1.512, 1.714, 2.075, -0.436, -2.457])
            let n = len(x)
            model gmm_t() {
              param w = 0.5 : unit_interval
              locs ~ normal(tensor([0, 0]), 5)
              local {
                z ~ bernoulli(w)
                obs ~ normal(locs[0] + z * (locs[1] - locs[0]), 1)
              }
            }
            model guide_t() {
              param loc_mean = tensor([-1, 1])
              param loc_scale = tensor([0.5, 0.5]) : positive
              param logits = zeros(n)
              locs ~ normal(loc_mean, loc_scale)
              local {
                z ~ bernoulli(logits: logits)
              }
            }
            model gmm_l() {
              param w = 0.5 : unit_interval
              locs ~ normal(tensor([0, 0]), 5)
              for i in 0..n {
                let k = z[i] ~ bernoulli(w)
                obs[i] ~ normal(locs[k], 1)
              }
            }
            model guide_l() {
              param loc_mean = tensor([-1, 1])
              param loc_scale = tensor([0.5, 0.5]) : positive
              param logits = zeros(n)
              locs ~ normal(loc_mean, loc_scale)
              for i in 0..n {
                z[i] ~ bernoulli(logits: logits[i])
              }
            }
            let obs = choices { obs: x }
            """;

    private static Map<String, Object> run(String source) {
        try (PplProgram p = Ppl.compile(source, "test.ppl")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) p.run().get("result");
            return r;
        }
    }

    private static double num(Map<String, Object> r, String field) {
        return ((Number) r.get(field)).doubleValue();
    }

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
