package org.ppl4j.examples.autoguide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplProgram;

/**
 * The automatic guides against exact posteriors. Each test runs a program through the embedding API at a fixed
 * seed and reads back its top-level {@code result}. Posterior means and sds read from a fit's summary come from S
 * guide draws: their Monte Carlo standard errors are sd / sqrt(S) and sd / sqrt(2 S); each bound below is 4 such
 * errors plus what the test states about the optimisation (a fit ends at a noisy iterate of Adam, and a
 * variational family other than the posterior's has its own optimum).
 */
class AutoGuideTest {
    /** Unknown mean, known noise: the posterior is Normal(3.8742, 0.8138) (see examples/normal_normal.ppl). */
    static final String NORMAL_NORMAL = """
            model normal_model(n) {
              mu ~ normal(0, 10)
              for i in 0..n {
                x[i] ~ normal(mu, 2)
              }
            }
            let data = choices { x: [3.1, 5.2, 2.4, 4.8, 3.5, 4.4] }
            """;
    static final double NN_MEAN = (23.4 / 4) / (1.0 / 100 + 6.0 / 4);
    static final double NN_SD = Math.sqrt(1 / (1.0 / 100 + 6.0 / 4));

    static final String EIGHT_SCHOOLS = """
            let y = [28, 8, -3, 7, -1, 1, 18, 12]
            let sigma = [15, 10, 16, 11, 9, 11, 10, 18]
            model schools() {
              mu ~ normal(0, 5)
              tau ~ halfcauchy(5)
              theta_raw ~ normal(zeros(8), 1)
              obs ~ normal(mu + tau * theta_raw, sigma)
            }
            let obs = choices { obs: y }
            """;

    @SuppressWarnings("unchecked")
    static Map<String, Object> run(String source) {
        try (PplProgram p = Ppl.compile(source, "test.ppl")) {
            return (Map<String, Object>) p.run().get("result");
        }
    }

    static double num(Map<String, Object> r, String field) {
        return (Double) r.get(field);
    }

    /**
     * The posterior is normal, so the mean-field, full-rank and low-rank normals (all of dimension 1 here) and the
     * flow contain it: each must reach it. The guide's own loc and scale are read for auto_normal (no Monte Carlo
     * error); the others from S = 4000 draws. Optimisation allowance: 0.02 (2.5% of the posterior sd); the fit's
     * learning rate decays to 0.02 * 0.999^3000 = 0.001.
     */
    @Test
    void normalNormalReachesTheClosedForm() {
        Map<String, Object> r = run(NORMAL_NORMAL + """
                let fit_with = fn(q) {
                  fit(elbo(normal_model(6), q, data), optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 8,
                      seed: 2, samples: 4000)
                }
                let mf = fit_with(auto_normal(normal_model(6), data))
                let mf_path = fit_with(auto_normal(normal_model(6), data, estimator: "path", name: "path"))
                let mv = fit_with(auto_mvnormal(normal_model(6), data))
                let lr = fit_with(auto_lowrank(normal_model(6), data, rank: 1))
                let fl = fit_with(auto_flow(normal_model(6), data))
                let result = {
                  loc: mf.params["auto_normal(normal_model).mu.loc"],
                  scale: mf.params["auto_normal(normal_model).mu.scale"],
                  path_loc: mf_path.params["path.mu.loc"], path_scale: mf_path.params["path.mu.scale"],
                  mv_mean: mv.posterior.mu.mean, mv_sd: mv.posterior.mu.sd,
                  lr_mean: lr.posterior.mu.mean, lr_sd: lr.posterior.mu.sd,
                  fl_mean: fl.posterior.mu.mean, fl_sd: fl.posterior.mu.sd
                }
                print(result)
                """);
        double allowance = 0.02;
        assertEquals(NN_MEAN, num(r, "loc"), allowance, "auto_normal's loc");
        assertEquals(NN_SD, num(r, "scale"), allowance, "auto_normal's scale");
        // by path, the gradient's variance vanishes where the guide is the posterior: the iterate settles there
        assertEquals(NN_MEAN, num(r, "path_loc"), 1e-4, "auto_normal by path: loc");
        assertEquals(NN_SD, num(r, "path_scale"), 1e-4, "auto_normal by path: scale");
        double meanBound = allowance + 4 * NN_SD / Math.sqrt(4000);
        double sdBound = allowance + 4 * NN_SD / Math.sqrt(2 * 4000);
        for (String g : List.of("mv", "lr", "fl")) {
            assertEquals(NN_MEAN, num(r, g + "_mean"), meanBound, g + ": posterior mean");
            assertEquals(NN_SD, num(r, g + "_sd"), sdBound, g + ": posterior sd");
        }
    }

