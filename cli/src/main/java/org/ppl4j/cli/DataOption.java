package org.ppl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.stdlib.StdlibBuiltins;
import org.ppl4j.stdlib.data.CsvReader;
import org.ppl4j.stdlib.data.DataPath;
import org.ppl4j.stdlib.data.NpzReader;

/**
 * {@code ppl run FILE --data [NAME=]PATH}: the program's free name NAME ({@code d} when not given) bound, before the
 * program runs, to the file's columns as a record with one field per column: a CSV file with a header line, read as
 * {@code load_csv(PATH, header: true)} reads it, or an {@code .npz} archive (one field per array). The value
 * {@code ppl run FILE --spark MASTER --data PATH} gives the same name on Spark has the same fields (docs/spark.md),
 * so that the same program runs on one machine or on Spark.
 */
final class DataOption {
    /** The name bound when {@code --data} gives none. */
    static final String DEFAULT_NAME = "d";

    /** One {@code --data} value: the name and the file. */
    record Binding(String name, Path path) {
    }

    /** A {@code --data} file that cannot be read or bound: the message, said to the user as it is. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private DataOption() {
    }

    /**
     * {@code NAME=PATH} or {@code PATH}: a prefix before {@code =} that is a ppl4j name is the name (so a path with
     * an {@code =} in it needs the name written out: {@code d=a=b.csv}).
     */
    static Binding parse(String value) {
        int eq = value.indexOf('=');
        if (eq > 0 && value.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return new Binding(value.substring(0, eq), Path.of(value.substring(eq + 1)));
        }
        return new Binding(DEFAULT_NAME, Path.of(value));
    }

    /**
     * Reads every file and defines its name in {@code context}, after the standard library's prelude, so that the
     * program resolves it like a name of its own.
     */
    static void bind(Context context, List<Binding> bindings) throws Refused {
        if (bindings.isEmpty()) {
            return;
        }
        context.eval(Source.newBuilder("ppl", "", "<data>").buildLiteral()); // the prelude
        context.enter();
        try {
            Map<String, Object> globals = PplContext.get(null).globals();
            for (Binding b : bindings) {
                if (globals.containsKey(b.name()) || StdlibBuiltins.lookup(b.name()) != null) {
                    throw new Refused("--data " + b.name() + "=" + b.path() + ": the standard library defines '"
                            + b.name() + "'; give the data another name (--data NAME=PATH)");
                }
                globals.put(b.name(), read(b.path()));
            }
        } finally {
            context.leave();
        }
    }

    /** The file's columns, as a record; errors name the file, the line and the column. */
    static Object read(Path path) throws Refused {
        if (Files.isDirectory(path)) {
            throw new Refused("--data " + path + ": this is a directory; expected a CSV file with a header line or"
                    + " an .npz file");
        }
        if (!Files.isRegularFile(path)) {
            throw new Refused("--data " + path + ": no such file" + (path.isAbsolute() ? ""
                    : " (relative to " + Path.of("").toAbsolutePath() + ")"));
        }
        DataPath where = new DataPath("--data", path.toString());
        try (InputStream in = Files.newInputStream(path)) {
            return path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npz")
                    ? NpzReader.read(where, in)
                    : CsvReader.read(where, in, new CsvReader.Options(null, true, ','));
        } catch (IOException e) {
            throw new Refused("--data " + path + ": the file cannot be read (" + Main.describe(e) + ")");
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
    }
}
