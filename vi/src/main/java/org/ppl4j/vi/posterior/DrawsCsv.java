package org.ppl4j.vi.posterior;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.Address;

/**
 * Draws in CmdStan's CSV layout, which ArviZ's {@code from_cmdstan}, R's {@code posterior} and any CSV reader that
 * skips {@code #} lines read: comment lines with the settings ({@code # name = value}), one header line, one row per
 * draw, one column per scalar element. Column names follow CmdStan: the site's name, then its indices and the
 * element's indices, each 1-based and after a dot: {@code mu}, {@code theta.1} ... {@code theta.8} for a vector (or
 * for the indexed sites {@code theta[0]} ... {@code theta[7]}), {@code w.2.3} for row 2, column 3 of a matrix.
 * Numbers are written with Java's shortest round-tripping form.
 */
public final class DrawsCsv {
    private DrawsCsv() {
    }

    /** The CmdStan column names of a site with draws of the given shape ({@code [n, ...]}). */
    static List<String> columns(Address address, int[] shape) {
        StringBuilder base = new StringBuilder(address.name());
        for (int k = 0; k < address.depth(); k++) {
            base.append('.').append(address.index(k) + 1);
        }
        List<String> names = new ArrayList<>();
        int elements = 1;
        for (int d = 1; d < shape.length; d++) {
            elements *= shape[d];
        }
        for (int flat = 0; flat < elements; flat++) {
            StringBuilder sb = new StringBuilder(base);
            int[] idx = new int[shape.length - 1];
            int rest = flat;
            for (int d = shape.length - 1; d >= 1; d--) {
                idx[d - 1] = rest % shape[d];
                rest /= shape[d];
            }
            for (int i : idx) {
                sb.append('.').append(i + 1);
            }
            names.add(sb.toString());
        }
        return names;
    }

    /** Writes {@code draws} with {@code settings} as the comment header. */
    public static void write(Writer out, Map<String, String> settings, Draws draws) throws IOException {
        for (Map.Entry<String, String> s : settings.entrySet()) {
            out.write("# " + s.getKey() + " = " + s.getValue() + "\n");
        }
        List<String> header = new ArrayList<>();
        List<Column> data = new ArrayList<>();
        for (Map.Entry<Address, Tensor> e : draws.byAddress().entrySet()) {
            List<String> cols = columns(e.getKey(), e.getValue().shape());
            header.addAll(cols);
            double[] values = e.getValue().toArray();
            for (int c = 0; c < cols.size(); c++) {
                data.add(new Column(values, cols.size(), c));
            }
        }
        out.write(String.join(",", header));
        out.write('\n');
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < draws.count(); i++) {
            row.setLength(0);
            for (int c = 0; c < data.size(); c++) {
                if (c > 0) {
                    row.append(',');
                }
                Column col = data.get(c);
                row.append(number(col.values()[i * col.perDraw() + col.offset()]));
            }
            row.append('\n');
            out.write(row.toString());
        }
        out.flush();
    }

    /** One scalar element of a site: its draws are {@code values[i * perDraw + offset]}. */
    private record Column(double[] values, int perDraw, int offset) {
    }

    private static String number(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x);
    }
}