    /**
     * auto_normal is the mean-field guide one would write by hand (a normal for mu and theta_raw, a lognormal for
     * tau): with the same initial values (init_scale: 1), the same seed and the same optimiser, the two fits take
     * the same steps, and any slip in a bijection, its Jacobian or the order of the draws would part them. Under
     * iwae too (an objective that weighs whole traces).
     */
    @Test
    void autoNormalIsTheHandWrittenMeanFieldGuide() {
        Map<String, Object> r = run(EIGHT_SCHOOLS + """
                model schools_guide() {
                  param mu_loc = 0.0
                  param mu_scale = 1.0 : positive
                  param log_tau_loc = 0.0
                  param log_tau_scale = 1.0 : positive
                  param raw_loc = zeros(8)
                  param raw_scale = ones(8) : positive
                  mu ~ normal(mu_loc, mu_scale)
                  tau ~ lognormal(log_tau_loc, log_tau_scale)
                  theta_raw ~ normal(raw_loc, raw_scale)
                }
                let hand = fit(elbo(schools(), schools_guide(), obs), optimizer: adam(0.02), steps: 200, particles: 2,
                               seed: 3, samples: 10)
                let auto = fit(elbo(schools(), auto_normal(schools(), obs, init_scale: 1), obs), optimizer: adam(0.02),
                               steps: 200, particles: 2, seed: 3, samples: 10)
                let hand_iw = fit(iwae(schools(), schools_guide(), obs, 5), optimizer: adam(0.02), steps: 100, seed: 4,
                                  samples: 10)
                let auto_iw = fit(iwae(schools(), auto_normal(schools(), obs, init_scale: 1, name: "iw"), obs, 5),
                                  optimizer: adam(0.02), steps: 100, seed: 4, samples: 10)
                let result = {
                  hand: [hand.params["schools_guide.mu_loc"], hand.params["schools_guide.mu_scale"],
                         hand.params["schools_guide.log_tau_loc"], hand.params["schools_guide.log_tau_scale"],
                         sum(hand.params["schools_guide.raw_loc"]), sum(hand.params["schools_guide.raw_scale"]),
                         hand_iw.params["schools_guide.log_tau_loc"], hand_iw.params["schools_guide.mu_loc"]],
                  auto: [auto.params["auto_normal(schools).mu.loc"], auto.params["auto_normal(schools).mu.scale"],
                         auto.params["auto_normal(schools).tau.loc"], auto.params["auto_normal(schools).tau.scale"],
                         sum(auto.params["auto_normal(schools).theta_raw.loc"]),
                         sum(auto.params["auto_normal(schools).theta_raw.scale"]),
                         auto_iw.params["iw.tau.loc"], auto_iw.params["iw.mu.loc"]]
                }
                """);
        List<?> hand = (List<?>) r.get("hand");
        List<?> auto = (List<?>) r.get("auto");
        for (int i = 0; i < hand.size(); i++) {
            double h = (Double) hand.get(i);
            assertEquals(h, (Double) auto.get(i), 1e-9 * Math.max(1, Math.abs(h)), "parameter " + i);
        }
        assertTrue(Math.abs((Double) hand.get(0)) > 0.5, "the fit moved: " + hand);
    }

