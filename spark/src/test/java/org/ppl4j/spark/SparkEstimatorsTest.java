package org.ppl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/** Gradient strategies and automatic guides in a data-parallel fit: relax, auto_normal. */
class SparkEstimatorsTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ppl4j-spark-estimators-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> frame(Map<String, double[]> cols, int partitions) {
        return LocalSpark.frame(spark, cols, partitions);
    }

    private static final int STEPS = 60;

    /**
     * The two coins of RelaxedObjectiveTest as a minibatch fit over its eight flips (one batch of all eight, so each
     * step's hard ELBO is one of two numbers in closed form: log p(flips | which), the prior and guide terms log 0.5
     * cancelling at r = 0.5, kept there by sgd(1e-12)).
     */
    static final String COINS = """
            model coins(f) {
              which ~ bernoulli(0.5)
              local { flip ~ bernoulli(0.3 + 0.5 * which + 0 * f) }
            }
            model coins_guide() {
              param r = 0.5 : unit_interval
              which ~ bernoulli(r)
            }
            let q = fit(fn(d) { elbo(coins(d.flip), coins_guide(), choices { flip: d.flip }) }, data: d, batch: 8,
                        steps: %d, optimizer: sgd(1e-12), seed: 11, estimators: { "which": "relax(0.5)" })
            let history = q.objective.history
            let relaxed = q.objective.relaxed_history
            """.formatted(STEPS);

    private static final double HARD_0 = 6 * Math.log(0.3) + 2 * Math.log(0.7);
    private static final double HARD_1 = 6 * Math.log(0.8) + 2 * Math.log(0.2);

    /**
     * Checks the two series: {@code history} holds the hard ELBO of each step (one of the two closed-form values),
     * {@code relaxed_history} the relaxed one the gradient came from (finite, and not the hard one at every step);
     * the rounded draws of which are exact bernoulli(0.5) draws: over 60 steps the fraction of ones has sd 0.065,
     * and must lie within 4 sd (0.26) of 0.5.
     */
    private static void checkRelaxed(PplProgram p, String where) {
        double[] history = p.getArray("history");
        double[] relaxed = p.getArray("relaxed");
        assertEquals(STEPS, history.length, where);
        assertEquals(STEPS, relaxed.length, where);
        int ones = 0;
        int differ = 0;
        for (int i = 0; i < STEPS; i++) {
            boolean one = Math.abs(history[i] - HARD_1) < 1e-6;
            assertTrue(one || Math.abs(history[i] - HARD_0) < 1e-6, where + ", step " + (i + 1) + ": " + history[i]
                    + " is neither hard ELBO " + HARD_0 + " nor " + HARD_1);
            ones += one ? 1 : 0;
            assertTrue(Double.isFinite(relaxed[i]), where + ": relaxed " + relaxed[i]);
            differ += Math.abs(relaxed[i] - history[i]) > 1e-3 ? 1 : 0;
        }
        assertTrue(differ > 0, where + ": the relaxed series equals the hard one");
        assertEquals(0.5, ones / (double) STEPS, 0.26, where + ": " + ones + " of " + STEPS + " draws are 1");
    }

    @Test
    void relaxRecordsTheHardAndTheRelaxedObjectiveAsOnOneMachine() {
        Map<String, double[]> flips = new LinkedHashMap<>();
        flips.put("flip", new double[] {1, 1, 0, 1, 1, 0, 1, 1});
        try (PplProgram p = Ppl.compile(COINS, "coins.ppl", PplOptions.defaults().withData("d", flips))) {
            p.run();
            checkRelaxed(p, "one machine");
        }
        double[] first = null;
        for (int partitions : new int[] {1, 3}) {
            try (PplProgram p = SparkFit.of(COINS, "coins.ppl", "d", frame(flips, partitions)).run()) {
                checkRelaxed(p, "Spark, " + partitions + " partitions");
                double[] relaxed = p.getArray("relaxed");
                if (first == null) {
                    first = relaxed;
                } else {
                    for (int i = 0; i < STEPS; i++) {
                        assertEquals(Double.doubleToLongBits(first[i]), Double.doubleToLongBits(relaxed[i]),
                                "relaxed objective of step " + (i + 1) + " with " + partitions + " partitions");
                    }
                }
            }
        }
    }

    /** The logistic regression of SparkFitTest with an automatic mean-field guide of its global coefficients. */
    static final String AUTO = SparkFitTest.LOGISTIC.substring(0, SparkFitTest.LOGISTIC.indexOf("model guide()"))
            + """
            let q = fit(fn(d) { elbo(lr(d.x1, d.x2), auto_normal(lr(d.x1, d.x2), choices { y: d.y }),
                                     choices { y: d.y }) }, data: d, batch: 100, steps: 10, optimizer: adam(0.05),
                        seed: 5)
            """;

    /**
     * auto_normal over global sites runs on Spark: 10 steps on 5,000 rows give the same bits for 1 and 3 partitions,
     * and the guide's locations have moved from their start (0).
     */
    @Test
    void autoNormalOfGlobalSitesFitsOnSpark() {
        double[][] cols = SparkFitTest.logistic(5000, 13);
        Map<String, double[]> record = SparkFitTest.record(cols);
        Map<String, Object> first = null;
        for (int partitions : new int[] {1, 3}) {
            try (PplProgram p = SparkFit.of(AUTO, "auto.ppl", "d", frame(record, partitions)).run()) {
                Map<String, Object> params = p.lastFit().params();
                assertEquals(6, params.size(), params.toString());
                if (first == null) {
                    first = params;
                    long moved = params.entrySet().stream()
                            .filter(e -> e.getKey().endsWith("loc") && ((Double) e.getValue()) != 0).count();
                    assertEquals(3, moved, params.toString());
                } else {
                    for (Map.Entry<String, Object> e : first.entrySet()) {
                        assertEquals(Double.doubleToLongBits((Double) e.getValue()),
                                Double.doubleToLongBits((Double) params.get(e.getKey())), e.getKey());
                    }
                }
            }
        }
    }

    /** A local latent site in an automatic guide (per-datum parameters, as docs/guides.md builds on one machine). */
    static final String LOCAL = """
            model latent(x) {
              local {
                let zs = z ~ normal(zeros(len(x)), 1)
                y ~ normal(zs, 0.5)
              }
            }
            let q = fit(fn(d) { elbo(latent(d.y), auto_normal(latent(d.y), choices { y: d.y }), choices { y: d.y }) },
                        data: d, batch: 2, steps: 5)
            """;

    /**
     * On Spark it is refused at the user's auto_normal call, with its position and what Spark supports, before any
     * step's job (no treeAggregate stage is submitted).
     */
    @Test
    void autoNormalOfLocalSitesIsRefusedBeforeTheFirstStep() throws Exception {
        Map<String, double[]> ys = new LinkedHashMap<>();
        ys.put("y", new double[] {1.0, -0.5, 0.3, 2.0});
        AtomicInteger steps = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
                if (submitted.stageInfo().name().startsWith("treeAggregate")) {
                    steps.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        PplException e;
        try {
            e = assertThrows(PplException.class, () -> SparkFit.of(LOCAL, "latent.ppl", "d", frame(ys, 2)).run());
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        String message = e.getMessage();
        assertTrue(message.startsWith("latent.ppl:7:39: error: auto_normal(latent): the local site 'z' has parameters"
                + " per data point, which a data-parallel (Spark) fit does not support"), message);
        assertTrue(message.contains("all global (outside local blocks)"), message);
        assertTrue(message.contains("\n" + " ".repeat(40) + "^"), message); // the line indented by 2, col 39
        assertFalse(message.contains("\tat "), message);
        assertEquals(0, steps.get(), "step jobs before the error");
    }
}
