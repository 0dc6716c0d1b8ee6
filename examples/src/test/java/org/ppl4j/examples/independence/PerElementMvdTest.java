package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.ppl4j.examples.independence.Programs.GMM;
import static org.ppl4j.examples.independence.Programs.SBN;
import static org.ppl4j.examples.independence.Programs.num;
import static org.ppl4j.examples.independence.Programs.run;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.PplException;

/**
 * {@code mvd} on a tensor choice inside {@code local}: each entry's measure-valued derivative with the other
 * entries as drawn, run for all elements along the independent axes at once (1 + 2 x entries-per-element runs of
 * the program, whatever the number of elements). Bernoulli's coupling is deterministic (x+ = 1, x- = 0), so given
 * the seed the estimate is the one the same model written one scalar choice per entry gives, each entry's mvd
 * replayed on its own: the tests compare the mean and the variance over 300 seeded estimates of every guide
 * parameter's gradient to 1e-9 (relative), which implies the statistical statement with no sampling error.
 */
class PerElementMvdTest {
    /** The SBN of {@link Programs#SBN} with one scalar choice per hidden unit and row, h[i * d + j]. */
    private static final String SBN_SCALAR = """
            model sbn_s() {
              param w = w0
              for i in 0..b {
                let logits = zeros(6)
                for j in 0..d {
                  let hij = h[i * d + j] ~ bernoulli(logits: 0)
                  logits = logits + hij * w[j]
                }
                x[i] ~ bernoulli(logits: logits)
              }
            }
            model guide_s() {
              param v = v0
              for i in 0..b {
                let l = x[i] @ v
                for j in 0..d {
                  h[i * d + j] ~ bernoulli(logits: l[j])
                }
              }
            }
            """;

    private static final String COMPARE = """
            fn rel(a, b) { sum(abs(a - b)) / sum(abs(b)) }
            fn compare(t, l) {
              return { mean: rel(t.mean, l.mean), variance: rel(t.variance, l.variance), total: sum(t.variance) }
            }
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> record(Object o) {
        return (Map<String, Object>) o;
    }

    private static void assertSame(Map<String, Object> r) {
        assertEquals(0, num(r, "mean"), 1e-9, "relative difference of the mean gradients");
        assertEquals(0, num(r, "variance"), 1e-9, "relative difference of the gradient variances");
        assertTrue(num(r, "total") > 0);
    }

    /** The GMM's [40] choice (one entry per element: 3 runs) against 40 scalar choices z[i]. */
    @Test
    void mixtureAsOneTensorChoiceMatchesTheScalarForm() {
        Map<String, Object> r = run(GMM + COMPARE + """
                let gt = gradients(elbo(gmm_t(), guide_t(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_t/z": "mvd" })
                let gl = gradients(elbo(gmm_l(), guide_l(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_l/z[*]": "mvd" })
                let result = compare(gt["guide_t.logits"], gl["guide_l.logits"])
                """);
        assertSame(r);
    }

    /**
     * The SBN's [5, 3] choice, rows independent and the 3 hidden units of a row mixed by the model's h @ w (7 runs),
     * against 15 scalar choices h[i * d + j]; for the guide's weights and the model's.
     */
    @Test
    void sigmoidBeliefNetMatchesTheScalarForm() {
        Map<String, Object> r = run(SBN + SBN_SCALAR + COMPARE + """
                let gt = gradients(elbo(sbn_t(), guide_t(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_t/h": "mvd" })
                let gs = gradients(elbo(sbn_s(), guide_s(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_s/h[*]": "mvd" })
                let result = { v: compare(gt["guide_t.v"], gs["guide_s.v"]), w: compare(gt["sbn_t.w"], gs["sbn_s.w"]) }
                """);
        assertSame(record(r.get("v")));
        assertSame(record(r.get("w")));
    }

    /** Where a term mixes the elements (a global choice that sees their sum), mvd refuses and says why. */
    @Test
    void aTermThatMixesTheElementsIsRefused() {
        PplException e = assertThrows(PplException.class, () -> run("""
                model m() {
                  local {
                    let z = z ~ bernoulli(0.5)
                    total ~ normal(sum(z), 1)
                  }
                }
                model q() {
                  param logits = zeros(4)
                  local { z ~ bernoulli(logits: logits) by mvd }
                }
                let result = gradients(elbo(m(), q(), choices { total: 2 }), samples: 2)
                """));
        assertTrue(e.getMessage().contains("mixes its independent elements"), e.getMessage());
        assertTrue(e.getMessage().contains("does not separate"), e.getMessage());
    }
}
