package org.ppl4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The tests' Spark: local mode with two threads and two attempts per task ({@code local[2,2]}), and data frames. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(String appName) {
        return SparkSession.builder().master("local[2,2]").appName(appName).config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    /**
     * Columns (by name, in order) as a DataFrame of doubles in {@code partitions} slices, row i with global index i;
     * checkpointed, so that each task does not carry its slice of the rows as a file-backed source would not.
     */
    static Dataset<Row> frame(SparkSession spark, Map<String, double[]> cols, int partitions) {
        List<double[]> columns = new ArrayList<>(cols.values());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < columns.get(0).length; i++) {
            Object[] values = new Object[columns.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = columns.get(c)[i];
            }
            rows.add(RowFactory.create(values));
        }
        StructType schema = new StructType();
        for (String name : cols.keySet()) {
            schema = schema.add(name, DataTypes.DoubleType);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(sc.parallelize(rows, partitions), schema).localCheckpoint();
    }
}
