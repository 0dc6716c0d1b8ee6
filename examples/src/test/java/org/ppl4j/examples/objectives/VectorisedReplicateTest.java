package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.objectives.Results.num;
import static org.ppl4j.examples.objectives.Results.record;
import static org.ppl4j.examples.objectives.Results.run;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.PplException;

/**
 * replicate and map run vectorised (docs/objectives.md, "How replicate vectorises") against the loop, which stays
 * the reference: the same values where the draws are the same, the same expectations (means of N estimates within 5
 * standard errors of their difference) where they are not, and the loop's result wherever the body cannot run
 * vectorised. {@code vectorise: true} makes a body that cannot run vectorised an error, so a test that uses it
 * fails if the body silently loops.
 */
class VectorisedReplicateTest {

    static double[] values(Map<String, Object> estimate) {
        return (double[]) estimate.get("values");
    }

    /** The conjugate model and a guide with two parameters, and IWAE's program three ways. */
    static final String MODEL = """
            model m() {
              mu ~ normal(0, 1)
              x ~ normal(mu, 1)
            }
            model g() {
              param a = 0.3
              param s = 1.2 : positive
              mu ~ normal(a, s)
            }
            let obs = choices { x: 2 }
            objective iw(k) {
              let w = replicate(k) { z ~ sim(g()); density(m(), merge(z, obs)) - density(g(), z) }
              return logmeanexp(w)
            }
            objective iw_loop(k) {
              let w = replicate(k, vectorise: false) { z ~ sim(g()); density(m(), merge(z, obs)) - density(g(), z) }
              return logmeanexp(w)
            }
            objective iw_vec(k) {
              let w = replicate(k, vectorise: true) { z ~ sim(g()); density(m(), merge(z, obs)) - density(g(), z) }
              return logmeanexp(w)
            }
            """;

    /**
     * One random choice per iteration draws the same normals in the same order either way (k draws along the
     * batch axis are the loop's k draws), so 50 estimates at seed 3 agree to 1e-12, value and gradient (30 gradient
     * estimates at seed 5: their means and variances agree to 1e-10), for k = 2, 7 and 50.
     */
    @Test
    void oneChoicePerIterationGivesTheLoopsValuesAndGradients() {
        for (int k : new int[] {2, 7, 50}) {
            Map<String, Object> r = record(run(MODEL + """
                    let k = %d
                    let result = {
                      vec: estimate(iw_vec(k), samples: 50, seed: 3), auto: estimate(iw(k), samples: 50, seed: 3),
                      loop: estimate(iw_loop(k), samples: 50, seed: 3),
                      gvec: gradients(iw_vec(k), samples: 30, seed: 5), gloop: gradients(iw_loop(k), samples: 30, seed: 5)
                    }
                    """.formatted(k)));
            double[] loop = values(record(r.get("loop")));
            assertArrayEquals(loop, values(record(r.get("vec"))), 1e-12, "k = " + k);
            assertArrayEquals(loop, values(record(r.get("auto"))), 1e-12, "k = " + k);
            for (String p : new String[] {"g.a", "g.s"}) {
                Map<String, Object> gv = record(record(r.get("gvec")).get(p));
                Map<String, Object> gl = record(record(r.get("gloop")).get(p));
                assertEquals(num(gl, "mean"), num(gv, "mean"), 1e-10, p + ", k = " + k);
                assertEquals(num(gl, "variance"), num(gv, "variance"), 1e-10, p + ", k = " + k);
                assertTrue(num(gl, "variance") > 0, "the gradients are random");
            }
        }
    }

