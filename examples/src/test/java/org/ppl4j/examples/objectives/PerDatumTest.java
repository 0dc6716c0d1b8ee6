package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.objectives.Results.record;
import static org.ppl4j.examples.objectives.Results.run;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.PplException;

/**
 * Per-datum objectives: {@code density(p, t, keep: "data")} keeps one log density per datum of a model's local
 * choices, so the stdlib's iwae and vimco take the log-mean-exp over each datum's own particles and add the data
 * with data_sum (times N / B on a minibatch). The reference is each datum's own objective computed one by one, in
 * a loop, from the same draws (one random choice per particle, so the vectorised and looped draws agree).
 */
class PerDatumTest {
    /** A model and guide with one local latent per datum (one [B, 1] choice), and the loop references. */
    static final String PROGRAM = """
            let xs = tensor([[0.5], [1.5], [-0.3], [2.2], [0.9], [1.1], [0.4], [-1.0]])
            model m(x) {
              param c = 0.2
              local {
                z ~ normal(zeros(len(x), 1), 1)
                x ~ normal(z + c, 1)
              }
            }
            model g(x) {
              param a = 0.3
              param s = 0.8 : positive
              local { z ~ normal(a * x, s) }
            }
            // datum b's log weights, one per particle: the one-datum batch's densities (local, so scaled by N / B
            // in a minibatch fit, and divided by it here)
            fn datum(zs, x, b, scale) {
              let xb = reshape(x[b], [1, 1])
              let lq = map(zs, fn(t) { density(g(xb), choices { z: reshape(t.z[b], [1, 1]) }) / scale })
              let lp = map(zs, fn(t) { density(m(xb), choices { z: reshape(t.z[b], [1, 1]), x: xb }) / scale })
              return { lq: lq, lp: lp, w: lp - lq }
            }
            objective iwae_loop(x, k, scale) {
              let zs = replicate(k) { z ~ sim(g(x)) }
              let total = 0
              for b in 0..len(x) {
                total = total + logmeanexp(datum(zs, x, b, scale).w)
              }
              return scale * total
            }
            objective vimco_loop(x, k, scale) {
              let zs = replicate(k) { z ~ sim(detach(g(x))) }
              let total = 0
              for b in 0..len(x) {
                let d = datum(zs, x, b, scale)
                let bound = logmeanexp(d.w)
                let signal = bound - leave_one_out_bounds(d.w)
                total = total + bound + sum(detach(signal) * (d.lq - detach(d.lq)))
              }
              return scale * total
            }
            // reweighted wake-sleep per datum: datum b's k particles weighed by their own self-normalised weights
            objective p_wake_loop(x, k, scale) {
              let zs = replicate(k) { z ~ sim(detach(g(x))) }
              let total = 0
              for b in 0..len(x) {
                let d = datum(zs, x, b, scale)
                total = total + sum(detach(softmax(d.w)) * d.lp)
              }
              return scale * total
            }
            objective q_wake_loop(x, k, scale) {
              let zs = replicate(k) { z ~ sim(detach(g(x))) }
              let total = 0
              for b in 0..len(x) {
                let d = datum(zs, x, b, scale)
                total = total + sum(detach(softmax(d.w)) * d.lq)
              }
              return scale * total
            }
            """;

    /**
     * On minibatches of 4 of the 8 points (N / B = 2), two steps: each step's IWAE(5) and VIMCO(5) values equal the
     * loop's to 1e-9, and so do the gradients (the second step starts from the parameters the first moved, so its
     * value agrees only if the first step's gradient did too).
     */
    @Test
    void iwaeAndVimcoOnAMinibatchAreThePerDatumLoopObjective() {
        Map<String, Object> r = record(run(PROGRAM + """
                fn history(f) {
                  fit(f, data: xs, batch: 4, shuffle: false, epochs: 1, samples: 1, seed: 3).objective.history
                }
                let result = {
                  iwae: history(fn(x) { iwae(m(x), g(x), choices { x: x }, 5) }),
                  iwae_loop: history(fn(x) { iwae_loop(x, 5, 2) }),
                  vimco: history(fn(x) { vimco(m(x), g(x), choices { x: x }, 5) }),
                  vimco_loop: history(fn(x) { vimco_loop(x, 5, 2) }),
                  grad: gradients(iwae(m(xs), g(xs), choices { x: xs }, 5), samples: 3, seed: 4),
                  grad_loop: gradients(iwae_loop(xs, 5, 1), samples: 3, seed: 4),
                  vgrad: gradients(vimco(m(xs), g(xs), choices { x: xs }, 5), samples: 3, seed: 4),
                  vgrad_loop: gradients(vimco_loop(xs, 5, 1), samples: 3, seed: 4)
                }
                """));
        assertLoopForm(r, new String[] {"iwae", "vimco"},
                Map.of("grad", new String[] {"g.a", "g.s"}, "vgrad", new String[] {"g.a", "g.s"}));
    }

