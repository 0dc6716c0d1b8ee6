package org.ppl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.PplProgram;

/**
 * Data that Spark reads from files, as {@code --data} reads it ({@link SparkFit#read(SparkSession, String, int)}): the
 * same rows as a directory of CSV files and as Parquet give the bits of the in-memory DataFrame's fit for any
 * partitioning, and no task sends rows to the driver beyond the bounded sample.
 */
class SparkDataTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ppl4j-spark-data-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> frame(double[][] cols, int partitions) {
        return LocalSpark.frame(spark, SparkFitTest.record(cols), partitions);
    }

    /** The largest result any task sent to the driver, in bytes, while {@code fit} ran. */
    static long largestTaskResult(Supplier<double[]> fit, double[][] out) throws Exception {
        AtomicLong largest = new AtomicLong();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    largest.accumulateAndGet(end.taskMetrics().resultSize(), Math::max);
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            out[0] = fit.get();
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        return largest.get();
    }

    /**
     * 40,000 rows of the logistic regression, written as four CSV files of unequal length (5,000, 12,000, 14,000 and
     * 9,000 rows: Spark orders file splits by size, not by name) in a directory rows.csv, and as Parquet with 64 KB
     * row groups. Each is read with Spark's own partitions, repartitioned to 1, 2 and 4, and with 64 KB splits
     * (several splits of each file, in size order); every fit (6 steps of batch 200) must give the bits of the fit of
     * the in-memory DataFrame. The rows take 960 KB as doubles; no task may send the driver more than a tenth of that
     * (the bounded sample of 1,000 rows is 24 KB, one partition of 4 or fewer is 240 KB or more).
     */
    @Test
    void csvAndParquetFilesGiveTheInMemoryBitsForAnyPartitioning(@TempDir Path tmp) throws Exception {
        int n = 40_000;
        double[][] cols = SparkFitTest.logistic(n, 9);
        String source = SparkFitTest.LOGISTIC.formatted(200, 6, "0.05");
        double[] memory;
        try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", frame(cols, 3)).run()) {
            memory = SparkFitTest.guide(p.lastFit());
        }
        Path csv = Files.createDirectories(tmp.resolve("rows.csv"));
        int[] cuts = {0, 5_000, 17_000, 31_000, n};
        for (int f = 0; f + 1 < cuts.length; f++) {
            StringBuilder text = new StringBuilder("x1,x2,y\n");
            for (int i = cuts[f]; i < cuts[f + 1]; i++) {
                text.append(cols[0][i]).append(',').append(cols[1][i]).append(',').append(cols[2][i]).append('\n');
            }
            Files.writeString(csv.resolve("part-" + f + ".csv"), text);
        }
        Path parquet = tmp.resolve("rows.parquet");
        frame(cols, 4).write().option("parquet.block.size", 65536).parquet(parquet.toString());

        Map<String, Supplier<Dataset<Row>>> reads = new LinkedHashMap<>();
        for (Path path : new Path[] {csv, parquet}) {
            String format = path.getFileName().toString();
            for (int partitions : new int[] {0, 1, 2, 4}) {
                reads.put(format + " in " + (partitions == 0 ? "Spark's own" : partitions) + " partitions",
                        () -> SparkFit.read(spark, path.toString(), partitions));
            }
            reads.put(format + " in 64 KB splits", () -> SparkFit.read(spark, path.toString()));
        }
        long limit = n * 3L * 8 / 10;
        for (Map.Entry<String, Supplier<Dataset<Row>>> read : reads.entrySet()) {
            boolean split = read.getKey().endsWith("splits");
            if (split) {
                spark.conf().set("spark.sql.files.maxPartitionBytes", "65536");
                spark.conf().set("spark.sql.files.openCostInBytes", "0");
            }
            double[][] fitted = {null};
            long largest;
            try {
                Dataset<Row> rows = read.getValue().get();
                if (split) {
                    assertTrue(rows.javaRDD().getNumPartitions() > 4, read.getKey() + ": "
                            + rows.javaRDD().getNumPartitions() + " partitions");
                }
                largest = largestTaskResult(() -> {
                    try (PplProgram p = SparkFit.of(source, "logistic.ppl", "d", rows).run()) {
                        return SparkFitTest.guide(p.lastFit());
                    }
                }, fitted);
            } finally {
                spark.conf().unset("spark.sql.files.maxPartitionBytes");
                spark.conf().unset("spark.sql.files.openCostInBytes");
            }
            for (int i = 0; i < memory.length; i++) {
                assertEquals(Double.doubleToLongBits(memory[i]), Double.doubleToLongBits(fitted[0][i]),
                        SparkFitTest.GUIDE[i] + ", " + read.getKey() + ": " + fitted[0][i] + " vs " + memory[i]);
            }
            assertTrue(largest < limit, read.getKey() + ": a task sent the driver " + largest + " bytes");
        }
    }
}
