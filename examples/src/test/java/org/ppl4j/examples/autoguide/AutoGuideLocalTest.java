package org.ppl4j.examples.autoguide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.autoguide.AutoGuideTest.num;
import static org.ppl4j.examples.autoguide.AutoGuideTest.run;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Local (per-datum) sites under every automatic guide: amortised by an encoder ({@code amortise:}), joint guides
 * over the global sites with per-datum normals for the local ones, and a {@code rest:} guide that reads the
 * automatic part's draws. Each against an exact posterior.
 */
class AutoGuideLocalTest {
    static final double[] Y16 = {1.0, -0.5, 0.3, 2.0, 1.4, 0.2, 2.5, 0.9, -1.2, 0.7, 1.8, -0.3, 0.4, 1.1, -0.8, 0.0};

    /**
     * z_i ~ Normal(0, 1), y_i ~ Normal(z_i, 0.5): the posterior is z_i ~ Normal(0.8 y_i, sqrt(0.2)). The encoder
     * loc = w y + b, log_scale = s contains it (w = 0.8, b = 0, s = log sqrt(0.2)), and by path the gradient
     * vanishes there for every datum, so minibatches of 4 of 16 settle on it: the weights to 1e-3 (what is left is
     * Adam's last steps). The amortised posterior means from S = 4000 draws (seed 1) of the whole data set: within
     * 4 standard errors, 4 sqrt(0.2 / 4000) = 0.028, of the exact 0.8 y_i. auto_delta with the same encoder finds the per-datum MAP, 0.8 y_i, too.
     */
    @Test
    void anEncoderAmortisesTheLocalSites() {
        StringBuilder data = new StringBuilder();
        for (double y : Y16) {
            data.append(data.length() == 0 ? "" : ", ").append(y);
        }
        Map<String, Object> r = run("""
                model latent(x) {
                  local {
                    let zs = z ~ normal(zeros(len(x)), 1)
                    y ~ normal(zs, 0.5)
                  }
                }
                model enc(x) {
                  param w = 0.0
                  param b = 0.0
                  param s = 0.0
                  return { z: { loc: w * x + b, log_scale: s + zeros(len(x)) } }
                }
                model point(x) {
                  param w = 0.0
                  return { z: { loc: w * x } }
                }
                let d = tensor([%s])
                let g = fn(x) { auto_normal(latent(x), choices { y: x }, amortise: enc(x), estimator: "path") }
                let q = fit(fn(x) { elbo(latent(x), g(x), choices { y: x }) }, data: d, batch: 4,
                            optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 2, seed: 1, samples: 10)
                let m = fit(fn(x) { elbo(latent(x), auto_delta(latent(x), choices { y: x }, amortise: point(x)),
                                         choices { y: x }) }, data: d, batch: 4, optimizer: adam(0.02, decay: 0.999),
                            steps: 3000, seed: 1, samples: 1)
                let dr = draws(q, 4000)
                let result = { w: q.params["enc.w"], b: q.params["enc.b"], s: q.params["enc.s"],
                               means: mean(dr.z, axis: 0), map_w: m.params["point.w"] }
                """.formatted(data));
        assertEquals(0.8, num(r, "w"), 1e-3, "encoder weight");
        assertEquals(0.0, num(r, "b"), 1e-3, "encoder bias");
        assertEquals(Math.log(Math.sqrt(0.2)), num(r, "s"), 1e-3, "encoder log scale");
        assertEquals(0.8, num(r, "map_w"), 1e-3, "auto_delta's encoder: the per-datum MAP");
        double[] means = (double[]) r.get("means");
        assertEquals(Y16.length, means.length, "draws of the whole data set, one column per datum");
        for (int i = 0; i < Y16.length; i++) {
            assertEquals(0.8 * Y16[i], means[i], 4 * Math.sqrt(0.2 / 4000), "E[z_" + i + " | y]");
        }
    }