    /**
     * Eight schools, non-centred, against its exact posterior moments: theta integrates out in closed form
     * (y_j | mu, tau ~ Normal(mu, sqrt(sigma_j^2 + tau^2))), so E[mu] and E[tau] are 2-d integrals, taken here on a
     * grid (mu in [-30, 40] by 0.05, log tau in [-12, 6] by 0.005): E[mu] = 4.397, sd 3.318; E[tau] = 3.598,
     * sd 3.220. Mean-field ADVI is known to shrink tau (its guide cannot follow the funnel between tau and
     * theta_raw), so the bound is stated as a share of the posterior sd: within 0.25 sd for mu and tau; the
     * full-rank guide's ELBO must not fall below the mean-field one's (it contains it) by more than 4 standard
     * errors of the difference of two estimates from N = 4000 runs each.
     */
    @Test
    void eightSchoolsAgainstTheExactPosterior() {
        double[] exact = EightSchoolsReference.moments();
        Map<String, Object> r = run(EIGHT_SCHOOLS + """
                let fit_with = fn(q) {
                  fit(elbo(schools(), q, obs), optimizer: adam(0.02, decay: 0.9995), steps: 5000, particles: 2, seed: 3,
                      samples: 4000)
                }
                let mf = fit_with(auto_normal(schools(), obs))
                let mf_elbo = estimate(elbo(schools(), auto_normal(schools(), obs), obs), samples: 4000, seed: 5)
                let mv = fit_with(auto_mvnormal(schools(), obs))
                let mv_elbo = estimate(elbo(schools(), auto_mvnormal(schools(), obs), obs), samples: 4000, seed: 5)
                let result = {
                  mf_mu: mf.posterior.mu.mean, mf_tau: mf.posterior.tau.mean, mf_elbo: mf_elbo.mean, mf_se: mf_elbo.se,
                  mv_mu: mv.posterior.mu.mean, mv_tau: mv.posterior.tau.mean, mv_elbo: mv_elbo.mean, mv_se: mv_elbo.se
                }
                print(result)
                """);
        assertEquals(4.397, exact[0], 0.001, "the reference E[mu]");
        assertEquals(3.598, exact[2], 0.001, "the reference E[tau]");
        for (String g : List.of("mf", "mv")) {
            assertEquals(exact[0], num(r, g + "_mu"), 0.25 * exact[1], g + ": E[mu]");
            assertEquals(exact[2], num(r, g + "_tau"), 0.25 * exact[3], g + ": E[tau]");
        }
        double se = Math.hypot(num(r, "mf_se"), num(r, "mv_se"));
        assertTrue(num(r, "mv_elbo") > num(r, "mf_elbo") - 4 * se, r.toString());
    }

    /**
     * A gamma-Poisson rate (positive), a beta-Bernoulli probability (unit interval) and a Dirichlet-categorical
     * probability vector (simplex) in one model. Exact posteriors: rate ~ Gamma(2 + 37, 1 + 10), mean 3.5455;
     * p ~ Beta(1 + 9, 1 + 3), mean 0.7143; w ~ Dirichlet(1 + 3, 1 + 3, 1 + 9), means 0.2222, 0.2222, 0.5556.
     * auto_normal's optimum has E[rate] = 39 / 11 exactly (for u = log rate ~ Normal(m, s), the ELBO's derivative
     * in m is 39 - 11 E[rate]); for p and w the logistic-normal optimum differs from the exact mean by far less
     * than the allowance of 0.05 posterior sd. Bound: that allowance plus 4 Monte Carlo errors of S = 20000 draws.
     * Leaving out a log-Jacobian moves the optimum by about 1 / 11 for the rate and 0.036 for p, beyond the bounds.
     * auto_delta's optimum is the posterior mode, exactly: (39 - 1) / 11, 9 / 12, and (3, 3, 9) / 15.
     */
    @Test
    void positiveUnitIntervalAndSimplexSites() {
        Map<String, Object> r = run("""
                let counts = [3, 5, 2, 4, 6, 3, 4, 5, 2, 3]
                let flips = [1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1]
                let cats = [0, 2, 2, 1, 2, 0, 2, 2, 1, 2, 2, 0, 2, 1, 2]
                model conjugate() {
                  rate ~ gamma(2, 1)
                  for i in 0..10 { c[i] ~ poisson(rate) }
                  p ~ beta(1, 1)
                  for i in 0..12 { f[i] ~ bernoulli(p) }
                  w ~ dirichlet(tensor([1, 1, 1]))
                  for i in 0..15 { k[i] ~ categorical(w) }
                }
                let obs = choices { c: counts, f: flips, k: cats }
                let q = fit(elbo(conjugate(), auto_normal(conjugate(), obs), obs), optimizer: adam(0.02, decay: 0.999),
                            steps: 4000, particles: 4, seed: 1, samples: 20000)
                let m = fit(elbo(conjugate(), auto_delta(conjugate(), obs), obs), optimizer: adam(0.05), steps: 3000,
                            seed: 1, samples: 1)
                let result = {
                  rate: q.posterior.rate.mean, p: q.posterior.p.mean,
                  w0: q.posterior["w[0]"].mean, w1: q.posterior["w[1]"].mean, w2: q.posterior["w[2]"].mean,
                  map_rate: m.posterior.rate.mean, map_p: m.posterior.p.mean,
                  map_w0: m.posterior["w[0]"].mean, map_w1: m.posterior["w[1]"].mean, map_w2: m.posterior["w[2]"].mean
                }
                print(result)
                """);
        double s = Math.sqrt(20000);
        double rateSd = Math.sqrt(39) / 11;
        assertEquals(39.0 / 11, num(r, "rate"), 0.05 * rateSd + 4 * rateSd / s, "E[rate]");
        double pSd = Math.sqrt(10.0 * 4 / (14 * 14 * 15));
        assertEquals(10.0 / 14, num(r, "p"), 0.05 * pSd + 4 * pSd / s, "E[p]");
        double[] alpha = {4, 4, 10};
        for (int k = 0; k < 3; k++) {
            double mean = alpha[k] / 18;
            double sd = Math.sqrt(alpha[k] * (18 - alpha[k]) / (18.0 * 18 * 19));
            assertEquals(mean, num(r, "w" + k), 0.05 * sd + 4 * sd / s, "E[w[" + k + "]]");
        }
        assertEquals(38.0 / 11, num(r, "map_rate"), 1e-3, "the MAP of rate");
        assertEquals(0.75, num(r, "map_p"), 1e-3, "the MAP of p");
        assertEquals(0.2, num(r, "map_w0"), 1e-3, "the MAP of w[0]");
        assertEquals(0.2, num(r, "map_w1"), 1e-3, "the MAP of w[1]");
        assertEquals(0.6, num(r, "map_w2"), 1e-3, "the MAP of w[2]");
    }

