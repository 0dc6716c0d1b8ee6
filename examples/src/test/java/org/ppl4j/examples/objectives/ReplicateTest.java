package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.objectives.Results.record;
import static org.ppl4j.examples.objectives.Results.run;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.PplException;

/** replicate, map and trailing blocks: syntax, values, addresses and gradients. */
class ReplicateTest {

    @Test
    void aTrailingBlockIsTheLastArgument() {
        assertArrayEquals(new double[] {2, 2, 2}, (double[]) run("let result = replicate(3) { 1 + 1 }"));
        assertArrayEquals(new double[] {2, 2, 2}, (double[]) run("let result = replicate(3, fn() { 1 + 1 })"));
        assertEquals(List.of(List.of(1.0), List.of(1.0)), run("let result = replicate(2) { [1] }"),
                "values that are not numbers make a list");
        assertArrayEquals(new double[] {7, 7}, (double[]) run("""
                fn twice(f) { tensor([f(), f()]) }
                let result = twice() { 7 }
                """), "user functions take trailing blocks too");
        assertArrayEquals(new double[] {3, 3}, (double[]) run("""
                let k = 3
                let result = replicate(2) {
                  let a = 1
                  a + 2
                }
                """), "a block's value is its last expression");
    }

    /** Tensors of one shape are stacked along a new first axis, so the reductions and tensor operations apply. */
    @Test
    void tensorsAreStackedAlongANewFirstAxis() {
        Map<String, Object> r = record(run("""
                let m = replicate(3) { tensor([1, 2]) }
                let rows = map(tensor([[1, 2], [3, 4]]), fn(row) { row * 10 })
                let w = tensor([[0, 1, 2], [3, 4, 5]])
                let result = {
                  m: m, rows: rows, total: sum(m), by_column: sum(m, axis: 0), by_row: mean(w, axis: 1),
                  last: sum(w, axis: -1), lme: logmeanexp(w, axis: 0), lse: logsumexp(w, axis: 1),
                  list_of_tensors: sum([tensor([1, 2]), tensor([3, 4])], axis: 0), eye: eye(2),
                  mixed: replicate(2) { [1] }
                }
                """));
        assertArrayEquals(new double[][] {{1, 2}, {1, 2}, {1, 2}}, (double[][]) r.get("m"));
        assertArrayEquals(new double[][] {{10, 20}, {30, 40}}, (double[][]) r.get("rows"));
        assertEquals(9.0, r.get("total"));
        assertArrayEquals(new double[] {3, 6}, (double[]) r.get("by_column"));
        assertArrayEquals(new double[] {1, 4}, (double[]) r.get("by_row"));
        assertArrayEquals(new double[] {3, 12}, (double[]) r.get("last"));
        double[] lme = (double[]) r.get("lme");
        double[] lse = (double[]) r.get("lse");
        for (int j = 0; j < 3; j++) {
            assertEquals(Math.log((Math.exp(j) + Math.exp(3 + j)) / 2), lme[j], 1e-12);
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(Math.log(Math.exp(3 * i) + Math.exp(3 * i + 1) + Math.exp(3 * i + 2)), lse[i], 1e-12);
        }
        assertArrayEquals(new double[] {4, 6}, (double[]) r.get("list_of_tensors"));
        assertArrayEquals(new double[][] {{1, 0}, {0, 1}}, (double[][]) r.get("eye"));
        assertEquals(List.of(List.of(1.0), List.of(1.0)), r.get("mixed"));
    }

    @Test
    void anAxisMustExist() {
        PplException e = assertThrows(PplException.class, () -> run("let result = sum(tensor([[1, 2]]), axis: 2)"));
        assertTrue(e.getMessage().contains("sum: 'axis' must be a whole number from -2 to 1 for a tensor of shape"
                + " [1, 2], got 2"), e.getMessage());
        e = assertThrows(PplException.class, () -> run("let result = logmeanexp(3, axis: 0)"));
        assertTrue(e.getMessage().contains("logmeanexp: a number has no axis 0"), e.getMessage());
        e = assertThrows(PplException.class, () -> run("let result = sum([tensor([1, 2]), tensor([1])])"));
        assertTrue(e.getMessage().contains("sum: 'xs' must contain numbers, or tensors all of one shape"),
                e.getMessage());
    }

