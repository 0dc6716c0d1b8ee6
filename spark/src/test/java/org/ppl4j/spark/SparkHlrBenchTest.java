package org.ppl4j.spark;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;
import org.ppl4j.embed.ProgressListener;

/**
 * The benchmark of docs/spark.md, printed, not asserted; off unless {@code -Dppl.spark.hlr=true}:
 * {@code mvn -B -o test -pl spark -Dtest=SparkHlrBenchTest -Dppl.spark.hlr=true [-Dppl.spark.hlr.rows=1000000]}.
 * The hierarchical logistic regression of bench/spark/hlr.ppl (1,000 groups, a global intercept and slope, one
 * latent offset per group) on generated rows, in-process and on Spark local[1] and local[2]: time per epoch, time to
 * a fixed ELBO, the per-step cost at a batch of 16 (the overhead of a step) and the bytes each mode holds per row.
 */
@EnabledIfSystemProperty(named = "ppl.spark.hlr", matches = "true")
class SparkHlrBenchTest {
    static final int GROUPS = 1000;

    /** Rows (g, x, y): g uniform over the groups, x standard normal, y ~ bernoulli(-0.5 + 1.2 x + u_g). */
    static Map<String, double[]> rows(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] u = new double[GROUPS];
        for (int k = 0; k < GROUPS; k++) {
            u[k] = 0.7 * r.nextGaussian();
        }
        double[] g = new double[n];
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = r.nextInt(GROUPS);
            x[i] = r.nextGaussian();
            double p = 1 / (1 + Math.exp(-(-0.5 + 1.2 * x[i] + u[(int) g[i]])));
            y[i] = r.nextDouble() < p ? 1 : 0;
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("g", g);
        m.put("x", x);
        m.put("y", y);
        return m;
    }

    static Dataset<Row> frame(SparkSession spark, Map<String, double[]> cols, int partitions) {
        double[][] c = cols.values().toArray(new double[0][]);
        List<Row> rows = new ArrayList<>(c[0].length);
        for (int i = 0; i < c[0].length; i++) {
            rows.add(RowFactory.create(c[0][i], c[1][i], c[2][i]));
        }
        StructType schema = new StructType();
        for (String name : cols.keySet()) {
            schema = schema.add(name, DataTypes.DoubleType);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> d = spark.createDataFrame(sc.parallelize(rows, partitions), schema).localCheckpoint();
        d.count();
        return d;
    }

    /** Step and epoch times (ms from the program's start) and estimates of one run. */
    static final class Timings implements ProgressListener {
        final long t0 = System.nanoTime();
        final List<double[]> steps = new ArrayList<>(); // {ms, estimate}
        final List<double[]> epochs = new ArrayList<>(); // {ms, mean estimate}

        @Override
        public void onStep(Step step) {
            steps.add(new double[] {(System.nanoTime() - t0) / 1e6, step.objective()});
        }

        @Override
        public void onEpoch(Epoch epoch) {
            epochs.add(new double[] {(System.nanoTime() - t0) / 1e6, epoch.objective()});
        }

        /** The median of the step intervals after the first {@code skip} steps, ms. */
        double medianStep(int skip) {
            double[] d = new double[steps.size() - skip - 1];
            for (int i = 0; i < d.length; i++) {
                d[i] = steps.get(skip + i + 1)[0] - steps.get(skip + i)[0];
            }
            Arrays.sort(d);
            return d[d.length / 2];
        }

        /** The mean estimate of the last 20 steps up to step i. */
        double smoothed(int i) {
            double s = 0;
            int k = 0;
            for (int j = Math.max(0, i - 19); j <= i; j++, k++) {
                s += steps.get(j)[1];
            }
            return s / k;
        }

        /** The time (ms) at which the 20-step mean estimate first reaches {@code target}; NaN if never. */
        double timeTo(double target) {
            for (int i = 19; i < steps.size(); i++) {
                if (smoothed(i) >= target) {
                    return steps.get(i)[0];
                }
            }
            return Double.NaN;
        }
    }

    static Timings run(SparkSession spark, Dataset<Row> frame, Map<String, double[]> cols, String source) {
        Timings t = new Timings();
        PplOptions options = PplOptions.defaults().withSeed(1).withProgressListener(t)
                .withOutput(new ByteArrayOutputStream());
        if (spark == null) {
            try (PplProgram p = Ppl.compile(source, "hlr.ppl", options.withData("d", cols))) {
                p.run();
            }
        } else {
            try (PplProgram p = SparkFit.of(source, "hlr.ppl", "d", frame).options(options).run()) {
                p.lastFit();
            }
        }
        return t;
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void timings() throws Exception {
        int n = Integer.getInteger("ppl.spark.hlr.rows", 1_000_000);
        String source = Files.readString(Path.of("../bench/spark/hlr.ppl"));
        String overhead = source.replace("batch: 10000, epochs: 3", "batch: 16, steps: 40");
        Map<String, double[]> cols = rows(n, 1);
        // bytes per row: in-process, the heap the program holds with its data bound (the columns as tensors)
        long before = usedHeap();
        double inProcessBytes;
        try (PplProgram p = Ppl.compile(source.substring(0, source.indexOf("let t0")), "hlr.ppl",
                PplOptions.defaults().withData("d", cols))) {
            p.run();
            inProcessBytes = (usedHeap() - before) / (double) n;
        }
        // on Spark: what one cached block of the rows holds (Spark's own size estimate)
        Block sample = Block.of(java.util.stream.LongStream.range(0, 100_000).mapToObj(
                i -> new scala.Tuple2<Row, Long>(RowFactory.create((double) (i % GROUPS), 0.5, 1.0), i)).iterator(),
                new String[] {"g", "x", "y"}).get(0);
        double sparkBytes = org.apache.spark.util.SizeEstimator.estimate(sample) / 100_000.0;

        // the evaluation code warmed up (JIT) before anything is timed, so that the first mode does not pay for it
        run(null, null, cols, overhead.replace("batch: 16", "batch: 1000"));
        Map<String, Timings> fits = new LinkedHashMap<>();
        Map<String, Timings> small = new LinkedHashMap<>();
        for (String master : new String[] {null, "local[1]", "local[2]"}) {
            String mode = master == null ? "in-process" : master;
            if (master == null) {
                fits.put(mode, run(null, null, cols, source));
                small.put(mode, run(null, null, cols, overhead));
                continue;
            }
            SparkSession spark = SparkSession.builder().master(master).appName("ppl4j-hlr-bench")
                    .config("spark.ui.enabled", "false").getOrCreate();
            try {
                Dataset<Row> frame = frame(spark, cols, master.equals("local[1]") ? 1 : 2);
                fits.put(mode, run(spark, frame, cols, source));
                small.put(mode, run(spark, frame, cols, overhead));
            } finally {
                spark.stop();
            }
        }
        Timings local = fits.get("in-process");
        double target = 1.01 * local.smoothed(local.steps.size() - 1);
        StringBuilder out = new StringBuilder();
        out.append(String.format("rows %d, groups %d, batch 10000, %d steps per epoch; target ELBO %.1f (1%% below the"
                + " in-process fit's last 20-step mean)%n", n, GROUPS, (n + 9999) / 10000, target));
        out.append(String.format("%-10s %14s %14s %14s %14s %16s %14s%n", "mode", "epoch 1 ms", "later epoch ms",
                "to target ms", "final ELBO", "ms/step batch16", "bytes/row"));
        for (String mode : fits.keySet()) {
            Timings t = fits.get(mode);
            double later = 0;
            for (int e = 1; e < t.epochs.size(); e++) {
                later += t.epochs.get(e)[0] - t.epochs.get(e - 1)[0];
            }
            later /= Math.max(1, t.epochs.size() - 1);
            out.append(String.format("%-10s %14.0f %14.0f %14.0f %14.1f %16.1f %14.1f%n", mode, t.epochs.get(0)[0],
                    later, t.timeTo(target), t.smoothed(t.steps.size() - 1), small.get(mode).medianStep(5),
                    mode.equals("in-process") ? inProcessBytes : sparkBytes));
            out.append("  epochs (ms, mean ELBO):");
            for (double[] x : t.epochs) {
                out.append(String.format(" (%.0f, %.1f)", x[0], x[1]));
            }
            out.append(String.format("%n"));
        }
        System.out.print(out);
        System.out.flush();
        // also in a file: the forked test JVM is sometimes cut off at its exit before its output is passed on
        Files.writeString(Path.of("target/spark-hlr-bench.txt"), out);
    }
}