    /**
     * Neal's funnel (v ~ Normal(0, 1.5), x ~ Normal(0, exp(v / 2))) has no observations, so log p(x) = 0 and
     * -ELBO is the KL divergence from the guide to the funnel. A mean-field normal cannot follow the neck; a flow
     * of coupling layers can: its ELBO, estimated from N = 2000 runs at the fitted parameters, must be higher by
     * more than 4 standard errors of the difference. By path, the flow's estimate has a smaller spread than by
     * reparam (sticking the landing: the score term is gone as q nears p).
     */
    @Test
    void aFlowBeatsMeanFieldOnAFunnel() {
        Map<String, Object> r = run("""
                model funnel() {
                  v ~ normal(0, 1.5)
                  x ~ normal(0, exp(v / 2))
                }
                let none = choices {}
                let fit_with = fn(q) {
                  fit(elbo(funnel(), q, none), optimizer: adam(0.01, decay: 0.999), steps: 2500, particles: 4, seed: 1,
                      samples: 10)
                }
                let mf = fit_with(auto_normal(funnel(), none))
                let fl = fit_with(auto_flow(funnel(), none, layers: 4))
                let fp = fit_with(auto_flow(funnel(), none, layers: 4, estimator: "path", name: "by_path"))
                let result = {
                  mf: estimate(elbo(funnel(), auto_normal(funnel(), none), none), samples: 2000, seed: 9),
                  fl: estimate(elbo(funnel(), auto_flow(funnel(), none), none), samples: 2000, seed: 9),
                  fp: estimate(elbo(funnel(), auto_flow(funnel(), none, name: "by_path"), none), samples: 2000, seed: 9)
                }
                print(result)
                """);
        @SuppressWarnings("unchecked")
        Map<String, Object> mf = (Map<String, Object>) r.get("mf");
        @SuppressWarnings("unchecked")
        Map<String, Object> fl = (Map<String, Object>) r.get("fl");
        @SuppressWarnings("unchecked")
        Map<String, Object> fp = (Map<String, Object>) r.get("fp");
        for (Map<String, Object> flow : List.of(fl, fp)) {
            double se = Math.hypot(num(mf, "se"), num(flow, "se"));
            assertTrue(num(flow, "mean") > num(mf, "mean") + 4 * se, "flow " + flow + " vs mean-field " + mf);
            assertTrue(num(flow, "mean") <= 4 * num(flow, "se"), "an ELBO above log p(x) = 0: " + flow);
        }
        assertTrue(num(fp, "sd") < num(fl, "sd"), "by path " + fp + ", by reparam " + fl);
    }

