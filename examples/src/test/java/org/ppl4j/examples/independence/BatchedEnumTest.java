package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.ppl4j.examples.independence.Programs.CATEGORICAL;
import static org.ppl4j.examples.independence.Programs.GMM;
import static org.ppl4j.examples.independence.Programs.SBN;
import static org.ppl4j.examples.independence.Programs.num;
import static org.ppl4j.examples.independence.Programs.run;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code enum} on a tensor choice inside {@code local}: the runs are the joint values of one element (every element
 * at its r-th value in run r), and each term's expectation is taken element by element. Exact: the gradients must
 * equal those of the same model written one choice per element (whose independent choices also move in lockstep)
 * to 1e-10, relative, estimate by estimate (same seed, same stream for the reparameterised choices). The number of
 * runs is asserted by the golden example examples/estimators/enum_tensor.ppl (the model prints once per run).
 */
class BatchedEnumTest {
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

    /**
     * A [12] categorical of 3 values: 3 runs for all points (examples/estimators/enum_categorical.ppl counts them),
     * the same gradients as 12 scalar categoricals, for the guide's [12, 3] logits and the model's weights.
     */
    @Test
    void categoricalAsOneTensorChoiceEqualsScalarEnumeration() {
        String weights = """
                let tw = gt["cat_t.w"]
                let lw = gl["cat_l.w"]
                let result = { mean: result.mean, variance: result.variance, size: result.size,
                               w_mean: rel(tw.mean, lw.mean), w_size: sum(abs(lw.mean)) }
                """;
        Map<String, Object> r = run(CATEGORICAL + comparison("cat", "c", "logits") + weights);
        assertEquals(0, num(r, "mean"), 1e-10);
        assertEquals(0, num(r, "variance"), 1e-10);
        assertTrue(num(r, "size") > 0.1, "the gradients compared are not all zero");
        assertEquals(0, num(r, "w_mean"), 1e-10);
        assertTrue(num(r, "w_size") > 0.1, "the weights' gradients compared are not all zero");
    }

    /** A [6] binomial of 3 trials: 4 runs for all points, the same gradients as 6 scalar binomials. */
    @Test
    void binomialAsOneTensorChoiceEqualsScalarEnumeration() {
        String binomial = """
                let x = tensor([0.2, 2.9, 1.1, 2.2, 0.8, 3.1])
                let n = len(x)
                model bin_t() {
                  param s = 0.9 : positive
                  shift ~ normal(0, 1)
                  local {
                    c ~ binomial(3, 0.5)
                    obs ~ normal(s * c + shift, 1)
                  }
                }
                model guide_t() {
                  param logits = 0.3 * x - 0.5
                  shift ~ normal(0.1, 0.2)
                  local {
                    c ~ binomial(3, logits: logits)
                  }
                }
                model bin_l() {
                  param s = 0.9 : positive
                  shift ~ normal(0, 1)
                  for i in 0..n {
                    let ci = c[i] ~ binomial(3, 0.5)
                    obs[i] ~ normal(s * ci + shift, 1)
                  }
                }
                model guide_l() {
                  param logits = 0.3 * x - 0.5
                  shift ~ normal(0.1, 0.2)
                  for i in 0..n {
                    c[i] ~ binomial(3, logits: logits[i])
                  }
                }
                let obs = choices { obs: x }
                """;
        Map<String, Object> r = run(binomial + comparison("bin", "c", "logits"));
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
