package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplProgram;

/** replicate, map and trailing blocks: syntax, values, addresses and gradients. */
class ReplicateTest {
    static Object run(String source) {
        try (PplProgram p = Ppl.compile(source, "test.ppl")) {
            return p.run().get("result");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> record(Object v) {
        return (Map<String, Object>) v;
    }

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
