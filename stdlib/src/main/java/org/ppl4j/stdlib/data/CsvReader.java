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
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplRecord;

/**
 * CSV files of numbers (RFC 4180: quoted cells, delimiters and line breaks inside quotes), UTF-8, gzip-compressed
 * or not. The result is a tensor (one column gives a vector, several a matrix [rows, columns]) or, when asked for,
 * a record of named columns. Every selected cell must be a number, except in a record's all-text columns; anything
 * else fails at its line and column, so a file is read whole or not at all.
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
     * @param comment a line starting with this character is skipped (CmdStan's CSV starts with {@code #} lines), or
     *                null for none
     */
    public record Options(List<Object> columns, Boolean header, char delimiter, Character comment) {
        public Options(List<Object> columns, Boolean header, char delimiter) {
            this(columns, header, delimiter, null);
        }

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
        Reader text = new java.io.BufferedReader(new InputStreamReader(ByteReader.decompressed(where, raw),
                StandardCharsets.UTF_8), 1 << 16);
        skipByteOrderMark(where, text);
        BlankLines reader = new BlankLines(text);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(options.delimiter()).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).setTrim(true).setCommentMarker(options.comment()).get();
        CSVParser parser;
        try {
            parser = format.parse(reader);
        } catch (IOException | UncheckedIOException e) {
            throw where.error("the file cannot be read (" + message(e) + ")");
        }
        try (parser) {
            return new Reading(where, parser, reader, options).run();
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
        private final BlankLines blankLines;
        private long line;

        Reading(DataPath where, CSVParser parser, BlankLines blankLines, Options options) {
            this.blankLines = blankLines;
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
            boolean asRecord = Boolean.TRUE.equals(options.header());
            DoubleBuilder data = new DoubleBuilder();
            List<String[]> cells = new java.util.ArrayList<>(); // a record's columns are typed once all rows are in
            List<Long> lines = new java.util.ArrayList<>();
            int rows = 0;
            List<String> row = pending != null ? pending : next();
            long rowLine = pending != null ? firstLine : line;
            while (row != null) {
                if (row.size() != width) {
                    throw where.atLine(rowLine, 0, null, "expected " + width + " columns, as on line " + firstLine
                            + ", found " + row.size());
                }
                if (asRecord) {
                    String[] kept = new String[selected.length];
                    for (int k = 0; k < selected.length; k++) {
                        kept[k] = row.get(selected[k]);
                    }
                    cells.add(kept);
                    lines.add(rowLine);
                } else {
                    for (int k = 0; k < selected.length; k++) {
                        String cell = row.get(selected[k]);
                        if (!isNumber(cell)) {
                            throw notANumber(rowLine, selected[k], names[k], cell, rows == 0
                                    && Boolean.FALSE.equals(options.header()) ? " (header: false says the file has no "
                                    + "header line)" : "");
                        }
                        data.add(parseNumber(cell));
                    }
                }
                rows++;
                row = next();
                rowLine = line;
            }
            if (rows == 0) {
                throw where.error("the file has a header but no rows of data");
            }
            if (asRecord) {
                Map<String, Object> columns = new LinkedHashMap<>();
                for (int k = 0; k < selected.length; k++) {
                    columns.put(names[k], column(cells, lines, k, selected[k], names[k]));
                }
                return new PplRecord("record", columns);
            }
            int[] shape = selected.length == 1 ? new int[] {rows} : new int[] {rows, selected.length};
            return new Tensor(shape, data.toArray());
        }

        /**
         * A record's column: a vector when every cell is a number, a list of strings when none is (names, labels);
         * a column that mixes the two fails at its first cell that is not a number, as a typo in numeric data.
         */
        private Object column(List<String[]> cells, List<Long> lines, int k, int index, String name) {
            int numbers = 0;
            for (String[] r : cells) {
                numbers += isNumber(r[k]) ? 1 : 0;
            }
            if (numbers == 0) {
                Object[] text = new Object[cells.size()];
                for (int r = 0; r < text.length; r++) {
                    text[r] = cells.get(r)[k];
                    if (cells.get(r)[k].indexOf(NOT_UTF8) >= 0) {
                        throw where.atLine(lines.get(r), index + 1, name, NOT_UTF8_MESSAGE);
                    }
                }
                return new PplList(text);
            }
            double[] column = new double[cells.size()];
            for (int r = 0; r < column.length; r++) {
                String cell = cells.get(r)[k];
                if (!isNumber(cell)) {
                    throw notANumber(lines.get(r), index, name, cell, " (" + numbers + " of the " + cells.size()
                            + " cells of this column are numbers)");
                }
                column[r] = parseNumber(cell);
            }
            return new Tensor(new int[] {column.length}, column);
        }

        private IllegalArgumentException notANumber(long lineNo, int index, String name, String cell, String note) {
            if (cell.indexOf(NOT_UTF8) >= 0) {
                return where.atLine(lineNo, index + 1, name, NOT_UTF8_MESSAGE);
            }
            return where.atLine(lineNo, index + 1, name, cell.isEmpty() ? "the cell is empty; expected a number" + note
                    : "expected a number, found '" + cell + "'" + note);
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
                        throw where.error("column '" + name + "' is named, but the file has no header line ("
                                + (Boolean.FALSE.equals(options.header()) ? "header: false" : "line " + headerLine
                                + " is numbers") + "); select columns by their 0-based index instead");
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
                } while (cells.size() == 1 && cells.get(0).isEmpty() && blankLines.isBlank(parser.getCurrentLineNumber()));
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
