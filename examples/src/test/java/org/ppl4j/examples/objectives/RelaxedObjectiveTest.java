package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.objectives.Results.record;
import static org.ppl4j.examples.objectives.Results.run;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under relax, a fit's {@code objective.history} is the real (hard) objective of each step, not the relaxed one the
 * gradient comes from; the relaxed values are kept next to it as {@code relaxed_history}. Two coins: which ~
 * bernoulli(0.5), eight flips with p = 0.3 + 0.5 which (6 heads), guide which ~ bernoulli(r) at r = 0.5 (an sgd
 * step of 1e-12 keeps it there), so the hard ELBO of a draw is one of two numbers known in closed form:
 * log 0.5 + log p(flips | which) - log 0.5.
 */
class RelaxedObjectiveTest {
    private static final int STEPS = 400;

    private static String program(String strategy) {
        return """
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
                let q = fit(elbo(coins(8), coins_guide(), obs), optimizer: sgd(1e-12), steps: %d, seed: 11,
                            samples: 10, estimators: { "which": "%s" })
                let result = q.objective
                """.formatted(STEPS, strategy);
    }

    private static final double HARD_0 = 6 * Math.log(0.3) + 2 * Math.log(0.7);
    private static final double HARD_1 = 6 * Math.log(0.8) + 2 * Math.log(0.2);

    @Test
    void historyHoldsTheHardObjectiveOfEachDraw() {
        Map<String, Object> o = record(run(program("relax(0.5)")));
        double[] history = (double[]) o.get("history");
        double[] relaxed = (double[]) o.get("relaxed_history");
        assertEquals(STEPS, history.length);
        assertEquals(STEPS, relaxed.length);
        int ones = 0;
        int differ = 0;
        for (int i = 0; i < STEPS; i++) {
            boolean one = Math.abs(history[i] - HARD_1) < 1e-6;
            assertTrue(one || Math.abs(history[i] - HARD_0) < 1e-6,
                    "step " + (i + 1) + ": " + history[i] + " is neither hard ELBO " + HARD_0 + " nor " + HARD_1);
            ones += one ? 1 : 0;
            assertTrue(Double.isFinite(relaxed[i]), "relaxed " + relaxed[i]);
            differ += Math.abs(relaxed[i] - history[i]) > 1e-3 ? 1 : 0;
        }
        assertTrue(differ > 0, "the relaxed series equals the hard one");
        // the rounded draws are exact draws of bernoulli(0.5): 400 of them, sd of the fraction 0.025, bound 4 sd
        assertEquals(0.5, ones / (double) STEPS, 0.1);
    }

    @Test
    void withoutRelaxedChoicesThereIsNoRelaxedSeries() {
        Map<String, Object> o = record(run(program("reinforce")));
        assertFalse(o.containsKey("relaxed_history"));
        for (double h : (double[]) o.get("history")) {
            assertTrue(Math.abs(h - HARD_0) < 1e-6 || Math.abs(h - HARD_1) < 1e-6, "history " + h);
        }
    }
}