    /**
     * Choices inside local { } get parameters per data point: z_i ~ Normal(0, 1), y_i ~ Normal(z_i, 0.5) has the
     * posterior z_i ~ Normal(0.8 y_i, sqrt(0.2)), which a mean-field guide contains; by path the fit settles there.
     */
    @Test
    void localChoicesGetParametersPerDataPoint() {
        Map<String, Object> r = run("""
                model latent(n) {
                  local {
                    let zs = z ~ normal(zeros(n), 1)
                    y ~ normal(zs, 0.5)
                  }
                }
                let obs = choices { y: tensor([1.0, -0.5, 0.3, 2.0]) }
                let q = fit(elbo(latent(4), auto_normal(latent(4), obs, estimator: "path"), obs),
                            optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 2, seed: 1, samples: 10)
                let result = { loc: q.params["auto_normal(latent).z.loc"], scale: q.params["auto_normal(latent).z.scale"] }
                """);
        double[] loc = (double[]) r.get("loc");
        double[] scale = (double[]) r.get("scale");
        double[] y = {1.0, -0.5, 0.3, 2.0};
        assertEquals(4, loc.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(0.8 * y[i], loc[i], 1e-3, "loc " + i);
            assertEquals(Math.sqrt(0.2), scale[i], 1e-3, "scale " + i);
        }
    }