    /**
     * Each objective's fit history (field o) equals its loop form's (o_loop) to 1e-9, and each gradients record
     * (field gr) the loop form's (gr_loop), value and the mean gradient of each named parameter (not zero).
     */
    private static void assertLoopForm(Map<String, Object> r, String[] objectives, Map<String, String[]> gradients) {
        for (String o : objectives) {
            double[] h = (double[]) r.get(o);
            double[] loop = (double[]) r.get(o + "_loop");
            assertEquals(2, h.length);
            for (int i = 0; i < 2; i++) {
                assertEquals(loop[i], h[i], 1e-9, o + " step " + i);
            }
        }
        for (Map.Entry<String, String[]> e : gradients.entrySet()) {
            Map<String, Object> g = record(r.get(e.getKey()));
            Map<String, Object> loop = record(r.get(e.getKey() + "_loop"));
            assertEquals((Double) loop.get("objective"), (Double) g.get("objective"), 1e-9, e.getKey());
            for (String p : e.getValue()) {
                double want = (Double) record(loop.get(p)).get("mean");
                assertNotEquals(0.0, want, e.getKey() + " " + p);
                assertEquals(want, (Double) record(g.get(p)).get("mean"), 1e-9, e.getKey() + " " + p);
            }
        }
    }

    /**
     * p_wake and q_wake on minibatches of 4 of the 8 points (N / B = 2), two steps: each step's value equals the
     * per-datum loop's (each datum's k = 5 particles weighed by their own self-normalised weights) to 1e-9, and so
     * do the gradients on the full data (p_wake's for the model's parameter, q_wake's for the guide's).
     */
    @Test
    void wakePhasesOnAMinibatchAreThePerDatumLoopObjective() {
        Map<String, Object> r = record(run(PROGRAM + """
                fn history(f) {
                  fit(f, data: xs, batch: 4, shuffle: false, epochs: 1, samples: 1, seed: 3).objective.history
                }
                let result = {
                  p_wake: history(fn(x) { p_wake(m(x), g(x), choices { x: x }, 5) }),
                  p_wake_loop: history(fn(x) { p_wake_loop(x, 5, 2) }),
                  q_wake: history(fn(x) { q_wake(m(x), g(x), choices { x: x }, 5) }),
                  q_wake_loop: history(fn(x) { q_wake_loop(x, 5, 2) }),
                  pgrad: gradients(p_wake(m(xs), g(xs), choices { x: xs }, 5), samples: 3, seed: 4),
                  pgrad_loop: gradients(p_wake_loop(xs, 5, 1), samples: 3, seed: 4),
                  qgrad: gradients(q_wake(m(xs), g(xs), choices { x: xs }, 5), samples: 3, seed: 4),
                  qgrad_loop: gradients(q_wake_loop(xs, 5, 1), samples: 3, seed: 4)
                }
                """));
        assertLoopForm(r, new String[] {"p_wake", "q_wake"},
                Map.of("pgrad", new String[] {"m.c"}, "qgrad", new String[] {"g.a", "g.s"}));
    }

    /**
     * The mean over an epoch of minibatch estimates has the full-data objective's expectation, for per-datum IWAE(5)
     * and for p_wake with k = 5: 400 epochs of two batches of 4 (seed 5) against 800 full-data estimates (seed 6),
     * parameters held (a learning rate of 1e-300); the difference of the means must be within 4.5 standard errors,
     * estimated from the two samples' variances. (The whole-batch weighting this replaces, logmeanexp of each
     * particle's whole minibatch weight with N / B inside, has another expectation.)
     */
    @Test
    void theMeanOfAnEpochOfMinibatchEstimatesIsTheFullDataObjective() {
        for (String objective : new String[] {"iwae", "p_wake"}) {
            Map<String, Object> r = record(run(PROGRAM + """
                    let held = sgd(1e-300)
                    let result = {
                      batches: fit(fn(x) { OBJ(m(x), g(x), choices { x: x }, 5) }, data: xs, batch: 4, epochs: 400,
                                   samples: 1, seed: 5, optimizer: held).objective.history,
                      full: fit(OBJ(m(xs), g(xs), choices { x: xs }, 5), steps: 800, samples: 1, seed: 6,
                                optimizer: held).objective.history
                    }
                    """.replace("OBJ", objective)));
            double[] batches = (double[]) r.get("batches");
            double[] full = (double[]) r.get("full");
            assertEquals(800, batches.length);
            double[] epochs = new double[400];
            for (int e = 0; e < 400; e++) {
                epochs[e] = (batches[2 * e] + batches[2 * e + 1]) / 2;
            }
            double se = Math.sqrt(variance(epochs) / epochs.length + variance(full) / full.length);
            double z = (mean(epochs) - mean(full)) / se;
            assertTrue(Math.abs(z) < 4.5, objective + ": z = " + z + " (epoch mean " + mean(epochs) + ", full "
                    + mean(full) + ")");
        }
    }

