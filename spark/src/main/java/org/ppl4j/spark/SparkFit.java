package org.ppl4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.stdlib.builtins.DataParallel;
import org.ppl4j.stdlib.builtins.DataParallelWorker;

/**
 * Runs a ppl4j program whose minibatch {@code fit(f, data: d, batch: B, ...)} reads a Spark {@link Dataset}: the
 * program runs on the driver as on one machine (its parameters, optimiser, checkpoints, {@code --resume} and the
 * closing summary stay there), and each step's gradient is computed by the executors over the rows of the step's
 * batch, block by block (fixed blocks of consecutive rows, each evaluated as one vectorised batch), and summed exactly
 * with {@code treeAggregate} (see {@link DataParallelWorker} for the rules that make the result
 * independent of the partitioning). The data name {@code d} is bound to a record with one field per numeric column;
 * on every JVM it holds a sample of the data's first rows, so that the program reaches its fit; the rows themselves
 * stay on the executors.
 *
 * <pre>{@code
 * Dataset<Row> rows = SparkFit.read(spark, "hdfs:///data/clicks.parquet");
 * try (PplProgram program = SparkFit.of(source, "clicks.ppl", "d", rows).seed(3).run()) {
 *     FitResult fit = program.lastFit();
 * }
 * }</pre>
 */
public final class SparkFit {
    /** Rows of the data bound to its name on every JVM (the fit's names and settings, its closing summary). */
    static final int HEAD_ROWS = 1000;
    /** The number of blocks the rows are grouped in when not set (at most that many partitions do work). */
    public static final int DEFAULT_BLOCKS = 16;

    private final String source;
    private final String fileName;
    private final String dataName;
    private final Dataset<Row> data;
    private PplOptions options = PplOptions.defaults();
    private int blockCount = DEFAULT_BLOCKS;
    private int localSteps = 1;
    private int failStep = -1;
    private int failAttempts;

    private SparkFit(String source, String fileName, String dataName, Dataset<Row> data) {
        this.source = Objects.requireNonNull(source, "source");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.dataName = Objects.requireNonNull(dataName, "dataName");
        this.data = Objects.requireNonNull(data, "data");
    }

    /** A fit of the program {@code source} (named {@code fileName} in errors) whose data {@code dataName} is {@code data}. */
    public static SparkFit of(String source, String fileName, String dataName, Dataset<Row> data) {
        return new SparkFit(source, fileName, dataName, data);
    }

    /** The program's options (seed, resume, ...); its data other than {@code dataName} go to every JVM as they are. */
    public SparkFit options(PplOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    public SparkFit seed(long seed) {
        this.options = options.withSeed(seed);
        return this;
    }

    /**
     * The number of fixed blocks the rows are grouped in (16 when not set): each step evaluates each block's rows of
     * the batch as one vectorised batch, so a step costs G evaluations, and at most G partitions do work. The result
     * depends on G (and the seed), not on the partitioning.
     */
    public SparkFit blocks(int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("the number of blocks must be at least 1, got " + blocks);
        }
        this.blockCount = blocks;
        return this;
    }

    /**
     * Local steps (federated averaging): each block takes {@code h} batch steps on its own rows between two steps
     * of the driver (1, the default: synchronous steps). See docs/spark.md for its bias on blocks that are not
     * identically distributed.
     */
    public SparkFit localSteps(int h) {
        if (h < 1) {
            throw new IllegalArgumentException("local steps must be at least 1, got " + h);
        }
        this.localSteps = h;
        return this;
    }

    /** A test hook: the first attempt of partition 0's task at step {@code step} (0-based) fails after its work. */
    SparkFit failOnceAt(int step) {
        this.failStep = step;
        this.failAttempts = 1;
        return this;
    }

    /** A test hook: every attempt of partition 0's task at step {@code step} fails, and so does the job. */
    SparkFit failAt(int step) {
        this.failStep = step;
        this.failAttempts = Integer.MAX_VALUE;
        return this;
    }

