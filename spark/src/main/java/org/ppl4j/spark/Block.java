package org.ppl4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Rows of consecutive global indices ({@link #first}, {@code first + 1}, ...), one array per numeric column, kept in
 * memory between steps. A fit's blocks are fixed by the global indices alone: block g holds the rows [gK, gK + K)
 * (K = ceil(N / G), G the number of blocks), and each partition holds whole blocks, so that what a block computes
 * does not depend on the partitioning.
 */
final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The block's number (its first index / K); -1 for the rows of a partition as read. */
    final int id;
    final long first;
    final LinkedHashMap<String, double[]> columns;

    Block(int id, long first, LinkedHashMap<String, double[]> columns) {
        this.id = id;
        this.first = first;
        this.columns = columns;
    }

    int length() {
        return columns.values().iterator().next().length;
    }

    /**
     * The rows of a partition as read (each with its global index) as blocks of consecutive indices, one per run (a
     * partition of rows read from files may hold several file splits, each a run); none if empty.
     */
    static List<Block> of(Iterator<Tuple2<Row, Long>> rows, String[] names) {
        List<Tuple2<Row, Long>> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        List<Block> runs = new ArrayList<>();
        for (int start = 0; start < all.size();) {
            long first = all.get(start)._2();
            int end = start + 1;
            while (end < all.size() && all.get(end)._2() == first + (end - start)) {
                end++;
            }
            double[][] cols = new double[names.length][end - start];
            for (int r = start; r < end; r++) {
                Row row = all.get(r)._1();
                for (int c = 0; c < names.length; c++) {
                    Object v = row.get(c);
                    if (!(v instanceof Number n)) {
                        throw new IllegalArgumentException("row " + all.get(r)._2() + ": column '" + names[c] + "' is "
                                + (v == null ? "empty" : "not a number: " + v));
                    }
                    cols[c][r - start] = n.doubleValue();
                }
            }
            LinkedHashMap<String, double[]> columns = new LinkedHashMap<>();
            for (int c = 0; c < names.length; c++) {
                columns.put(names[c], cols[c]);
            }
            runs.add(new Block(-1, first, columns));
            start = end;
        }
        return runs;
    }

    /** This block cut at the boundaries of blocks of {@code size} rows: the pieces, by the number of their block. */
    List<Tuple2<Integer, Block>> split(long size) {
        List<Tuple2<Integer, Block>> pieces = new ArrayList<>();
        int n = length();
        for (int from = 0; from < n;) {
            long at = first + from;
            int id = (int) (at / size);
            int to = (int) Math.min(n, (id + 1) * size - first);
            LinkedHashMap<String, double[]> cols = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> c : columns.entrySet()) {
                cols.put(c.getKey(), java.util.Arrays.copyOfRange(c.getValue(), from, to));
            }
            pieces.add(new Tuple2<>(id, new Block(id, at, cols)));
            from = to;
        }
        return pieces;
    }

    /** The pieces of one partition joined into whole blocks, in the order of their numbers. */
    static List<Block> join(Iterator<Tuple2<Integer, Block>> pieces) {
        TreeMap<Integer, List<Block>> byId = new TreeMap<>();
        pieces.forEachRemaining(p -> byId.computeIfAbsent(p._1(), k -> new ArrayList<>()).add(p._2()));
        List<Block> blocks = new ArrayList<>();
        for (Map.Entry<Integer, List<Block>> e : byId.entrySet()) {
            List<Block> parts = e.getValue();
            parts.sort(Comparator.comparingLong(b -> b.first));
            int n = 0;
            for (Block p : parts) {
                if (p.first != parts.get(0).first + n) {
                    throw new IllegalStateException("block " + e.getKey() + " has a gap before row " + p.first);
                }
                n += p.length();
            }
            LinkedHashMap<String, double[]> cols = new LinkedHashMap<>();
            for (String name : parts.get(0).columns.keySet()) {
                double[] all = new double[n];
                int at = 0;
                for (Block p : parts) {
                    double[] v = p.columns.get(name);
                    System.arraycopy(v, 0, all, at, v.length);
                    at += v.length;
                }
                cols.put(name, all);
            }
            blocks.add(new Block(e.getKey(), parts.get(0).first, cols));
        }
        return blocks;
    }

    /** Whole blocks to partitions: block g of G to partition floor(g P / G), so that each holds consecutive blocks. */
    static final class Partitioner extends org.apache.spark.Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;
        private final int blocks;

        Partitioner(int partitions, int blocks) {
            this.partitions = partitions;
            this.blocks = blocks;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((long) (Integer) key * partitions / blocks);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Partitioner p && p.partitions == partitions && p.blocks == blocks;
        }

        @Override
        public int hashCode() {
            return partitions * 31 + blocks;
        }
    }
}
