package org.ppl4j.examples.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.examples.objectives.Results.record;
import static org.ppl4j.examples.objectives.Results.run;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplRecord;

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

    /** The objective's history and relaxed history of the program's last fit (kept after a stop or divergence). */
    private static double[][] lastHistories(PplProgram p) {
        return p.within(() -> {
            PplRecord fit = (PplRecord) PplContext.get(null).lastFit();
            PplRecord o = (PplRecord) fit.get("objective");
            Object relaxed = o.get("relaxed_history");
            return new double[][] {((Tensor) AD.value(o.get("history"))).toArray(),
                    relaxed == null ? null : ((Tensor) AD.value(relaxed)).toArray()};
        });
    }

    /** The histories of the same fit run to its end with {@code steps} steps. */
    private static double[][] uninterrupted(String source, int steps) {
        try (PplProgram p = Ppl.compile(source.replace("STEPS", Integer.toString(steps)), "relax.ppl")) {
            p.run();
            return lastHistories(p);
        }
    }

    /**
     * A relaxed fit cancelled after step 30 (from its progress listener) keeps 30 steps of both series, equal to those
     * of the same fit run for 30 steps. Before, a stopped fit's result had no relaxed_history.
     */
    @Test
    void aStoppedFitKeepsTheRelaxedHistoryOfItsSteps() {
        String source = program("relax(0.5)").replace("steps: " + STEPS, "steps: STEPS");
        PplProgram[] running = {null};
        try (PplProgram p = Ppl.compile(source.replace("STEPS", "100000"), "relax.ppl",
                PplOptions.defaults().withProgressListener(step -> {
                    if (step.step() == 30) {
                        running[0].cancel();
                    }
                }))) {
            running[0] = p;
            PplException e = assertThrows(PplException.class, p::run);
            assertEquals(PplException.Kind.CANCELLED, e.kind(), e.getMessage());
            double[][] kept = lastHistories(p);
            assertEquals(30, kept[0].length);
            assertNotNull(kept[1], "the stopped fit has a relaxed_history");
            double[][] expected = uninterrupted(source, 30);
            assertArrayEquals(expected[0], kept[0]);
            assertArrayEquals(expected[1], kept[1]);
        }
    }

    /**
     * A relaxed fit that diverges (sgd(3) multiplies the guide's mean a by -2 each step until the objective
     * overflows, near step 512, with a relaxed coin beside it) keeps the steps before the divergence in both series, equal to those
     * of the same fit run for that many steps.
     */
    @Test
    void aDivergedFitKeepsTheRelaxedHistoryOfItsSteps() {
        String source = """
                model m() {
                  which ~ bernoulli(0.5)
                  flip ~ bernoulli(0.3 + 0.5 * which)
                  x ~ normal(0, 1)
                }
                model g() {
                  param r = 0.5 : unit_interval
                  param a = 1.0
                  which ~ bernoulli(r)
                  x ~ normal(a, 1)
                }
                let q = fit(elbo(m(), g(), choices { flip: 1 }), optimizer: sgd(3), steps: STEPS, seed: 11,
                            samples: 10, estimators: { "which": "relax(0.5)" })
                """;
        int diverged;
        double[][] kept;
        try (PplProgram p = Ppl.compile(source.replace("STEPS", "1000"), "relax.ppl")) {
            PplException e = assertThrows(PplException.class, p::run);
            Matcher m = Pattern.compile("fit diverged at step (\\d+)").matcher(e.reason());
            assertTrue(m.find(), e.reason());
            diverged = Integer.parseInt(m.group(1));
            assertTrue(diverged > 100, "diverged at step " + diverged);
            kept = lastHistories(p);
        }
        assertEquals(diverged - 1, kept[0].length);
        assertNotNull(kept[1], "the diverged fit has a relaxed_history");
        double[][] expected = uninterrupted(source, diverged - 1);
        assertArrayEquals(expected[0], kept[0]);
        assertArrayEquals(expected[1], kept[1]);
    }
}