    /**
     * Per-datum parameters under minibatching: mu ~ Normal(0, 5), z_i ~ Normal(mu, 1), y_i ~ Normal(z_i, 0.5) for
     * eight data points, fitted on the whole data and on batches of 4 (each batch's z's parameters are the rows of
     * its data points). The posterior is Gaussian, so the mean-field optimum is known: the exact posterior means
     * (E[mu] = (sum y / 1.25) / (1/25 + N / 1.25), E[z_i] = (E[mu] + 4 y_i) / 5) and scales 1 / sqrt(diagonal of
     * the posterior precision) (mu: 1 / sqrt(1/25 + N), z: 1 / sqrt(5)). Both fits (seed 1, 3000 steps by path)
     * must be within 0.03 of it in every loc and scale (the path gradient is not zero at a mean-field optimum of a
     * correlated posterior, and batches add noise: at this seed the errors are at most 0.011 and 0.012), and so
     * within 0.03 + 0.03 of each other.
     */
    @Test
    void localSitesKeepTheirParametersAcrossMinibatches() {
        Map<String, Object> r = run("""
                model h(x) {
                  mu ~ normal(0, 5)
                  local {
                    let zs = z ~ normal(mu + zeros(len(x)), 1)
                    y ~ normal(zs, 0.5)
                  }
                }
                let d = tensor([1.0, -0.5, 0.3, 2.0, 1.4, 0.2, 2.5, 0.9])
                let g = fn(x, name) { auto_normal(h(x), choices { y: x }, estimator: "path", name: name) }
                let full = fit(elbo(h(d), g(d, "full"), choices { y: d }), optimizer: adam(0.02, decay: 0.999),
                               steps: 3000, particles: 2, seed: 1, samples: 10)
                let mb = fit(fn(x) { elbo(h(x), g(x, "mb"), choices { y: x }) }, data: d, batch: 4,
                             optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 2, seed: 1, samples: 10)
                let result = { full: full.params, mb: mb.params }
                """);
        double[] y = {1.0, -0.5, 0.3, 2.0, 1.4, 0.2, 2.5, 0.9};
        int n = y.length;
        double mu = 0;
        for (double v : y) {
            mu += v / 1.25;
        }
        mu /= 1.0 / 25 + n / 1.25;
        for (String fit : List.of("full", "mb")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) r.get(fit);
            assertEquals(mu, (Double) p.get(fit + ".mu.loc"), 0.03, fit + " mu.loc");
            assertEquals(1 / Math.sqrt(1.0 / 25 + n), (Double) p.get(fit + ".mu.scale"), 0.03, fit + " mu.scale");
            double[] loc = (double[]) p.get(fit + ".z.loc");
            double[] scale = (double[]) p.get(fit + ".z.scale");
            assertEquals(n, loc.length, fit + ": one z per datum of the data set");
            for (int i = 0; i < n; i++) {
                assertEquals((mu + 4 * y[i]) / 5, loc[i], 0.03, fit + " z.loc " + i);
                assertEquals(1 / Math.sqrt(5), scale[i], 0.03, fit + " z.scale " + i);
            }
        }
    }

    /**
     * A discrete site left to the user's guide ({@code rest:}): k ~ Bernoulli(0.3), y1 ~ Normal(3 k, 1) with y1 = 2,
     * and mu ~ Normal(0, 2) with four y_i ~ Normal(mu, 1). The posterior factorises: P(k = 1 | y1) = 0.3 e^-0.5 /
     * (0.3 e^-0.5 + 0.7 e^-2) = 0.6576, mu ~ Normal(5.2 / 4.25, 1 / sqrt(4.25)). The user's guide enumerates k (exact
     * gradient) and the automatic part is fitted by path, so both reach the posterior: the parameters to 1e-3 (no
     * Monte Carlo error; what is left is Adam's last steps, learning rate 0.02 * 0.999^3000 = 0.001). The posterior
     * mean of k from S = 4000 draws: within 4 standard errors, 4 sqrt(0.6576 * 0.3424 / 4000) = 0.030.
     */
    @Test
    void discreteSitesAreLeftToTheUsersGuide() {
        Map<String, Object> r = run("""
                model mix(n) {
                  k ~ bernoulli(0.3)
                  y1 ~ normal(3 * k, 1)
                  mu ~ normal(0, 2)
                  for i in 0..n {
                    y[i] ~ normal(mu, 1)
                  }
                }
                model kguide() {
                  param pk = 0.5 : unit_interval
                  k ~ bernoulli(pk) by enum
                }
                let obs = choices { y1: 2.0, y: [1.2, 0.4, 2.1, 1.5] }
                let q = fit(elbo(mix(4), auto_normal(mix(4), obs, rest: kguide(), estimator: "path"), obs),
                            optimizer: adam(0.02, decay: 0.999), steps: 3000, particles: 2, seed: 1, samples: 4000)
                let result = { pk: q.params["kguide.pk"], loc: q.params["auto_normal(mix).mu.loc"],
                               scale: q.params["auto_normal(mix).mu.scale"], k_mean: q.posterior.k.mean }
                """);
        double pk = 0.3 * Math.exp(-0.5) / (0.3 * Math.exp(-0.5) + 0.7 * Math.exp(-2));
        assertEquals(pk, num(r, "pk"), 1e-3, "P(k = 1 | y)");
        assertEquals(5.2 / 4.25, num(r, "loc"), 1e-3, "E[mu | y]");
        assertEquals(1 / Math.sqrt(4.25), num(r, "scale"), 1e-3, "sd[mu | y]");
        assertEquals(pk, num(r, "k_mean"), 4 * Math.sqrt(pk * (1 - pk) / 4000), "mean of k's draws");
    }

    /** The user's guide draws the discrete sites only: one that draws a continuous site too is an error. */
    @Test
    void theUsersGuideDrawsOnlyTheDiscreteSites() {
        try (PplProgram p = Ppl.compile("""
                model mix() {
                  k ~ bernoulli(0.3)
                  mu ~ normal(3 * k, 1)
                }
                model both() {
                  k ~ bernoulli(0.5)
                  mu ~ normal(0, 1)
                }
                let q = fit(elbo(mix(), auto_normal(mix(), choices {}, rest: both()), choices {}), steps: 2)
                """, "rest.ppl")) {
            PplException e = org.junit.jupiter.api.Assertions.assertThrows(PplException.class, p::run);
            assertTrue(e.getMessage().contains("the guide both (rest:) draws 'mu', which is not a discrete latent"),
                    e.getMessage());
        }
    }

    /** Without rest:, a model with discrete latents is an error at the call, naming every discrete site. */
    @Test
    void discreteSitesWithoutRestAreAnErrorNamingThem() {
        try (PplProgram p = Ppl.compile("""
                model mixture() {
                  p ~ beta(1, 1)
                  k ~ bernoulli(p)
                  n ~ poisson(3)
                }
                let q = auto_normal(mixture(), choices {})
                """, "discrete.ppl")) {
            PplException e = org.junit.jupiter.api.Assertions.assertThrows(PplException.class, p::run);
            assertEquals(6, e.line());
            assertTrue(e.getMessage().contains("discrete latent sites: 'k' (bernoulli), 'n' (poisson)")
                    && e.getMessage().contains("rest:"), e.getMessage());
        }
    }
}
