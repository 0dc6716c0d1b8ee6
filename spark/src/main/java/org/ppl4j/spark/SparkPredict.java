package org.ppl4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ppl4j.embed.LoadedFit;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import scala.Tuple2;

/**
 * Posterior predictive draws of a saved fit over a DataFrame, with {@code mapPartitions}: for each row, {@code n} draws
 * of a site of {@code model(row's columns...)} ({@link LoadedFit#predict}), returned as the row's columns plus the
 * draws' mean and standard deviation per site asked for. Each row's draws come from a stream seeded by (seed, row
 * index), so the output does not depend on the partitioning; {@link #rowSeed} gives a row's seed, and a program
 * compiled with it gives the same draws on one machine.
 *
 * <pre>{@code
 * Dataset<Row> scored = SparkPredict.of(modelsSource, "models.ppl", Files.readAllBytes(Path.of("fit.npz")))
 *         .model("lr", "x1", "x2").sites("y").draws(200).seed(1).apply(rows);
 * }</pre>
 */
public final class SparkPredict implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final String fileName;
    private final byte[] fit;
    private String model;
    private String[] columns = new String[0];
    private String[] sites = new String[0];
    private int draws = 100;
    private long seed;

    private SparkPredict(String source, String fileName, byte[] fit) {
        this.source = Objects.requireNonNull(source, "source");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.fit = fit.clone();
    }

    /** Predictions with the models of {@code source} (its guide the saved fit's) and the saved fit's bytes. */
    public static SparkPredict of(String source, String fileName, byte[] savedFit) {
        return new SparkPredict(source, fileName, savedFit);
    }

    /** The model to draw from and the columns that are its arguments, in order (each a number per row). */
    public SparkPredict model(String name, String... argumentColumns) {
        this.model = name;
        this.columns = argumentColumns.clone();
        return this;
    }

    /** The sites whose draws to summarise (number-valued per row). */
    public SparkPredict sites(String... names) {
        this.sites = names.clone();
        return this;
    }

    public SparkPredict draws(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("draws: at least 2, got " + n);
        }
        this.draws = n;
        return this;
    }

    public SparkPredict seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The seed of the row with global index {@code index}. */
    public static long rowSeed(long seed, long index) {
        return org.ppl4j.stdlib.builtins.DataParallelWorker.rowSeed(seed, index);
    }

    /**
     * The rows of {@code data} (in its order; never collected) with, per site s, columns {@code s_mean} and
     * {@code s_sd} of its draws.
     */
    public Dataset<Row> apply(Dataset<Row> data) {
        if (model == null) {
            throw new IllegalStateException("name the model: model(name, columns...)");
        }
        StructType in = RowIndex.visible(data).schema();
        int[] at = new int[columns.length];
        for (int i = 0; i < at.length; i++) {
            at[i] = in.fieldIndex(columns[i]);
        }
        StructType out = in;
        for (String s : sites) {
            out = out.add(s + "_mean", DataTypes.DoubleType).add(s + "_sd", DataTypes.DoubleType);
        }
        SparkPredict self = this;
        JavaRDD<Row> rows = RowIndex.indexed(data).mapPartitions(
                (Iterator<Tuple2<Row, Long>> part) -> self.partition(part, at), true);
        return data.sparkSession().createDataFrame(rows, out);
    }

    private Iterator<Row> partition(Iterator<Tuple2<Row, Long>> part, int[] at) throws IOException {
        List<Row> result = new ArrayList<>();
        Path file = Files.createTempFile("ppl4j-fit", ".npz");
        try (PplProgram program = Ppl.compile(source, fileName, PplOptions.defaults().withSeed(seed)
                .withAllowedPath(file))) {
            Files.write(file, fit);
            LoadedFit loaded = program.run().loadFit(file);
            while (part.hasNext()) {
                Tuple2<Row, Long> r = part.next();
                Object[] args = new Object[at.length];
                for (int i = 0; i < at.length; i++) {
                    args[i] = ((Number) r._1().get(at[i])).doubleValue();
                }
                long[] state = new Rng(rowSeed(seed, r._2())).state();
                program.within(() -> {
                    PplContext.get(null).rng().restore(state);
                    return null;
                });
                Map<String, Object> pp = loaded.predict(draws, model, args);
                Object[] values = new Object[r._1().length() + 2 * sites.length];
                for (int i = 0; i < r._1().length(); i++) {
                    values[i] = r._1().get(i);
                }
                for (int k = 0; k < sites.length; k++) {
                    Object d = pp.get(sites[k]);
                    if (!(d instanceof double[] xs)) {
                        throw new IllegalArgumentException("predict: " + model + " has no number-valued site '"
                                + sites[k] + "'; its sites are " + pp.keySet());
                    }
                    double mean = 0;
                    for (double x : xs) {
                        mean += x / xs.length;
                    }
                    double ss = 0;
                    for (double x : xs) {
                        ss += (x - mean) * (x - mean);
                    }
                    values[r._1().length() + 2 * k] = mean;
                    values[r._1().length() + 2 * k + 1] = Math.sqrt(ss / (xs.length - 1));
                }
                result.add(RowFactory.create(values));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return result.iterator();
    }
}
