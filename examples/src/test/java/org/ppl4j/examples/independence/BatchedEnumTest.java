package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplProgram;

/**
 * {@code enum} on a tensor choice inside {@code local}: the runs are the joint values of one element (every element
 * at its r-th value in run r), and each term's expectation is taken element by element. Exact: the gradients must
 * equal those of the same model written one choice per element (whose independent choices also move in lockstep)
 * to 1e-10, relative, estimate by estimate (same seed, same stream for the reparameterised choices). The number of
 * runs is asserted by the golden example examples/estimators/enum_tensor.ppl (the model prints once per run).
 */
class BatchedEnumTest {
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

    private static String comparison(String model, String site, String param) {
        return """
                fn rel(a, b) { sum(abs(a - b)) / sum(abs(b)) }
                let gt = gradients(elbo(%1$s_t(), guide_t(), obs), samples: 20, seed: 3,
                                   estimators: { "guide_t/%2$s": enum })
                let gl = gradients(elbo(%1$s_l(), guide_l(), obs), samples: 20, seed: 3,
                                   estimators: { "guide_l/%2$s[*]": enum })
                let t = gt["guide_t.%3$s"]
                let l = gl["guide_l.%3$s"]
                let result = { mean: rel(t.mean, l.mean), variance: rel(t.variance, l.variance), size: sum(abs(l.mean)) }
                """.formatted(model, site, param);
    }

    @Test
    void mixtureAsOneTensorChoiceEqualsScalarEnumeration() {
        Map<String, Object> r = run(GMM + comparison("gmm", "z", "logits"));
        assertEquals(0, num(r, "mean"), 1e-10);
        assertEquals(0, num(r, "variance"), 1e-10);
        assertTrue(num(r, "size") > 0.1, "the gradients compared are not all zero");
    }

    /** Each row of h is 3 binary units: 8 joint values per row, 8 runs for all rows (not 8^5). */
    @Test
    void rowsOfSeveralUnitsAreEnumeratedJointlyWithinTheRow() {
        Map<String, Object> r = run(SBN + comparison("sbn", "h", "v"));
        assertEquals(0, num(r, "mean"), 1e-10);
        assertTrue(num(r, "size") > 0.01, "the gradients compared are not all zero");
    }
}