    /** Without local choices there is no data axis: keep: "data" gives the density itself, and data_sum a number. */
    @Test
    void withoutLocalChoicesTheDensityIsWhole() {
        Map<String, Object> r = record(run("""
                model m() {
                  z ~ normal(0, 1)
                  x ~ normal(z, 1)
                }
                let t = choices { z: 0.5, x: 1.0 }
                let result = { kept: density(m(), t, keep: "data"), whole: density(m(), t),
                               summed: data_sum(density(m(), t, keep: "data")) }
                """));
        assertEquals((Double) r.get("whole"), (Double) r.get("kept"), 0.0);
        assertEquals((Double) r.get("whole"), (Double) r.get("summed"), 0.0);
    }

    /** Kept per datum, the global terms are divided among the data: the entries sum to the density. */
    @Test
    void globalTermsAreSharedAmongTheData() {
        Map<String, Object> r = record(run("""
                model m(x) {
                  mu ~ normal(0, 1)
                  local { x ~ normal(mu, 1) }
                }
                let xs = tensor([[0.5, 1.0], [1.5, 2.0], [-0.3, 0.0]])
                let t = choices { mu: 0.3, x: xs }
                let result = { kept: density(m(xs), t, keep: "data"), whole: density(m(xs), t) }
                """));
        double[] kept = (double[]) r.get("kept");
        assertEquals(3, kept.length);
        double prior = -0.5 * 0.3 * 0.3 - 0.5 * Math.log(2 * Math.PI);
        double[][] xs = {{0.5, 1.0}, {1.5, 2.0}, {-0.3, 0.0}};
        double total = 0;
        for (int b = 0; b < 3; b++) {
            double lp = 0;
            for (double x : xs[b]) {
                lp += -0.5 * (x - 0.3) * (x - 0.3) - 0.5 * Math.log(2 * Math.PI);
            }
            assertEquals(lp + prior / 3, kept[b], 1e-12, "datum " + b);
            total += kept[b];
        }
        assertEquals((Double) r.get("whole"), total, 1e-12);
    }

    /**
     * A marginal keeps its density per datum, each datum's own m-particle estimate. With the aux guide the exact
     * conditional q(u | z), every particle's weight is q(z) itself, so each entry must be log Normal(z_b; 0, sqrt 2)
     * whatever the draws, and the whole density their sum.
     */
    @Test
    void aMarginalKeepsItsDensityPerDatum() {
        Map<String, Object> r = record(run("""
                model g() {
                  local {
                    u ~ normal(zeros(3), 1)
                    z ~ normal(u, 1)
                  }
                }
                model r(t) {
                  local { u ~ normal(t.z / 2, sqrt(0.5)) }
                }
                let q = marginal(g(), keep: ["z"], aux: r, particles: 4)
                let t = choices { z: tensor([0.5, -1.0, 2.0]) }
                let result = { kept: density(q, t, keep: "data"), whole: density(q, t) }
                """));
        double[] kept = (double[]) r.get("kept");
        double[] zs = {0.5, -1.0, 2.0};
        assertEquals(3, kept.length);
        double total = 0;
        for (int b = 0; b < 3; b++) {
            double want = -0.5 * Math.log(2 * Math.PI * 2) - zs[b] * zs[b] / 4;
            assertEquals(want, kept[b], 1e-12, "datum " + b);
            total += want;
        }
        assertEquals(total, (Double) r.get("whole"), 1e-12);
    }

    /**
     * A local choice with no data axis (a scalar per datum, in a loop) cannot be split: the density is then whole,
     * as without 'keep', so such programs keep their former values; 'keep' takes only "data".
     */
    @Test
    void aLocalChoiceWithoutADataAxisLeavesTheDensityWhole() {
        Map<String, Object> r = record(run("""
                model m() {
                  mu ~ normal(0, 1)
                  for i in 0..2 {
                    local { x[i] ~ normal(mu, 1) }
                  }
                  local { y ~ normal(zeros(2), 1) }
                }
                let t = choices { mu: 0.2, x: [0.5, 1.0], y: tensor([0.1, 0.3]) }
                let result = { kept: density(m(), t, keep: "data"), whole: density(m(), t) }
                """));
        assertEquals((Double) r.get("whole"), (Double) r.get("kept"), 0.0);
        PplException e = assertThrows(PplException.class, () -> run("""
                model m() {
                  x ~ normal(0, 1)
                }
                let result = density(m(), choices { x: 0.5 }, keep: "datum")
                """));
        assertTrue(e.getMessage().contains("'keep' takes \"data\""), e.getMessage());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double variance(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }
}
