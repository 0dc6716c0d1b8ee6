package org.ppl4j.spark;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The global index of each row, the number every determinism rule of a data-parallel fit is keyed by
 * (docs/spark.md#determinism-the-same-bits-for-any-partitioning-and-after-a-retried-task). Rows read from files are
 * numbered in the order of the files' paths, then in their order in the file, whatever the partitions Spark cut
 * the files into (splits of one file, several files in one partition, a repartition after the read); any other
 * DataFrame is numbered in partition order.
 *
 * <p>The position in the file is known from three columns added as the rows are read ({@link #provenance}): the
 * file, the start of the file split the row was read from and an id that grows by one from row to row within a
 * split. One small job counts the rows of each split (one result row per split, not per datum); a split's rows then
 * start at the rows of all files and splits before it.
 */
final class RowIndex {
    static final String FILE = "_ppl_file";
    static final String START = "_ppl_start";
    static final String ID = "_ppl_id";

    private RowIndex() {
    }

    /** Whether {@code column} is one of the provenance columns (not data). */
    static boolean hidden(String column) {
        return column.equals(FILE) || column.equals(START) || column.equals(ID);
    }

    /** {@code read} (straight from a file source) with its provenance columns; to be added before any shuffle. */
    static Dataset<Row> provenance(Dataset<Row> read) {
        if (Arrays.asList(read.columns()).contains(FILE)) {
            return read;
        }
        return read.withColumn(FILE, input_file_name()).withColumn(START, input_file_block_start())
                .withColumn(ID, monotonically_increasing_id());
    }

    /** {@code data} without the provenance columns. */
    static Dataset<Row> visible(Dataset<Row> data) {
        Column[] keep = Arrays.stream(data.columns()).filter(c -> !hidden(c)).map(c -> data.col(c))
                .toArray(Column[]::new);
        return keep.length == data.columns().length ? data : data.select(keep);
    }

    /**
     * The rows of {@code data}, their columns those of {@link #visible}, each with its global index. Never collects
     * the rows: the driver receives one count per file split.
     */
    static JavaRDD<Tuple2<Row, Long>> indexed(Dataset<Row> data) {
        Dataset<Row> rows = visible(data);
        Dataset<Row> traced = provenance(data);
        List<Row> splits = traced.groupBy(FILE, START).agg(count(lit(1)), min(ID)).collectAsList();
        if (splits.stream().anyMatch(s -> s.getString(0).isEmpty())) {
            // not (all) read from files: partition order
            return rows.javaRDD().zipWithIndex().map(t -> t);
        }
        List<Row> ordered = new ArrayList<>(splits);
        ordered.sort(Comparator.<Row, String>comparing(s -> s.getString(0)).thenComparingLong(s -> s.getLong(1)));
        // per split: its first row's global index less its first id
        HashMap<String, Long> offset = new HashMap<>();
        long base = 0;
        for (Row s : ordered) {
            offset.put(key(s.getString(0), s.getLong(1)), base - s.getLong(3));
            base += s.getLong(2);
        }
        Column[] columns = new Column[rows.columns().length + 3];
        for (int c = 0; c < rows.columns().length; c++) {
            columns[c] = traced.col(rows.columns()[c]);
        }
        int n = rows.columns().length;
        columns[n] = traced.col(FILE);
        columns[n + 1] = traced.col(START);
        columns[n + 2] = traced.col(ID);
        return traced.select(columns).javaRDD().map(r -> {
            Object[] values = new Object[n];
            for (int c = 0; c < n; c++) {
                values[c] = r.get(c);
            }
            long index = offset.get(key(r.getString(n), r.getLong(n + 1))) + r.getLong(n + 2);
            return new Tuple2<>(org.apache.spark.sql.RowFactory.create(values), index);
        });
    }

    private static String key(String file, long start) {
        return start + ":" + file;
    }
}
