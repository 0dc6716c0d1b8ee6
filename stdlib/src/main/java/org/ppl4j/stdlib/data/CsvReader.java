package org.ppl4j.stdlib.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplRecord;

/**
 * CSV files of numbers (RFC 4180: quoted cells, delimiters and line breaks inside quotes), UTF-8, gzip-compressed
 * or not. The result is a tensor (one column gives a vector, several a matrix [rows, columns]) or, when asked for,
 * a record of named column vectors. Every selected cell must be a number; anything else fails at its line and
 * column, so a file is read whole or not at all.
 */
public final class CsvReader {
    /** Decimal numbers as written by spreadsheets, pandas and NumPy, plus nan and inf; nothing Java-only (1f, 0x1p3). */
    private static final Pattern NUMBER = Pattern.compile(
            "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?i:inf|infinity)|(?i:nan)");

    /**
     * What to read.
     *
     * @param columns the columns to keep, in order: header names (String) or 0-based indices (Integer); null for all
     * @param header TRUE: the first line is a header and the result is a record of columns; FALSE: the first line
     *               is data; null: the first line is a header when it is not all numbers, and the result a tensor
     * @param delimiter the cell separator
     */
    public record Options(List<Object> columns, Boolean header, char delimiter) {
        public static Options defaults() {
            return new Options(null, null, ',');
        }
    }

    private static final Pattern PARSER_LINE = Pattern.compile("(?:startline |line: )(\\d+)");
    private static final char NOT_UTF8 = '\uFFFD';
    private static final String NOT_UTF8_MESSAGE = "the file is not UTF-8 text here; save it as UTF-8";

    private CsvReader() {
    }