    /**
     * A joint guide with local sites: a ~ Normal(0, 5), b ~ Normal(0, 5), z_i ~ Normal(a + b t_i, 1), y_i ~
     * Normal(z_i, 0.5), eight data points. auto_mvnormal is joint over (a, b) and a per-datum normal for each z_i.
     * The posterior is Gaussian with precision L and the family is q(a, b) prod q(z_i), whose KL optimum is known:
     * the exact posterior means, cov(a, b) = inverse of L's (a, b) block, sd(z_i) = 1 / sqrt(L_ii) = 1 / sqrt(5).
     * The guide's own parameters are read (no Monte Carlo error). Fitted by path on the whole data and on batches of
     * 4 (seed 1, 3000 steps): every mean within 0.1 of that variable's optimal sd (the batches' noise at Adam's last
     * iterate: at this seed at most 0.07 of it), every sd within 0.03 and corr(a, b) within 0.03 (at most 0.002
     * here); corr(a, b) is -0.89, which a mean-field guide (0) misses.
     */
    @Test
    void jointGuidesHaveLocalSitesOnMinibatches() {
        double[] t = {0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0};
        double[] y = {1.2, 1.9, 2.1, 3.4, 3.3, 4.6, 4.8, 6.1};
        Map<String, Object> r = run("""
                model reg(t) {
                  a ~ normal(0, 5)
                  b ~ normal(0, 5)
                  local {
                    let zs = z ~ normal(a + b * t, 1)
                    y ~ normal(zs, 0.5)
                  }
                }
                let d = { t: tensor([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]),
                          y: tensor([1.2, 1.9, 2.1, 3.4, 3.3, 4.6, 4.8, 6.1]) }
                let g = fn(x, name) { auto_mvnormal(reg(x.t), choices { y: x.y }, estimator: "path", name: name) }
                let full = fit(elbo(reg(d.t), g(d, "full"), choices { y: d.y }), optimizer: adam(0.02, decay: 0.999),
                               steps: 3000, particles: 2, seed: 1, samples: 10)
                let mb = fit(fn(x) { elbo(reg(x.t), g(x, "mb"), choices { y: x.y }) }, data: d, batch: 4,
                             optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 2, seed: 1, samples: 10)
                let result = { full: full.params, mb: mb.params }
                """);
        int n = t.length;
        int dim = n + 2;
        double[][] prec = new double[dim][dim];
        double[] h = new double[dim];
        prec[0][0] = prec[1][1] = 1.0 / 25;
        for (int i = 0; i < n; i++) {
            double[] u = new double[dim];
            u[0] = -1;
            u[1] = -t[i];
            u[2 + i] = 1;
            for (int j = 0; j < dim; j++) {
                for (int k = 0; k < dim; k++) {
                    prec[j][k] += u[j] * u[k];
                }
            }
            prec[2 + i][2 + i] += 4;
            h[2 + i] = 4 * y[i];
        }
        double[] mean = solve(prec, h);
        double det = prec[0][0] * prec[1][1] - prec[0][1] * prec[0][1];
        double sdA = Math.sqrt(prec[1][1] / det);
        double sdB = Math.sqrt(prec[0][0] / det);
        double corr = -prec[0][1] / det / (sdA * sdB);
        assertTrue(corr < -0.8, "a strongly correlated pair: " + corr);
        for (String fit : List.of("full", "mb")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) r.get(fit);
            double[] loc = (double[]) p.get(fit + ".loc");
            double[][] lower = (double[][]) p.get(fit + ".scale_lower");
            double[] diag = (double[]) p.get(fit + ".scale_diag");
            // L = strictly lower part + diag; cov = L L^T
            double l00 = diag[0];
            double l10 = lower[1][0];
            double l11 = diag[1];
            double fitSdA = Math.abs(l00);
            double fitSdB = Math.hypot(l10, l11);
            double fitCorr = l00 * l10 / (fitSdA * fitSdB);
            assertEquals(mean[0], loc[0], 0.1 * sdA, fit + ": E[a]");
            assertEquals(mean[1], loc[1], 0.1 * sdB, fit + ": E[b]");
            assertEquals(sdA, fitSdA, 0.03, fit + ": sd(a)");
            assertEquals(sdB, fitSdB, 0.03, fit + ": sd(b)");
            assertEquals(corr, fitCorr, 0.03, fit + ": corr(a, b)");
            double[] zLoc = (double[]) p.get(fit + ".z.loc");
            double[] zScale = (double[]) p.get(fit + ".z.scale");
            assertEquals(n, zLoc.length, fit + ": one z per datum of the data set");
            for (int i = 0; i < n; i++) {
                assertEquals(mean[2 + i], zLoc[i], 0.1 / Math.sqrt(5), fit + ": E[z_" + i + "]");
                assertEquals(1 / Math.sqrt(5), zScale[i], 0.03, fit + ": sd(z_" + i + ")");
            }
        }
    }

    /** The solution of a x = b by Gaussian elimination with partial pivoting (a is copied). */
    static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[p][c])) {
                    p = i;
                }
            }
            double[] tr = a[c];
            a[c] = a[p];
            a[p] = tr;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j < n; j++) {
                    a[i][j] -= f * a[c][j];
                }
                b[i] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    /**
     * A rest: guide that reads the automatic part's draw: mu ~ Normal(0, 1), k ~ Bernoulli(sigmoid(mu)), y ~
     * Normal(mu, 1) with y = 1. The posterior is mu ~ Normal(0.5, sqrt(0.5)) and P(k = 1 | mu, y) = sigmoid(mu): the
     * guide k ~ Bernoulli(sigmoid(a + b mu)), given mu by rest: fn(v) { kguide(v.mu) }, contains it at a = 0, b = 1,
     * where (k enumerated, mu by path) the gradient vanishes: the fit lands there to 1e-3. A rest guide that cannot
     * see mu (mean-field between the parts) has no b, and its best P(k = 1) is a constant.
     */
    @Test
    void theRestGuideReadsTheAutomaticPartsDraws() {
        Map<String, Object> r = run("""
                model m() {
                  mu ~ normal(0, 1)
                  k ~ bernoulli(sigmoid(mu))
                  y ~ normal(mu, 1)
                }
                model kguide(mu) {
                  param a = 0.0
                  param b = 0.0
                  k ~ bernoulli(sigmoid(a + b * mu)) by enum
                }
                let obs = choices { y: 1.0 }
                let q = fit(elbo(m(), auto_normal(m(), obs, rest: fn(v) { kguide(v.mu) }, estimator: "path"), obs),
                            optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 2, seed: 1, samples: 10)
                let result = { a: q.params["kguide.a"], b: q.params["kguide.b"], loc: q.params["auto_normal(m).mu.loc"],
                               scale: q.params["auto_normal(m).mu.scale"] }
                """);
        assertEquals(0.0, num(r, "a"), 1e-3, "a");
        assertEquals(1.0, num(r, "b"), 1e-3, "b: q(k | mu) follows mu");
        assertEquals(0.5, num(r, "loc"), 1e-3, "E[mu | y]");
        assertEquals(Math.sqrt(0.5), num(r, "scale"), 1e-3, "sd[mu | y]");
    }
}
