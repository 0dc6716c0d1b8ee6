package org.ppl4j.bench;

import java.util.Locale;

/**
 * One line of the benchmark table. Workers (child JVMs) print rows on standard output prefixed with
 * {@link #MARK}; the parent collects them in order.
 */
public record Row(String benchmark, String median, String iqr, String runs, String notes) {
    static final String MARK = "@bench-row\t";

    public static Row measured(String benchmark, Stats s, String unit, String format, String notes) {
        return new Row(benchmark, String.format(Locale.ROOT, format, s.median()) + " " + unit,
                String.format(Locale.ROOT, format + "–" + format, s.q1(), s.q3()), Integer.toString(s.runs()), notes);
    }

    public static Row text(String benchmark, String value, String notes) {
        return new Row(benchmark, value, "", "", notes);
    }

    String serialise() {
        return MARK + String.join("\t", clean(benchmark), clean(median), clean(iqr), clean(runs), clean(notes));
    }

    static Row parse(String line) {
        String[] f = line.substring(MARK.length()).split("\t", -1);
        if (f.length != 5) {
            throw new IllegalArgumentException("not a benchmark row: " + line);
        }
        return new Row(f[0], f[1], f[2], f[3], f[4]);
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace("|", "\\|");
    }

    String markdown() {
        return "| " + benchmark + " | " + median + " | " + iqr + " | " + runs + " | " + notes + " |";
    }
}
