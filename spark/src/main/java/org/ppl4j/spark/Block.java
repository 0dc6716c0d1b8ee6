package org.ppl4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/** One partition's rows, kept in memory between steps: their global indices and one array per numeric column. */
final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] index;
    final LinkedHashMap<String, double[]> columns;

    Block(long[] index, LinkedHashMap<String, double[]> columns) {
        this.index = index;
        this.columns = columns;
    }

    /** The rows of a partition (each with its global index) as one block. */
    static Block of(Iterator<Tuple2<Row, Long>> rows, String[] names) {
        List<Tuple2<Row, Long>> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        long[] index = new long[all.size()];
        double[][] cols = new double[names.length][all.size()];
        for (int r = 0; r < all.size(); r++) {
            Row row = all.get(r)._1();
            index[r] = all.get(r)._2();
            for (int c = 0; c < names.length; c++) {
                Object v = row.get(c);
                if (!(v instanceof Number n)) {
                    throw new IllegalArgumentException("row " + index[r] + ": column '" + names[c] + "' is "
                            + (v == null ? "empty" : "not a number: " + v));
                }
                cols[c][r] = n.doubleValue();
            }
        }
        LinkedHashMap<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0; c < names.length; c++) {
            columns.put(names[c], cols[c]);
        }
        return new Block(index, columns);
    }
}