    /**
     * An objective over a stacked [k, 2] tensor of weights reduced along the replicate axis is the same as the
     * scalar form, value and gradient, for the same draws (reparameterised, so the gradient is a function of the
     * draws): 20 estimates at seed 4 of each agree to 1e-10.
     */
    @Test
    void stackedWeightsGiveTheSameEstimates() {
        Map<String, Object> r = record(run("""
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
                objective stacked(k) {
                  let w = replicate(k) {
                    z ~ sim(g())
                    let lw = density(m(), merge(z, obs)) - density(g(), z)
                    tensor([lw, 2 * lw])
                  }
                  return sum(logmeanexp(w, axis: 0))
                }
                objective scalar(k) {
                  let w = replicate(k) { z ~ sim(g()); density(m(), merge(z, obs)) - density(g(), z) }
                  return logmeanexp(w) + logmeanexp(2 * w)
                }
                let result = {
                  stacked: gradients(stacked(5), samples: 20, seed: 4),
                  scalar: gradients(scalar(5), samples: 20, seed: 4)
                }
                """));
        Map<String, Object> a = record(r.get("stacked"));
        Map<String, Object> b = record(r.get("scalar"));
        assertEquals((Double) b.get("objective"), (Double) a.get("objective"), 1e-10);
        for (String p : List.of("g.a", "g.s")) {
            assertEquals((Double) record(b.get(p)).get("mean"), (Double) record(a.get(p)).get("mean"), 1e-10, p);
            assertEquals((Double) record(b.get(p)).get("variance"), (Double) record(a.get(p)).get("variance"), 1e-10, p);
        }
    }

    @Test
    void inTheHeadOfAnIfOrAForTheBlockIsTheBody() {
        assertEquals(5.0, run("""
                let xs = replicate(3) { 1 }
                let result = 0
                if len(xs) > 2 { result = result + 1 }
                for i in 0..len(xs) { result = result + 1 }
                if sum(replicate(2) { 1 }) == 2 { result = result + 1 } else { result = 100 }
                """));
    }

    @Test
    void mapOverListsAndTensors() {
        assertArrayEquals(new double[] {1, 4, 9}, (double[]) run("let result = map([1, 2, 3], fn(x) { x * x })"));
        assertArrayEquals(new double[] {3, 7}, (double[]) run("let result = map(tensor([[1, 2], [3, 4]]), sum)"));
        assertEquals(List.of("a!", "b!"), run("let result = map([\"a\", \"b\"], fn(s) { s + \"!\" })"));
    }

    @Test
    void errorsSayWhatIsWrong() {
        PplException e = assertThrows(PplException.class, () -> run("let result = replicate(0) { 1 }"));
        assertTrue(e.getMessage().contains("'k' must be a whole number >= 1"), e.getMessage());
        e = assertThrows(PplException.class, () -> run("let result = map([1], fn() { 1 })"));
        assertTrue(e.getMessage().contains("map: 'f' must take 1 argument"), e.getMessage());
        e = assertThrows(PplException.class, () -> run("fn f() { x ~ normal(0, 1) }\nlet result = 1"));
        assertTrue(e.getMessage().contains("not in a fn"), e.getMessage());
    }

    /** In a model, iteration i of replicate puts i in front of the addresses it makes: x becomes x[i]. */
    @Test
    void choicesInAModelAreIndexedByIteration() {
        Map<String, Object> r = record(run("""
                model m() {
                  let v = replicate(3) { x ~ normal(0, 1) }
                  y ~ normal(sum(v), 1)
                }
                objective show(q) {
                  z ~ sim(q)
                  return density(q, z)
                }
                let f = fit(show(m()), steps: 0, samples: 50)
                let result = {
                  posterior: f.posterior,
                  density: density(m(), choices { x: [0, 0, 0], y: 0 })
                }
                """));
        assertEquals(List.of("x[0]", "x[1]", "x[2]", "y"), List.copyOf(record(r.get("posterior")).keySet()));
        assertEquals(4 * -0.5 * Math.log(2 * Math.PI), (Double) r.get("density"), 1e-12);
    }

    /**
     * Random choices inside replicate in an objective are separate choices with separate estimator bookkeeping:
     * the gradient of IWAE(5) over a Bernoulli guide is estimated exactly by enum (replayed in lockstep over the
     * five replicated choices), without bias by mvd and reinforce, and matches the exact derivative 0.193494 at
     * r = 0.5 (computed from the six possible counts of ones among the five draws). reinforce: N = 4000
     * estimates, seed 1, within 4 standard errors.
     */
    @Test
    void gradientsFlowThroughReplicate() {
        Map<String, Object> r = record(run("""
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
                let o = iwae(coins(8), coins_guide(), obs, 5)
                let result = {
                  enum: gradients(o, samples: 2, seed: 1, estimators: { "which": enum })["coins_guide.r"],
                  mvd: gradients(o, samples: 2000, seed: 1, estimators: { "which": mvd })["coins_guide.r"],
                  reinforce: gradients(o, samples: 4000, seed: 1)["coins_guide.r"]
                }
                """));
        double exact = 0.19349437530014058;
        assertEquals(exact, (Double) record(r.get("enum")).get("mean"), 1e-9);
        assertEquals(0, (Double) record(r.get("enum")).get("variance"), 1e-12);
        for (String s : List.of("mvd", "reinforce")) {
            Map<String, Object> g = record(r.get(s));
            double se = Math.sqrt((Double) g.get("variance") / (s.equals("mvd") ? 2000 : 4000));
            assertEquals(exact, (Double) g.get("mean"), 4 * se, s);
        }
    }
}
