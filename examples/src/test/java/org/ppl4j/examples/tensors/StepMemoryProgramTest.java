package org.ppl4j.examples.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;

/**
 * A fit frees each step's large tensors when the step ends (runtime/.../ad/Tensor#openStep): programs that keep
 * such a tensor beyond its step, in a global or in a variable of an enclosing function, still read it intact
 * afterwards, and a fit holds no more arrays after 12 steps than after 3.
 */
class StepMemoryProgramTest {
    /** A model whose parameters and intermediate values are large (20000 elements: stored in ND4J). */
    static final String MODEL = """
            model m() {
              param w = zeros(200, 100)
              param s = ones(200, 100) : positive
              let y = w * s + 1
              z ~ normal(sum(y) / 20000, 1)
            }
            model g() {
              param loc = 0.0
              z ~ normal(loc, 1)
            }
            """;

    @Test
    void aLargeValueWrittenToAGlobalDuringAStepOutlivesTheStep() {
        Map<String, Object> r = MinibatchTest.run("""
                let saved = 0
                let saved_sum = 0
                let calls = 0
                model m() {
                  param w = zeros(200, 100)
                  param s = ones(200, 100) : positive
                  let y = w * s + 1
                  calls = calls + 1
                  if calls == 3 { // the third fit step (fit runs the model again afterwards)
                    saved = y * 2
                    saved_sum = sum(saved)
                  }
                  z ~ normal(sum(y) / 20000, 1)
                }
                """ + MODEL.substring(MODEL.indexOf("model g")) + """
                let q = fit(elbo(m(), g(), choices {}), steps: 5, seed: 1, optimizer: adam(0.1))
                let after = sum(saved)
                let w_after = sum(q.params["m.w"])
                """, "after", "saved_sum", "w_after");
        assertEquals((Double) r.get("saved_sum"), (Double) r.get("after"), 1e-6 * Math.abs((Double) r.get("after")));
        assertEquals(true, Double.isFinite((Double) r.get("w_after")), "the fitted parameter reads back");
    }

    @Test
    void aLargeBatchValueWrittenToAnEnclosingFunctionsVariableOutlivesTheStep() {
        Map<String, Object> r = MinibatchTest.run("""
                let xs = ones(400, 100)
                model p(x) {
                  mu ~ normal(0, 1)
                  local { x ~ normal(mu, 1) }
                }
                model q() {
                  param loc = 0.0
                  mu ~ normal(loc, 1)
                }
                fn train() {
                  let last = 0
                  let calls = 0
                  fit(fn(b) { calls = calls + 1
                              if calls == 2 { last = b * 3 } // a step's batch (fit calls this again afterwards)
                              elbo(p(b), q(), choices { x: b }) }, data: xs, batch: 200, epochs: 2, seed: 2)
                  return sum(last)
                }
                let total = train()
                """, "total");
        assertEquals(3.0 * 200 * 100, (Double) r.get("total"), 1e-6);
    }

    @Test
    void aFitHoldsAsManyArraysAfter12StepsAsAfter3() {
        long[] held = new long[2];
        int[] steps = {3, 12};
        for (int i = 0; i < 2; i++) {
            long before = Tensor.stepArraysHeld();
            MinibatchTest.run(MODEL + "let q = fit(elbo(m(), g(), choices {}), steps: %d, seed: 1)".formatted(steps[i]));
            held[i] = Tensor.stepArraysHeld() - before;
        }
        // the store keeps w and s (and s's positive image): one array each, whatever the number of steps
        assertEquals(held[0], held[1], "arrays held after 3 and after 12 steps");
        assertEquals(true, held[0] <= 3, "held " + held[0]);
    }
}