    /**
     * A body with two choices per iteration, a tensor-valued one, an observed vector that broadcasts against a
     * choice of each iteration, an indexed loop in the model and a matrix product: the draws come in another order
     * vectorised (all iterations of the first choice, then of the second), so only the expectations agree. N = 400
     * estimates of IWAE(8) each way at seed 9 (value) and N = 400 gradient estimates at seed 10: their means within
     * 5 standard errors of the difference, sqrt(se_loop^2 + se_vec^2).
     */
    @Test
    void severalChoicesPerIterationAgreeInExpectation() {
        Map<String, Object> r = record(run("""
                model m(n) {
                  mu ~ normal(0, 1)
                  w ~ normal(zeros(3), 1)
                  x ~ normal(mu + zeros(n), 1.5)
                  for i in 0..3 {
                    y[i] ~ normal(w[i] * mu, 1)
                  }
                  t ~ normal(w @ tensor([[1, 0], [0, 1], [1, 1]]), 2)
                }
                model g() {
                  param a = 0.5
                  param s = 0.8 : positive
                  param c = zeros(3)
                  mu ~ normal(a, s)
                  w ~ normal(c + 0.1 * mu, 1)
                }
                let obs = choices { x: tensor([1.0, 2.0, 0.5, 1.5]), y: [0.5, -0.5, 1.0], t: tensor([0.3, -0.2]) }
                objective iw(vectorise) {
                  let w = replicate(8, vectorise: vectorise) {
                    z ~ sim(g())
                    density(m(4), merge(z, obs)) - density(g(), z)
                  }
                  return logmeanexp(w)
                }
                let result = {
                  vec: estimate(iw(true), samples: 400, seed: 9), loop: estimate(iw(false), samples: 400, seed: 9),
                  gvec: gradients(iw(true), samples: 400, seed: 10), gloop: gradients(iw(false), samples: 400, seed: 10)
                }
                """));
        Map<String, Object> vec = record(r.get("vec"));
        Map<String, Object> loop = record(r.get("loop"));
        double se = Math.hypot(num(vec, "se"), num(loop, "se"));
        assertEquals(num(loop, "mean"), num(vec, "mean"), 5 * se, "IWAE(8) vectorised and looped");
        assertTrue(Math.abs(num(loop, "mean") - num(vec, "mean")) > 1e-9, "different draws: not the same numbers");
        for (String p : new String[] {"g.a", "g.s", "g.c"}) {
            Object gv = record(r.get("gvec")).get(p);
            Object gl = record(r.get("gloop")).get(p);
            double[] mv = vector(record(gv).get("mean"));
            double[] ml = vector(record(gl).get("mean"));
            double[] vv = vector(record(gv).get("variance"));
            double[] vl = vector(record(gl).get("variance"));
            for (int j = 0; j < mv.length; j++) {
                double bound = 5 * Math.sqrt((vv[j] + vl[j]) / 400);
                assertEquals(ml[j], mv[j], bound, p + "[" + j + "]: gradient vectorised and looped");
            }
        }
    }

    static double[] vector(Object v) {
        return v instanceof Double d ? new double[] {d} : (double[]) v;
    }

    /**
     * IWAE(k) of the conjugate normal-normal model through the vectorised path (vectorise: true) with the guide
     * Normal(1, 1): ELBO <= IWAE(1000) <= log p(x), within 0.01 nats of log p(x), with 40 runs at seed 11 (the
     * bounds of ObjectivesTest: 4 standard errors); log p(x) = -log(2 sqrt(pi)) - 1, ELBO = log p(x) -
     * (log sqrt(1/2) + 1/2).
     */
    @Test
    void iwaeOfAThousandVectorisedReachesTheEvidence() {
        double logPx = -Math.log(2 * Math.sqrt(Math.PI)) - 1;
        double elbo = logPx - (Math.log(Math.sqrt(0.5)) + 0.5);
        Map<String, Object> e = record(run("""
                model normal_model() {
                  mu ~ normal(0, 1)
                  x ~ normal(mu, 1)
                }
                model wide_guide() {
                  mu ~ normal(1, 1)
                }
                let obs = choices { x: 2.0 }
                objective iw_vec(p, q, obs, k) {
                  let w = replicate(k, vectorise: true) { z ~ sim(q); density(p, merge(z, obs)) - density(q, z) }
                  return logmeanexp(w)
                }
                let result = estimate(iw_vec(normal_model(), wide_guide(), obs, 1000), samples: 40, seed: 11)
                """));
        double mean = num(e, "mean");
        double se = num(e, "se");
        assertTrue(mean <= logPx + 4 * se, "IWAE(1000) is a lower bound: " + mean);
        assertTrue(mean > elbo + 0.1, "IWAE(1000) is well above the ELBO " + elbo + ": " + mean);
        assertEquals(logPx, mean, 0.01, "IWAE(1000) is within 0.01 nats of log p(x) (standard error " + se + ")");
    }

