package org.ppl4j.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * Timings for docs/spark.md, printed, not asserted; off unless {@code -Dppl.spark.bench=true}:
 * {@code mvn -B -o test -pl spark -Dtest=SparkBenchTest -Dppl.spark.bench=true -Dppl.spark.rows=200000}.
 * The Bayesian logistic regression of SparkFitTest: time per step in-process and on Spark local[1] and local[2] at
 * batch sizes 1 (the per-step overhead) and 1000 (per-row cost), from the difference of runs of 2s and s steps.
 */
@EnabledIfSystemProperty(named = "ppl.spark.bench", matches = "true")
class SparkBenchTest {
    /** The wall time of a whole run (set-up, steps, summary), ms. */
    static double runMs(String master, int rows, int batch, int steps, double[][] cols) {
        String source = SparkFitTest.LOGISTIC.formatted(batch, steps, "0.01");
        long t0;
        if (master == null) {
            try (PplProgram p = Ppl.compile(source, "bench.ppl",
                    PplOptions.defaults().withData("d", SparkFitTest.record(cols)))) {
                t0 = System.nanoTime();
                p.run();
            }
        } else {
            SparkFitTest.spark = SparkSession.builder().master(master).appName("ppl4j-bench")
                    .config("spark.ui.enabled", "false").getOrCreate();
            try {
                var frame = SparkFitTest.frame(cols, master.equals("local[1]") ? 1 : 2);
                frame.count();
                t0 = System.nanoTime();
                try (PplProgram p = SparkFit.of(source, "bench.ppl", "d", frame).run()) {
                    p.lastFit();
                }
            } finally {
                SparkFitTest.spark.stop();
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @Test
    void timings() {
        int rows = Integer.getInteger("ppl.spark.rows", 200_000);
        double[][] cols = SparkFitTest.logistic(rows, 1);
        System.out.printf("rows %d%n%-10s %8s %12s%n", rows, "mode", "batch", "ms/step");
        for (String master : new String[] {null, "local[1]", "local[2]"}) {
            for (int batch : new int[] {1, 1000}) {
                int steps = batch == 1 ? 40 : 20;
                // the difference of runs of 2s and s steps: the set-up (compiling, caching the rows) cancels
                double ms = (runMs(master, rows, batch, 2 * steps, cols) - runMs(master, rows, batch, steps, cols))
                        / steps;
                String line = String.format("%-10s %8d %12.1f%n", master == null ? "in-process" : master, batch, ms);
                System.out.print(line);
                try {
                    // also in a file: the forked test JVM is sometimes cut off at its exit before its output is passed on
                    java.nio.file.Files.writeString(java.nio.file.Path.of("target/spark-bench.txt"), line,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }
}
