package org.ppl4j.examples.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplProgram;

/**
 * Minibatch fits scale the log densities of choices in {@code local} blocks by N / B, so that the objective is an
 * unbiased estimate of its full-data value. With a deterministic objective (the joint density at fixed latents)
 * and batches that partition the data, the mean over one epoch of the per-step values must equal the full-data
 * value exactly (up to rounding); a global choice outside {@code local} keeps its weight.
 */
class MinibatchTest {
    static final String MODEL = """
            let xs = tensor([[0.5], [1.5], [-0.3], [2.2], [0.9], [1.1], [0.4], [-1.0]])
            model m(x) {
              mu ~ normal(0, 1)
              local { x ~ normal(mu, 1) }
            }
            objective joint(p, obs) { return density(p, obs) }
            let full = fit(joint(m(xs), choices { mu: 0.3, x: xs }), steps: 1, samples: 1).objective.history[0]
            """;

    /** Runs the program and returns the top-level values named {@code names}. */
    static Map<String, Object> run(String source, String... names) {
        try (PplProgram p = Ppl.compile(source, "minibatch.ppl")) {
            p.run();
            Map<String, Object> r = new java.util.HashMap<>();
            for (String n : names) {
                r.put(n, p.get(n));
            }
            return r;
        }
    }

    static double[] history(Object v) {
        return (double[]) v; // a vector reaches Java as double[]
    }

    @Test
    void eachEpochOfMinibatchEstimatesAveragesToTheFullDataValue() {
        for (int batch : new int[] {1, 2, 4, 8}) {
            Map<String, Object> r = run(MODEL + """
                    let h = fit(fn(x) { joint(m(x), choices { mu: 0.3, x: x }) }, data: xs, batch: %d, epochs: 3,
                                samples: 1).objective.history
                    """.formatted(batch), "full", "h");
            double full = (Double) r.get("full");
            double[] h = history(r.get("h"));
            int perEpoch = 8 / batch;
            assertEquals(3 * perEpoch, h.length, "steps for batch " + batch);
            for (int e = 0; e < 3; e++) {
                double mean = 0;
                for (int k = 0; k < perEpoch; k++) {
                    mean += h[e * perEpoch + k] / perEpoch;
                }
                assertEquals(full, mean, 1e-9 * Math.abs(full), "epoch " + e + ", batch " + batch);
            }
            if (batch < 8) { // the single estimates do differ: it is the scaling that makes their mean right
                assertNotEquals(h[0], h[1]);
            }
        }
    }

    @Test
    void unequalLastBatchesAreScaledByTheirOwnSize() {
        // 8 points in batches of 3: 3, 3, 2, scaled by 8/3, 8/3 and 8/2; weighting each by its share of the data
        // gives the full-data value
        Map<String, Object> r = run(MODEL + """
                let h = fit(fn(x) { joint(m(x), choices { mu: 0.3, x: x }) }, data: xs, batch: 3, shuffle: false,
                            samples: 1).objective.history
                """, "full", "h");
        double[] h = history(r.get("h"));
        assertEquals(3, h.length);
        double logPrior = -0.5 * 0.3 * 0.3 - 0.5 * Math.log(2 * Math.PI);
        double weighted = 0;
        int[] sizes = {3, 3, 2};
        for (int k = 0; k < 3; k++) {
            weighted += (h[k] - logPrior) * sizes[k] / 8.0;
        }
        assertEquals((Double) r.get("full") - logPrior, weighted, 1e-9);
    }

    @Test
    void aMinibatchFitWithoutLocalChoicesIsAnError() {
        PplException e = assertThrows(PplException.class, () -> run("""
                let xs = tensor([[0.5], [1.5], [-0.3], [2.2]])
                model m(x) {
                  mu ~ normal(0, 1)
                  x ~ normal(mu, 1)
                }
                objective joint(p, obs) { return density(p, obs) }
                fit(fn(x) { joint(m(x), choices { mu: 0.3, x: x }) }, data: xs, batch: 2)
                """));
        assertTrue(e.getMessage().contains("local { ... }"), e.getMessage());
    }

    @Test
    void shuffledEpochsVisitEveryPointOnceAndDependOnlyOnTheSeed() {
        // the objective of a batch is the sum of its points (0 to 7, unscaled): each epoch's values must sum to
        // 0 + 1 + ... + 7, and two runs with the same seed give the same order
        String source = """
                let xs = tensor([[0], [1], [2], [3], [4], [5], [6], [7]])
                model m(x) {
                  local { x ~ normal(0, 1) }
                }
                objective first(p, x) { return sum(x) + 0 * density(p, choices { x: x }) }
                let h = fit(fn(x) { first(m(x), x) }, data: xs, batch: 2, epochs: 2, seed: 5,
                            samples: 1).objective.history
                """;
        double[] a = history(run(source, "h").get("h"));
        double[] b = history(run(source, "h").get("h"));
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        for (int e = 0; e < 2; e++) {
            double total = 0;
            for (int k = 0; k < 4; k++) {
                total += a[e * 4 + k];
            }
            assertEquals(28.0, total, 1e-12, "epoch " + e);
        }
    }
}