    /** Programs with a fallback in each objective's replicate; {@code @V} is replaced by the vectorise option. */
    static final String CANNOT = """
            model m() {
              b ~ bernoulli(0.4)
              mu ~ normal(b, 1)
              x ~ normal(mu, 1)
            }
            model g_reinforce() {
              param p = 0.0
              param a = 0.3
              b ~ bernoulli(sigmoid(p)) by reinforce
              mu ~ normal(a, 1)
            }
            model g_enum() {
              param p = 0.0
              param a = 0.3
              b ~ bernoulli(sigmoid(p)) by enum
              mu ~ normal(a, 1)
            }
            model m2() {
              mu ~ normal(0, 1)
              x ~ normal(mu, 1)
            }
            model g2() {
              param a = 0.3
              mu ~ normal(a, 1)
            }
            let obs = choices { x: 1.5 }
            objective reinforced() {
              let w = replicate(4@V) { z ~ sim(g_reinforce()); density(m(), merge(z, obs)) - density(g_reinforce(), z) }
              return logmeanexp(w)
            }
            objective enumerated() {
              let w = replicate(4@V) { z ~ sim(g_enum()); density(m(), merge(z, obs)) - density(g_enum(), z) }
              return logmeanexp(w)
            }
            objective branching() {
              let w = replicate(4@V) {
                z ~ sim(g2())
                let lw = density(m2(), merge(z, obs)) - density(g2(), z)
                if z.mu > 0 {
                  lw = lw - 0.5
                }
                lw
              }
              return logmeanexp(w)
            }
            objective outer_write() {
              let last = 0
              let w = replicate(4@V) { z ~ sim(g2()); last = z.mu; density(m2(), merge(z, obs)) }
              return last + sum(w)
            }
            """;

    /**
     * Bodies that cannot run vectorised give exactly the loop's values and gradients at the same seed (the failed
     * attempt puts the random streams back, and leaves no choices or traces behind): a score-function choice, an
     * enumerated one, an if on a drawn value, an assignment to a variable outside the body (30 estimates at seed 2,
     * 30 gradient estimates at seed 4). Score-function and enumerated choices only need bookkeeping per draw while
     * differentiating: estimate() runs those bodies vectorised, with two choices per iteration drawn in another
     * order, so there the means of the 30 estimates agree within 5 standard errors of their difference. With
     * vectorise: true each is an error that says why.
     */
    @Test
    void bodiesThatCannotRunVectorisedLoop() {
        String[] objectives = {"reinforced", "enumerated", "branching", "outer_write"};
        String[] reasons = {"by reinforce", "by enum", "a comparison of values that differ per iteration",
            "an assignment to a variable of an enclosing function"};
        for (int i = 0; i < objectives.length; i++) {
            String o = objectives[i];
            String results = """
                    let result = {
                      e: estimate(%s(), samples: 30, seed: 2), g: gradients(%s(), samples: 30, seed: 4)
                    }
                    """.formatted(o, o);
            Map<String, Object> auto = record(run(CANNOT.replace("@V", "") + results));
            Map<String, Object> loop = record(run(CANNOT.replace("@V", ", vectorise: false") + results));
            Map<String, Object> ea = record(auto.get("e"));
            Map<String, Object> el = record(loop.get("e"));
            if (i < 2) { // only sampling, score-function and enumerated choices run vectorised: other draws
                assertEquals(num(el, "mean"), num(ea, "mean"), 5 * Math.hypot(num(ea, "se"), num(el, "se")), o);
            } else {
                assertArrayEquals(values(el), values(ea), 1e-12, o);
            }
            assertEquals(loop.get("g").toString(), auto.get("g").toString(), o);
            PplException e = assertThrows(PplException.class,
                    () -> run(CANNOT.replace("@V", ", vectorise: true") + results), o);
            assertTrue(e.getMessage().contains("vectorise: true, but the body cannot run vectorised")
                    && e.getMessage().contains(reasons[i]), o + ": " + e.getMessage());
        }
    }

