package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.objectives.Results.record;
import static org.ppl4j.examples.objectives.Results.run;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stdlib's {@code vimco} against VIMCO's estimator computed exactly. Model: which coin was flipped (heads
 * probability 0.3 or 0.8, prior 1/2), 6 heads in 8 flips observed; guide: which ~ Bernoulli(r), r = 0.5. The
 * gradient is with respect to the unconstrained parameter logit(r), where the score of a draw z is z - r.
 *
 * <p>With k particles there are 2^k equally likely draws (r = 0.5), so every moment of an estimator is a finite
 * sum: VIMCO's estimate for a draw is sum_j (L - L_{-j} - wt_j) (z_j - r), with L the log mean of the weights,
 * L_{-j} the same with log w_j replaced by the mean of the other log weights, and wt_j the normalised weights
 * (the pathwise part, through log q in the weights).
 */
class VimcoTest {
    private static final int[] FLIPS = {1, 1, 0, 1, 1, 0, 1, 1};
    private static final double R = 0.5;

    private static final String PROGRAM = """
            model coins(n) {
              which ~ bernoulli(0.5)
              let p = 0.3 + 0.5 * which
              for i in 0..n {
                flip[i] ~ bernoulli(p)
              }
            }
            model coins_guide() {
              param r = 0.5 : unit_interval
              which ~ bernoulli(r)
            }
            let obs = choices { flip: [1, 1, 0, 1, 1, 0, 1, 1] }
            """;

    private static double logJoint(int which) {
        double p = 0.3 + 0.5 * which;
        double lp = Math.log(0.5);
        for (int f : FLIPS) {
            lp += Math.log(f == 1 ? p : 1 - p);
        }
        return lp;
    }

    private static double logMeanExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s / x.length);
    }

    private static double[] logWeights(int draw, int k, double r) {
        double[] w = new double[k];
        for (int j = 0; j < k; j++) {
            int z = (draw >> j) & 1;
            w[j] = logJoint(z) - Math.log(z == 1 ? r : 1 - r);
        }
        return w;
    }

    /** IWAE(k) at r, exactly: the mean of the bound over all 2^k draws with their probabilities. */
    private static double iwae(int k, double r) {
        double total = 0;
        for (int draw = 0; draw < (1 << k); draw++) {
            double prob = 1;
            for (int j = 0; j < k; j++) {
                prob *= ((draw >> j) & 1) == 1 ? r : 1 - r;
            }
            total += prob * logMeanExp(logWeights(draw, k, r));
        }
        return total;
    }

    /** VIMCO's estimate of d IWAE / d logit(r) for one draw. */
    private static double vimcoEstimate(int draw, int k) {
        double[] w = logWeights(draw, k, R);
        double bound = logMeanExp(w);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : w) {
            max = Math.max(max, v);
        }
        double norm = 0;
        for (double v : w) {
            norm += Math.exp(v - max);
        }
        double sumW = 0;
        for (double v : w) {
            sumW += v;
        }
        double g = 0;
        for (int j = 0; j < k; j++) {
            double[] replaced = w.clone();
            replaced[j] = (sumW - w[j]) / (k - 1);
            double weight = Math.exp(w[j] - max) / norm;
            g += (bound - logMeanExp(replaced) - weight) * (((draw >> j) & 1) - R);
        }
        return g;
    }

    /**
     * For k = 2 and 5: N = 4000 gradient estimates of vimco (seed 1) against the exact gradient of IWAE(k)
     * (central differences of the exact IWAE(k) in logit(r), h = 1e-5), and their sample variance against the
     * exact variance of VIMCO's estimator. Bounds: 5 standard errors of the mean (from the sample variance) and
     * 5 standard errors of the sample variance (sqrt((mu4 - sigma^4) / N), mu4 the exact fourth central moment).
     * The same N estimates of iwae with the score function and no baseline must have a variance above VIMCO's
     * exact variance plus those 5 standard errors (it is 24 against 0.066 at k = 5).
     */
    @Test
    void vimcoIsUnbiasedForTheIwaeGradientWithVimcosVariance() {
        Map<String, Object> r = record(run(PROGRAM + """
                fn stats(k) {
                  let o = iwae(coins(8), coins_guide(), obs, k)
                  {
                    vimco: gradients(vimco(coins(8), coins_guide(), obs, k), samples: 4000, seed: 1)["coins_guide.r"],
                    plain: gradients(o, samples: 4000, seed: 1,
                                     estimators: { "which": "reinforce(baseline: none)" })["coins_guide.r"],
                    value: estimate(vimco(coins(8), coins_guide(), obs, k), samples: 200, seed: 2).mean,
                    iwae: estimate(o, samples: 200, seed: 2).mean
                  }
                }
                let result = { k2: stats(2), k5: stats(5) }
                """));
        int n = 4000;
        for (int k : new int[] {2, 5}) {
            Map<String, Object> s = record(r.get("k" + k));
            double h = 1e-5;
            double logit = Math.log(R / (1 - R));
            double exact = (iwae(k, 1 / (1 + Math.exp(-(logit + h)))) - iwae(k, 1 / (1 + Math.exp(-(logit - h)))))
                    / (2 * h);
            double m1 = 0;
            double m2 = 0;
            double m4 = 0;
            int draws = 1 << k;
            for (int d = 0; d < draws; d++) {
                m1 += vimcoEstimate(d, k) / draws;
            }
            for (int d = 0; d < draws; d++) {
                double c = vimcoEstimate(d, k) - m1;
                m2 += c * c / draws;
                m4 += c * c * c * c / draws;
            }
            assertEquals(exact, m1, 1e-8, "VIMCO's estimator is unbiased (exactly, by enumeration), k = " + k);
            Map<String, Object> vimco = record(s.get("vimco"));
            double mean = (Double) vimco.get("mean");
            double variance = (Double) vimco.get("variance");
            assertEquals(exact, mean, 5 * Math.sqrt(variance / n), "mean of vimco's gradients, k = " + k);
            double varianceSe = Math.sqrt((m4 - m2 * m2) / n);
            assertEquals(m2, variance, 5 * varianceSe, "variance of vimco's gradients is VIMCO's, k = " + k);
            double plain = (Double) record(s.get("plain")).get("variance");
            assertTrue(plain > m2 + 5 * varianceSe, "plain REINFORCE has more variance: " + plain + " vs " + variance);
            assertEquals((Double) s.get("iwae"), (Double) s.get("value"), 1e-12, "vimco's value is IWAE(k)'s");
        }
    }
}
