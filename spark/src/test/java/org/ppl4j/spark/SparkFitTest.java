package org.ppl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * Data-parallel fits in Spark's local mode (two threads, two attempts per task: {@code local[2,2]}), against the
 * same program fitted on one machine.
 */
class SparkFitTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ppl4j-spark-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Logistic regression data: y ~ bernoulli(logits: 0.5 - x1 + 2 x2), x1, x2 standard normal; fixed seed. */
    static double[][] logistic(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[][] cols = new double[3][n];
        for (int i = 0; i < n; i++) {
            double x1 = r.nextGaussian();
            double x2 = r.nextGaussian();
            double p = 1 / (1 + Math.exp(-(0.5 - x1 + 2 * x2)));
            cols[0][i] = x1;
            cols[1][i] = x2;
            cols[2][i] = r.nextDouble() < p ? 1 : 0;
        }
        return cols;
    }

    /** The columns as a DataFrame in {@code partitions} slices, in row order (so that row i has global index i). */
    static Dataset<Row> frame(double[][] cols, int partitions) {
        return LocalSpark.frame(spark, record(cols), partitions);
    }

    static Map<String, double[]> record(double[][] cols) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("x1", cols[0]);
        m.put("x2", cols[1]);
        m.put("y", cols[2]);
        return m;
    }

    /**
     * A deterministic objective (the joint log density at the parameters, no random choices): one full-batch step
     * of sgd(lr) moves each parameter by lr times its gradient. A global choice c (outside local) must count once.
     */
    static final String JOINT = """
            model lr(x1, x2) {
              param mu = 0.5
              param b0 = 0.1
              param b1 = -0.2
              param b2 = 0.3
              c ~ normal(mu, 1)
              local { y ~ bernoulli(logits: b0 + b1 * x1 + b2 * x2) }
            }
            objective joint(p, obs) { return density(p, obs) }
            let q = fit(fn(d) { joint(lr(d.x1, d.x2), choices { c: 0.3, y: d.y }) }, data: d, batch: %d, steps: 1,
                        shuffle: false, optimizer: sgd(%s), samples: 1)
            """;

    @Test
    void fullBatchGradientEqualsTheSingleMachineGradient() {
        int n = 2000;
        double lr = 1e-4;
        double[][] cols = logistic(n, 11);
        String source = JOINT.formatted(n, lr);
        Map<String, Double> start = Map.of("lr.mu", 0.5, "lr.b0", 0.1, "lr.b1", -0.2, "lr.b2", 0.3);
        Map<String, Double> single = new LinkedHashMap<>();
        try (PplProgram p = Ppl.compile(source, "joint.ppl", PplOptions.defaults().withData("d", record(cols)))) {
            FitResult f = p.run().lastFit();
            start.forEach((k, v) -> single.put(k, (f.param(k) - v) / lr));
        }
        // the global term's gradient alone is 0.3 - mu = -0.2: counted once, not once per partition
        assertTrue(Math.abs(single.get("lr.mu") + 0.2) < 1e-6, "single-machine d/dmu " + single.get("lr.mu"));
        for (int partitions : new int[] {1, 2, 4}) {
            try (PplProgram p = SparkFit.of(source, "joint.ppl", "d", frame(cols, partitions)).run()) {
                FitResult f = p.lastFit();
                for (Map.Entry<String, Double> e : single.entrySet()) {
                    double g = (f.param(e.getKey()) - start.get(e.getKey())) / lr;
                    assertEquals(e.getValue(), g, 1e-9 * Math.max(1, Math.abs(e.getValue())),
                            e.getKey() + " with " + partitions + " partitions");
                }
            }
        }
    }

    static final String LOGISTIC = """
            model lr(x1, x2) {
              b0 ~ normal(0, 5)
              b1 ~ normal(0, 5)
              b2 ~ normal(0, 5)
              local { y ~ bernoulli(logits: b0 + b1 * x1 + b2 * x2) }
            }
            model guide() {
              param m0 = 0.0
              param m1 = 0.0
              param m2 = 0.0
              param s0 = 0.1 : positive
              param s1 = 0.1 : positive
              param s2 = 0.1 : positive
              b0 ~ normal(m0, s0)
              b1 ~ normal(m1, s1)
              b2 ~ normal(m2, s2)
            }
            let q = fit(fn(d) { elbo(lr(d.x1, d.x2), guide(), choices { y: d.y }) }, data: d, batch: %d,
                        steps: %d, optimizer: adam(%s), seed: 5)
            """;

    static final String[] GUIDE = {"guide.m0", "guide.m1", "guide.m2", "guide.s0", "guide.s1", "guide.s2"};

    static double[] guide(FitResult f) {
        double[] v = new double[GUIDE.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.param(GUIDE[i]);
        }
        return v;
    }

    @Test
    void minibatchFitIsBitIdenticalForAnyPartitioningAndAfterATaskFailure() {
        int n = 100_000;
        double[][] cols = logistic(n, 7);
        String source = LOGISTIC.formatted(100, 40, "0.05");
        double[] one;
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 1)).run()) {
            one = guide(p.lastFit());
        }
        for (int partitions : new int[] {2, 4}) {
            try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, partitions)).run()) {
                double[] v = guide(p.lastFit());
                for (int i = 0; i < v.length; i++) {
                    assertEquals(Double.doubleToLongBits(one[i]), Double.doubleToLongBits(v[i]),
                            GUIDE[i] + " with " + partitions + " partitions: " + v[i] + " vs " + one[i]);
                }
            }
        }
        // another number of blocks (5: cut unevenly over 2 and 4 partitions): other bits, the same for both
        double[] five;
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 2)).blocks(5).run()) {
            five = guide(p.lastFit());
        }
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 4)).blocks(5).run()) {
            assertBits(five, guide(p.lastFit()), "5 blocks in 4 partitions against 2");
        }
        // local steps: H = 1 is the synchronous step; H = 4 (10 rounds of 4 batch steps) has bits of its own, the
        // same for 1 and 4 partitions
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 4)).localSteps(1).run()) {
            assertBits(one, guide(p.lastFit()), "local steps 1 against synchronous steps");
        }
        double[] four;
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 1)).localSteps(4).run()) {
            four = guide(p.lastFit());
            assertEquals(10, p.lastFit().history().length, "driver steps with local steps 4");
        }
        assertTrue(four[0] != one[0], "local steps 4 gave the synchronous result " + four[0]);
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 4)).localSteps(4).run()) {
            assertBits(four, guide(p.lastFit()), "local steps 4, 4 partitions against 1");
        }
        // partition 0's task fails on its first attempt at step 7; Spark runs it again; the result is the same bits
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 2)).failOnceAt(7).run()) {
            double[] v = guide(p.lastFit());
            for (int i = 0; i < v.length; i++) {
                assertEquals(Double.doubleToLongBits(one[i]), Double.doubleToLongBits(v[i]),
                        GUIDE[i] + " after a retried task: " + v[i] + " vs " + one[i]);
            }
        }
    }

    static void assertBits(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
                    GUIDE[i] + ", " + what + ": " + actual[i] + " vs " + expected[i]);
        }
    }

    /**
     * The posterior of the data-parallel fit against the single-machine fit of the same program and data (10^5 rows,
     * data seed 7, fit seed 5, batch 200, 200 steps of adam(0.1, decay 0.98)). The two use different random streams
     * (batches and draws), so their guides differ by the fits' own noise; the bound: each guide mean within 4 joint
     * posterior sds (sqrt(s_spark^2 + s_single^2), the fitted guide scales) of the other's, and each within 4 of its
     * own sds of the coefficients that generated the data; the scales within a factor 2 of each other. Counting the
     * prior once per partition or scaling the rows wrongly moves the means by many sds. The same bound for a fit with
     * local steps H = 4 (federated averaging over the 16 blocks; IID data, the rows in random order) and as many
     * driver steps (800 batch steps), against the synchronous Spark fit.
     */
    @Test
    void posteriorMatchesTheSingleMachineFit() {
        int n = 100_000;
        double[][] cols = logistic(n, 7);
        String source = LOGISTIC.formatted(200, 200, "0.1, decay: 0.98");
        double[] spark;
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 2)).run()) {
            spark = guide(p.lastFit());
        }
        double[] single;
        try (PplProgram p = Ppl.compile(source, "logistic.ppl", PplOptions.defaults().withData("d", record(cols)))) {
            single = guide(p.run().lastFit());
        }
        double[] local;
        try (PplProgram p = SparkFit.of(LOGISTIC.formatted(200, 800, "0.1, decay: 0.98"), "logistic.ppl", "d",
                frame(cols, 2)).localSteps(4).run()) {
            local = guide(p.lastFit());
        }
        double[] truth = {0.5, -1, 2};
        for (int k = 0; k < 3; k++) {
            double sdl = Math.hypot(spark[k + 3], local[k + 3]);
            String withLocal = GUIDE[k] + ": local steps 4 " + local[k] + " (sd " + local[k + 3] + "), synchronous "
                    + spark[k] + " (sd " + spark[k + 3] + ")";
            assertTrue(Math.abs(local[k] - spark[k]) <= 4 * sdl, withLocal);
            assertTrue(Math.abs(local[k] - truth[k]) <= 4 * local[k + 3], withLocal);
            assertTrue(local[k + 3] / spark[k + 3] < 2 && spark[k + 3] / local[k + 3] < 2, withLocal);
            double sd = Math.hypot(spark[k + 3], single[k + 3]);
            String what = GUIDE[k] + ": spark " + spark[k] + " (sd " + spark[k + 3] + "), single machine " + single[k]
                    + " (sd " + single[k + 3] + ")";
            assertTrue(Math.abs(spark[k] - single[k]) <= 4 * sd, what);
            assertTrue(Math.abs(spark[k] - truth[k]) <= 4 * spark[k + 3], what);
            assertTrue(Math.abs(single[k] - truth[k]) <= 4 * single[k + 3], what);
            assertTrue(spark[k + 3] / single[k + 3] < 2 && single[k + 3] / spark[k + 3] < 2, what);
        }
    }

    /**
     * The driver checkpoints as on one machine: an application whose job fails for good at step 14 (every attempt
     * of a task fails) leaves its checkpoint of step 10; a new run of the program with --resume continues from it
     * and ends with the bits of an uninterrupted run.
     */
    @Test
    void resumeAfterTheApplicationFailsGivesTheUninterruptedResult(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        double[][] cols = logistic(20_000, 3);
        java.nio.file.Path ck = tmp.resolve("ck");
        String source = LOGISTIC.formatted(100, 20, "0.05").replace("seed: 5)",
                "seed: 5, checkpoint: \"" + ck.toString().replace("\\", "/") + "\", every: 10)");
        PplOptions options = PplOptions.defaults().withAllowedPath(tmp);
        double[] whole;
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 2)).options(options).run()) {
            whole = guide(p.lastFit());
        }
        deleteAll(ck);
        RuntimeException failed = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> SparkFit.of(source, "logistic.ppl", "d", frame(cols, 2)).options(options).failAt(14).run());
        assertTrue(String.valueOf(failed.getMessage()).contains("injected failure"), failed.getMessage());
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 4)).options(options.withResume(ck))
                .run()) {
            double[] resumed = guide(p.lastFit());
            for (int i = 0; i < resumed.length; i++) {
                assertEquals(Double.doubleToLongBits(whole[i]), Double.doubleToLongBits(resumed[i]),
                        GUIDE[i] + " resumed: " + resumed[i] + " vs " + whole[i]);
            }
        }
    }

    static void deleteAll(java.nio.file.Path dir) {
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The launcher's entry point on a CSV file, against the API on the same data. */
    @Test
    void mainFitsAProgramOverACsvFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        double[][] cols = logistic(2000, 5);
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < cols[0].length; i++) {
            csv.append(cols[0][i]).append(',').append(cols[1][i]).append(',').append((int) cols[2][i]).append('\n');
        }
        java.nio.file.Path data = java.nio.file.Files.writeString(tmp.resolve("rows.csv"), csv);
        String source = LOGISTIC.formatted(50, 10, "0.05");
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("logistic.ppl"), source);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        int code;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = Main.run(new String[] {file.toString(), "--spark", "local[2]", "--data", "d=" + data});
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        double expected;
        try (PplProgram p = SparkFit.of(source, file.toString(), "d", SparkFit.read(spark, data.toString())).run()) {
            expected = p.lastFit().param("guide.m2");
        }
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(printed.contains("guide.m2 = " + expected), printed);
        assertEquals(64, Main.run(new String[] {file.toString()}));
        assertEquals(64, Main.run(new String[] {file.toString(), "--data", data.toString(), "--blocks", "0"}));
        assertEquals(64, Main.run(new String[] {file.toString(), "--data", data.toString(), "--local-steps", "x"}));
    }

    /** A data path that does not exist: exit 66 and one line that names it, no stack trace. */
    @Test
    void mainRefusesMissingData(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("p.ppl"), "print(1)\n");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        int code;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = Main.run(new String[] {file.toString(), "--spark", "local[2]", "--data", tmp.resolve("no.csv").toString()});
        } finally {
            System.setErr(saved);
        }
        String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(66, code, said);
        assertTrue(said.startsWith("ppl spark: cannot read the data " + tmp.resolve("no.csv") + ": "), said);
        assertTrue(said.contains("PATH_NOT_FOUND") && !said.contains("\tat "), said);
    }
}