    /**
     * A path (sticking-the-landing) site keeps its detached densities per iteration vectorised, and map over the
     * rows of a tensor runs vectorised with random choices per row, closures over unbatched values and a nested
     * replicate: the same values (40 estimates at seed 6) and gradients (40 gradient estimates at seed 7) as the
     * loop, to 1e-10, each with one random choice per iteration (so the same draws).
     */
    @Test
    void pathSitesMapsAndNestedLoopsGiveTheLoopsNumbers() {
        String program = """
                model m() {
                  mu ~ normal(0, 1)
                  x ~ normal(mu, 1)
                }
                model g() {
                  param a = 0.3
                  param s = 1.2 : positive
                  mu ~ normal(a, s) by path
                }
                model h(c) {
                  param b = 0.5
                  u ~ normal(b * c, 1)
                }
                let obs = choices { x: 2 }
                objective path_iwae() {
                  let w = replicate(6@V) { z ~ sim(g()); density(m(), merge(z, obs)) - density(g(), z) }
                  return logmeanexp(w)
                }
                objective mapped() {
                  let scale = tensor([1.0, 2.0])
                  let lw = map(tensor([[1, 2], [3, 4], [5, 6]]), fn(row) {
                    z ~ sim(h(sum(row * scale)))
                    density(h(sum(row)), z) - 0.1 * len(row) + row[1]
                  }@V)
                  return logsumexp(lw)
                }
                objective nested() {
                  let w = replicate(4@V) {
                    z ~ sim(g())
                    let inner = replicate(3) { z.mu + 1 }
                    sum(inner) * (density(m(), merge(z, obs)) - density(g(), z))
                  }
                  return mean(w)
                }
                let result = {
                  p: estimate(path_iwae(), samples: 40, seed: 6), gp: gradients(path_iwae(), samples: 40, seed: 7),
                  m: estimate(mapped(), samples: 40, seed: 6), gm: gradients(mapped(), samples: 40, seed: 7),
                  n: estimate(nested(), samples: 40, seed: 6), gn: gradients(nested(), samples: 40, seed: 7)
                }
                """;
        Map<String, Object> vec = record(run(program.replace("@V", ", vectorise: true")));
        Map<String, Object> loop = record(run(program.replace("@V", ", vectorise: false")));
        for (String o : new String[] {"p", "m", "n"}) {
            assertArrayEquals(values(record(loop.get(o))), values(record(vec.get(o))), 1e-10, o);
            Map<String, Object> gv = record(vec.get("g" + o));
            Map<String, Object> gl = record(loop.get("g" + o));
            for (String p : gl.keySet()) {
                if (p.equals("objective")) {
                    continue;
                }
                assertEquals(num(record(gl.get(p)), "mean"), num(record(gv.get(p)), "mean"), 1e-10, o + " " + p);
                assertEquals(num(record(gl.get(p)), "variance"), num(record(gv.get(p)), "variance"), 1e-10, o + " " + p);
            }
        }
    }

    /**
     * DIWHVI(5, 3) over a marginal whose aux guide reads the kept choice: the marginal's particles run batched too
     * (each particle's log weight one per iteration, their log-mean-exp per iteration). The stdlib diwhvi
     * (vectorised) against the same program with vectorise: false: N = 1500 estimates (seeds 1 and 2) and N = 800
     * gradient estimates (seeds 3 and 4) each, means within 5 standard errors of the difference.
     */
    @Test
    void diwhviOverAMarginalAgreesWithTheLoop() {
        Map<String, Object> r = record(run("""
                model p() {
                  z ~ normal(0, 1)
                  x ~ normal(z, 0.5)
                }
                model joint() {
                  param a = 0.2
                  param s = 0.7 : positive
                  u ~ normal(a, 1)
                  z ~ normal(u, s)
                }
                model r(zs) {
                  param b = 0.5
                  u ~ normal(b * zs.z, 1)
                }
                let obs = choices { x: 1.0 }
                let qz = marginal(joint(), keep: ["z"], aux: r)
                objective looped(p, qz, obs, n, m) {
                  let q = marginal(qz, particles: m)
                  let w = replicate(n, vectorise: false) { z ~ sim(q); density(p, merge(z, obs)) - density(q, z) }
                  return logmeanexp(w)
                }
                objective required(p, qz, obs, n, m) {
                  let q = marginal(qz, particles: m)
                  let w = replicate(n, vectorise: true) { z ~ sim(q); density(p, merge(z, obs)) - density(q, z) }
                  return logmeanexp(w)
                }
                let check = estimate(required(p(), qz, obs, 5, 3), samples: 2, seed: 5) // stops if it cannot vectorise
                let result = {
                  vec: estimate(diwhvi(p(), qz, obs, 5, 3), samples: 1500, seed: 1),
                  loop: estimate(looped(p(), qz, obs, 5, 3), samples: 1500, seed: 2),
                  gvec: gradients(diwhvi(p(), qz, obs, 5, 3), samples: 800, seed: 3),
                  gloop: gradients(looped(p(), qz, obs, 5, 3), samples: 800, seed: 4)
                }
                """));
        Map<String, Object> vec = record(r.get("vec"));
        Map<String, Object> loop = record(r.get("loop"));
        assertEquals(num(loop, "mean"), num(vec, "mean"), 5 * Math.hypot(num(vec, "se"), num(loop, "se")), "DIWHVI");
        for (String p : new String[] {"joint.a", "joint.s", "r.b"}) {
            Map<String, Object> gv = record(record(r.get("gvec")).get(p));
            Map<String, Object> gl = record(record(r.get("gloop")).get(p));
            double bound = 5 * Math.sqrt((num(gv, "variance") + num(gl, "variance")) / 800);
            assertEquals(num(gl, "mean"), num(gv, "mean"), bound, p + ": gradient vectorised and looped");
        }
    }
}
