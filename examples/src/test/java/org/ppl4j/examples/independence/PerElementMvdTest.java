package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.ppl4j.examples.independence.Programs.CATEGORICAL;
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
 * parameter's gradient to 1e-9 (relative), which implies the statistical statement with no sampling error. The same
 * holds for every distribution with a scalar mvd: a categorical (one term per category, x- the sample), a poisson
 * (x+ = x + 1, x- the sample) and a geometric (x- = x + 1 + G with G drawn per entry from the auxiliary stream, in
 * the order the scalar choices draw it). The runs per estimate are counted by
 * {@code examples/estimators/mvd_tensor.ppl}.
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

    /**
     * The mixture of {@link Programs#CATEGORICAL}, a [12] categorical of 3 values (1 + 3 runs), against 12 scalar
     * categoricals; for the guide's [12, 3] logits and the model's weights.
     */
    @Test
    void categoricalAsOneTensorChoiceMatchesTheScalarForm() {
        Map<String, Object> r = run(CATEGORICAL + COMPARE + """
                let gt = gradients(elbo(cat_t(), guide_t(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_t/c": "mvd" })
                let gl = gradients(elbo(cat_l(), guide_l(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_l/c[*]": "mvd" })
                let result = { logits: compare(gt["guide_t.logits"], gl["guide_l.logits"]),
                               w: compare(gt["cat_t.w"], gl["cat_l.w"]) }
                """);
        assertSame(record(r.get("logits")));
        assertSame(record(r.get("w")));
    }

    /** Counts: a [8] poisson (2 runs per estimate) against 8 scalar poissons; the guide's rates and the model's s. */
    @Test
    void poissonAsOneTensorChoiceMatchesTheScalarForm() {
        Map<String, Object> r = run(COMPARE + """
                let x = tensor([0.5, 3.1, 1.2, 4.4, 2.0, 0.1, 2.7, 1.6])
                let n = len(x)
                model cnt_t() {
                  param s = 0.8 : positive
                  local {
                    c ~ poisson(2.0)
                    obs ~ normal(s * c, 1)
                  }
                }
                model guide_t() {
                  param rate = 0.5 + 0.3 * x : positive
                  local { c ~ poisson(rate) }
                }
                model cnt_l() {
                  param s = 0.8 : positive
                  for i in 0..n {
                    let ci = c[i] ~ poisson(2.0)
                    obs[i] ~ normal(s * ci, 1)
                  }
                }
                model guide_l() {
                  param rate = 0.5 + 0.3 * x : positive
                  for i in 0..n { c[i] ~ poisson(rate[i]) }
                }
                let obs = choices { obs: x }
                let gt = gradients(elbo(cnt_t(), guide_t(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_t/c": "mvd" })
                let gl = gradients(elbo(cnt_l(), guide_l(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_l/c[*]": "mvd" })
                let result = { rate: compare(gt["guide_t.rate"], gl["guide_l.rate"]),
                               s: compare(gt["cnt_t.s"], gl["cnt_l.s"]) }
                """);
        assertSame(record(r.get("rate")));
        assertSame(record(r.get("s")));
    }

    /**
     * A [6, 2] geometric whose rows are the elements (two entries each, mixed by the model's row sum: 1 + 2 runs)
     * against 12 scalar geometrics c[i * 2 + j]; each entry's G comes from the auxiliary stream in the same order.
     */
    @Test
    void geometricWithTwoEntriesPerElementMatchesTheScalarForm() {
        Map<String, Object> r = run(COMPARE + """
                let y = tensor([1.0, 4.2, 0.3, 2.5, 6.1, 1.7])
                let n = len(y)
                model geo_t() {
                  param s = 0.7 : positive
                  local {
                    c ~ geometric(0.4 * ones(2))
                    obs ~ normal(s * sum(c, axis: 1), 1)
                  }
                }
                model guide_t() {
                  param p = 0.3 + 0.05 * reshape(y, [n, 1]) * ones(1, 2) : unit_interval
                  local { c ~ geometric(p) }
                }
                model geo_l() {
                  param s = 0.7 : positive
                  for i in 0..n {
                    let c0 = c[i * 2] ~ geometric(0.4)
                    let c1 = c[i * 2 + 1] ~ geometric(0.4)
                    obs[i] ~ normal(s * (c0 + c1), 1)
                  }
                }
                model guide_l() {
                  param p = 0.3 + 0.05 * reshape(y, [n, 1]) * ones(1, 2) : unit_interval
                  for i in 0..n {
                    for j in 0..2 { c[i * 2 + j] ~ geometric(p[i, j]) }
                  }
                }
                let obs = choices { obs: y }
                let gt = gradients(elbo(geo_t(), guide_t(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_t/c": "mvd" })
                let gl = gradients(elbo(geo_l(), guide_l(), obs), samples: 300, seed: 3,
                                   estimators: { "guide_l/c[*]": "mvd" })
                let result = { p: compare(gt["guide_t.p"], gl["guide_l.p"]), s: compare(gt["geo_t.s"], gl["geo_l.s"]) }
                """);
        assertSame(record(r.get("p")));
        assertSame(record(r.get("s")));
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
