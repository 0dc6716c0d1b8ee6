package org.ppl4j.stdlib.builtins;

import com.oracle.truffle.api.TruffleFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.PplFiles;
import org.ppl4j.runtime.ad.Tensor;

/** Reading data files: {@code load_csv(path)}. Files are read through the context ({@link PplFiles}), so its sandbox decides. */
final class DataBuiltins {
    private DataBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(Builtin.of("load_csv", List.of("path"), (a, c) -> loadCsv(path(a[0]), c)));
    }

    private static String path(Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("load_csv: 'path' must be a string");
    }

    /**
     * A CSV file of numbers as a tensor: one column gives a vector, several a matrix [rows, columns]. A
     * first line that is not numeric is taken as the header. Any other non-numeric cell, or a row of the
     * wrong length, is an error naming the file, the line and the column; nothing is returned partially.
     */
    static Tensor loadCsv(String path, PplContext context) {
        TruffleFile file = PplFiles.file(context, "load_csv", path);
        if (!file.exists()) {
            throw new IllegalArgumentException("load_csv: no such file: " + path);
        }
        List<double[]> rows = new ArrayList<>();
        int columns = -1;
        try (BufferedReader in = file.newBufferedReader(StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                double[] row = new double[cells.length];
                boolean header = false;
                for (int j = 0; j < cells.length; j++) {
                    try {
                        row[j] = Double.parseDouble(cells[j].trim());
                    } catch (NumberFormatException e) {
                        if (rows.isEmpty() && columns < 0) {
                            header = true;
                            break;
                        }
                        throw new IllegalArgumentException("load_csv: " + path + ":" + lineNo + ": column " + (j + 1)
                                + " is not a number: '" + cells[j].trim() + "'");
                    }
                }
                if (header) {
                    columns = cells.length;
                    continue;
                }
                if (columns >= 0 && cells.length != columns) {
                    throw new IllegalArgumentException("load_csv: " + path + ":" + lineNo + ": expected " + columns
                            + " columns, found " + cells.length);
                }
                columns = cells.length;
                rows.add(row);
            }
        } catch (SecurityException e) {
            throw new IllegalArgumentException(PplFiles.refusal("load_csv", path, e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("load_csv: cannot read " + path + ": " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("load_csv: " + path + " has no rows of data");
        }
        double[] data = new double[rows.size() * columns];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, data, i * columns, columns);
        }
        int[] shape = columns == 1 ? new int[] {rows.size()} : new int[] {rows.size(), columns};
        return new Tensor(shape, data);
    }
}