    public static Object read(DataPath where, InputStream raw, Options options) {
        // Bytes that are not UTF-8 become U+FFFD, and matter only where they land in a cell that is read (the header,
        // a selected column): that cell's error then has its line and column, which a decoding exception would not.
        Reader reader = new java.io.BufferedReader(new InputStreamReader(ByteReader.decompressed(where, raw),
                StandardCharsets.UTF_8), 1 << 16);
        skipByteOrderMark(where, reader);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(options.delimiter()).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).setTrim(true).get();
        CSVParser parser;
        try {
            parser = format.parse(reader);
        } catch (IOException | UncheckedIOException e) {
            throw where.error("the file cannot be read (" + message(e) + ")");
        }
        try (parser) {
            return new Reading(where, parser, options).run();
        } catch (IOException e) {
            throw where.error("the file cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Spreadsheets often start UTF-8 files with U+FEFF; it is not part of the first cell. */
    private static void skipByteOrderMark(DataPath where, Reader reader) {
        try {
            reader.mark(1);
            if (reader.read() != '\uFEFF') {
                reader.reset();
            }
        } catch (IOException e) {
            throw where.error("the file cannot be read (" + e.getMessage() + ")");
        }
    }

    private static String message(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        return t.getMessage();
    }

    static boolean isNumber(String cell) {
        return NUMBER.matcher(cell).matches();
    }

    static double parseNumber(String cell) {
        String c = cell.toLowerCase(java.util.Locale.ROOT);
        if (c.equals("nan")) {
            return Double.NaN;
        }
        if (c.endsWith("inf") || c.endsWith("infinity")) {
            return c.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(cell);
    }

    /** One pass over the file. */
    private static final class Reading {
        private final DataPath where;
        private final CSVParser parser;
        private final Options options;
        private final Iterator<CSVRecord> records;
        private long line;

        Reading(DataPath where, CSVParser parser, Options options) {
            this.where = where;
            this.parser = parser;
            this.options = options;
            this.records = parser.iterator();
        }

        Object run() {
            List<String> first = next();
            if (first == null) {
                throw where.error("the file is empty; expected lines of numbers separated by '" + options.delimiter()
                        + "'");
            }
            long firstLine = line;
            boolean hasHeader = options.header() != null ? options.header() : !first.stream().allMatch(CsvReader::isNumber);
            List<String> header = hasHeader ? first : null;
            List<String> pending = hasHeader ? null : first;
            int width = first.size();
            int[] selected = select(header, width, firstLine);
            String[] names = new String[selected.length];
            for (int k = 0; k < selected.length; k++) {
                names[k] = header == null ? null : header.get(selected[k]);
            }
            for (int k = 0; k < names.length; k++) {
                if (names[k] != null && names[k].indexOf(NOT_UTF8) >= 0) {
                    throw where.atLine(firstLine, selected[k] + 1, null, NOT_UTF8_MESSAGE);
                }
            }
            if (Boolean.TRUE.equals(options.header())) {
                checkNames(names, selected, firstLine);
            }
            DoubleBuilder data = new DoubleBuilder();
            int rows = 0;
            List<String> row = pending != null ? pending : next();
            long rowLine = pending != null ? firstLine : line;
            while (row != null) {
                if (row.size() != width) {
                    throw where.atLine(rowLine, 0, null, "expected " + width + " columns, as on line " + firstLine
                            + ", found " + row.size());
                }
                for (int k = 0; k < selected.length; k++) {
                    String cell = row.get(selected[k]);
                    if (!isNumber(cell)) {
                        if (cell.indexOf(NOT_UTF8) >= 0) {
                            throw where.atLine(rowLine, selected[k] + 1, names[k], NOT_UTF8_MESSAGE);
                        }
                        throw where.atLine(rowLine, selected[k] + 1, names[k], cell.isEmpty() ? "the cell is empty; "
                                + "expected a number" : "expected a number, found '" + cell + "'"
                                + (rows == 0 && Boolean.FALSE.equals(options.header()) ? " (header: false says the file "
                                        + "has no header line)" : ""));
                    }
                    data.add(parseNumber(cell));
                }
                rows++;
                row = next();
                rowLine = line;
            }
            if (rows == 0) {
                throw where.error("the file has a header but no rows of data");
            }
            double[] values = data.toArray();
            if (Boolean.TRUE.equals(options.header())) {
                Map<String, Object> columns = new LinkedHashMap<>();
                for (int k = 0; k < selected.length; k++) {
                    double[] column = new double[rows];
                    for (int r = 0; r < rows; r++) {
                        column[r] = values[r * selected.length + k];
                    }
                    columns.put(names[k], new Tensor(new int[] {rows}, column));
                }
                return new PplRecord("record", columns);
            }
            int[] shape = selected.length == 1 ? new int[] {rows} : new int[] {rows, selected.length};
            return new Tensor(shape, values);
        }

        /** The 0-based indices of the columns to keep. */
        private int[] select(List<String> header, int width, long headerLine) {
            if (options.columns() == null) {
                int[] all = new int[width];
                Arrays.setAll(all, k -> k);
                return all;
            }
            if (options.columns().isEmpty()) {
                throw where.error("'columns' is empty; name at least one column");
            }
            int[] selected = new int[options.columns().size()];
            for (int k = 0; k < selected.length; k++) {
                Object c = options.columns().get(k);
                if (c instanceof Integer index) {
                    if (index >= width) {
                        throw where.error("there is no column " + index + " (columns count from 0, and the file has "
                                + width + ")");
                    }
                    selected[k] = index;
                } else {
                    String name = (String) c;
                    if (header == null) {
                        throw where.error("column '" + name + "' is named, but the file has no header line (line "
                                + headerLine + " is numbers); select columns by their 0-based index instead");
                    }
                    int index = header.indexOf(name);
                    if (index < 0) {
                        throw where.atLine(headerLine, 0, null, "the header has no column '" + name + "'; it has "
                                + quoted(header));
                    }
                    if (header.lastIndexOf(name) != index) {
                        throw where.atLine(headerLine, 0, null, "the header names two columns '" + name + "'");
                    }
                    selected[k] = index;
                }
            }
            return selected;
        }

        private void checkNames(String[] names, int[] selected, long headerLine) {
            for (int k = 0; k < names.length; k++) {
                if (names[k].isEmpty()) {
                    throw where.atLine(headerLine, selected[k] + 1, null, "the header names no column here; every "
                            + "column needs a name to be a field of the record");
                }
                for (int j = 0; j < k; j++) {
                    if (names[j].equals(names[k])) {
                        throw where.atLine(headerLine, selected[k] + 1, names[k], "the header names two columns '"
                                + names[k] + "'");
                    }
                }
            }
        }

        /** The next record's cells, or null at the end; sets {@link #line} to the line the record starts on. */
        private List<String> next() {
            try {
                List<String> cells;
                do {
                    if (!records.hasNext()) {
                        return null;
                    }
                    cells = records.next().toList();
                } while (cells.size() == 1 && cells.get(0).isEmpty()); // a line of spaces only
                long breaks = 0;
                for (String cell : cells) {
                    breaks += cell.chars().filter(ch -> ch == '\n').count();
                }
                line = parser.getCurrentLineNumber() - breaks;
                return cells;
            } catch (UncheckedIOException e) {
                throw malformed(e.getCause().getMessage());
            } catch (IllegalStateException e) {
                throw malformed(e.getMessage());
            }
        }

        /** commons-csv's complaint, reworded, at the line it names (else the line reached). */
        private IllegalArgumentException malformed(String message) {
            String m = message == null ? "" : message;
            Matcher at = PARSER_LINE.matcher(m);
            long lineNo = at.find() ? Long.parseLong(at.group(1)) : parser.getCurrentLineNumber() + 1;
            String what;
            if (m.contains("EOF reached before encapsulated token finished")) {
                what = "a quoted cell that starts on this line is never closed";
            } else if (m.contains("Invalid character between encapsulated token and delimiter")) {
                what = "a quoted cell is followed by other characters before the next '" + options.delimiter() + "'";
            } else {
                what = m;
            }
            return where.atLine(lineNo, 0, null, "malformed CSV: " + what);
        }
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(n).append('\'');
        }
        return sb.toString();
    }

    /** A growable array of doubles. */
    private static final class DoubleBuilder {
        private double[] data = new double[1024];
        private int size;

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