    /**
     * Reads CSV (with a header line) or Parquet from any path Hadoop reads ({@code file:}, {@code hdfs:}, {@code s3a:},
     * ...), by the path's extension; a directory is read as Parquet unless its name ends in .csv. The rows keep their
     * place in the files (three provenance columns, {@code _ppl_file}, {@code _ppl_start}, {@code _ppl_id}), so that
     * a fit numbers them by file and line whatever the partitioning ({@link RowIndex}).
     */
    public static Dataset<Row> read(SparkSession spark, String path) {
        String p = path.toLowerCase(java.util.Locale.ROOT);
        if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
            return RowIndex.provenance(spark.read().option("header", "true").option("inferSchema", "true").csv(path));
        }
        return RowIndex.provenance(spark.read().parquet(path));
    }

    /**
     * {@link #read(SparkSession, String)} in {@code partitions} partitions (a repartition after the read; 0 keeps the
     * partitions Spark cut the files into). The fit's result is the same bits for any {@code partitions}.
     */
    public static Dataset<Row> read(SparkSession spark, String path, int partitions) {
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be 0 (Spark's own) or more, not " + partitions);
        }
        Dataset<Row> rows = read(spark, path);
        return partitions == 0 ? rows : rows.repartition(partitions);
    }

    /**
     * Runs the program on the driver with its minibatch fit data-parallel, and returns it (its {@code lastFit()} the
     * fit's result). Close it when done.
     */
    public PplProgram run() {
        String[] names = numericColumns(data);
        // a stable global index per row: by file and line for rows read from files, else in partition order
        JavaRDD<Block> read = RowIndex.indexed(data)
                .mapPartitions(rows -> Block.of(rows, names).iterator(), true);
        read.persist(StorageLevel.MEMORY_AND_DISK());
        long rows = read.map(b -> (long) b.length()).fold(0L, Long::sum);
        if (rows == 0) {
            read.unpersist(false);
            throw new IllegalArgumentException(fileName + ": the data '" + dataName + "' has no rows");
        }
        // the fixed blocks (by global index), each whole in one partition: one shuffle of the rows, at load
        long size = (rows + Math.min(blockCount, rows) - 1) / Math.min(blockCount, rows);
        int count = (int) ((rows + size - 1) / size);
        int partitions = Math.max(1, Math.min(count, data.javaRDD().getNumPartitions()));
        JavaRDD<Block> blocks = read.flatMapToPair(b -> b.split(size).iterator())
                .partitionBy(new Block.Partitioner(partitions, count))
                .mapPartitions(pieces -> Block.join(pieces).iterator(), true);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count();
        read.unpersist(false);
        LinkedHashMap<String, double[]> head = head(blocks, names, rows);
        Spec spec = new Spec(source, fileName, dataName, options.seed(), options.float64(), rows, head, localSteps,
                failStep, failAttempts);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<Spec> shared = sc.broadcast(spec);
        PplProgram program = Ppl.compile(source, fileName, options.withData(dataName, head));
        program.within(() -> {
            PplContext.get(null).setDataParallel(new Driver(blocks, shared, rows, localSteps));
            return null;
        });
        try {
            program.run();
        } catch (RuntimeException e) {
            program.close();
            throw e;
        } finally {
            blocks.unpersist(false);
            shared.destroy();
        }
        return program;
    }

    /** The driver's side: each step, one treeAggregate over the blocks. */
    private record Driver(JavaRDD<Block> blocks, Broadcast<Spec> spec, long rows, int localSteps)
            implements DataParallel {
        @Override
        public long rows() {
            return rows;
        }

        @Override
        public boolean executor() {
            return false;
        }

        @Override
        public int localSteps() {
            return localSteps;
        }

        @Override
        public void captured(DataParallelWorker worker) {
            throw new IllegalStateException("the driver captures no worker");
        }

        @Override
        public DataParallelWorker.Sum step(int step, DataParallelWorker.Params params) {
            return sum(blocks, spec, step, params);
        }
    }

    /** Step (round) {@code step}'s sum over all blocks. */
    static DataParallelWorker.Sum sum(JavaRDD<Block> blocks, Broadcast<Spec> spec, int step,
            DataParallelWorker.Params params) {
        int[] sizes = DataParallelWorker.sizes(params);
        return blocks.treeAggregate(new DataParallelWorker.Sum(sizes), (acc, block) -> {
            DataParallelWorker.Sum s = Workers.gradient(spec.value(), params, step, block);
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            if (spec.value().failStep == step && task != null && task.partitionId() == 0
                    && task.attemptNumber() < spec.value().failAttempts) {
                throw new IllegalStateException("injected failure: step " + step + ", partition 0, attempt "
                        + task.attemptNumber());
            }
            return acc.merge(s);
        }, DataParallelWorker.Sum::merge, 2);
    }

    /** The numeric columns, in order; any other column is an error that names it. */
    static String[] numericColumns(Dataset<Row> data) {
        List<String> names = new ArrayList<>();
        for (StructField f : data.schema().fields()) {
            if (RowIndex.hidden(f.name())) {
                continue;
            }
            if (!(f.dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("column '" + f.name() + "' is " + f.dataType().simpleString()
                        + "; a ppl4j fit on Spark reads numeric columns only (select the ones the program uses)");
            }
            if (!f.name().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("column '" + f.name() + "' is not a ppl4j name (letters, digits, _)");
            }
            names.add(f.name());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the data has no columns");
        }
        return names.toArray(new String[0]);
    }

    /**
     * The rows of global index 0 to {@link #HEAD_ROWS} - 1, column by column (a bounded take: the data is never
     * collected), the same for any partitioning.
     */
    static LinkedHashMap<String, double[]> head(JavaRDD<Block> blocks, String[] names, long rows) {
        int h = (int) Math.min(HEAD_ROWS, rows);
        List<scala.Tuple2<Long, double[]>> first = new ArrayList<>(blocks.flatMap(b -> {
            List<scala.Tuple2<Long, double[]>> mine = new ArrayList<>();
            for (int r = 0, n = b.length(); r < n && b.first + r < h; r++) {
                double[] row = new double[names.length];
                for (int c = 0; c < names.length; c++) {
                    row[c] = b.columns.get(names[c])[r];
                }
                mine.add(new scala.Tuple2<>(b.first + r, row));
            }
            return mine.iterator();
        }).collect());
        first.sort(java.util.Comparator.comparingLong(scala.Tuple2::_1));
        LinkedHashMap<String, double[]> head = new LinkedHashMap<>();
        for (int c = 0; c < names.length; c++) {
            double[] col = new double[first.size()];
            for (int r = 0; r < col.length; r++) {
                col[r] = first.get(r)._2()[c];
            }
            head.put(names[c], col);
        }
        return head;
    }
}
