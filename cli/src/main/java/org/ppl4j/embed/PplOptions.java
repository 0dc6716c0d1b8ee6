package org.ppl4j.embed;

import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.FileSystem;
import org.graalvm.polyglot.io.IOAccess;

/**
 * How {@link Ppl#compile} sets up a program's context. Immutable: each {@code with...} method returns a
 * changed copy.
 *
 * <pre>{@code
 * PplOptions options = PplOptions.defaults().withSeed(7).withEstimator("p", "reinforce").withOutput(buffer);
 * }</pre>
 */
public final class PplOptions {
    private final long seed;
    private final Map<String, String> estimators;
    private final OutputStream out;
    private final OutputStream err;
    private final boolean readFiles;
    private final Map<String, String> arguments;

    private PplOptions(long seed, Map<String, String> estimators, OutputStream out, OutputStream err,
            boolean readFiles, Map<String, String> arguments) {
        this.seed = seed;
        this.estimators = Collections.unmodifiableMap(new LinkedHashMap<>(estimators));
        this.out = out;
        this.err = err;
        this.readFiles = readFiles;
        this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /**
     * Seed 0, the program's own strategies, {@code print} to {@code System.out}, warnings to
     * {@code System.err}, no file access.
     */
    public static PplOptions defaults() {
        return new PplOptions(0, Map.of(), null, null, false, Map.of());
    }

    /** The seed of top-level sampling and of fits that give none ({@code ppl run --seed}). */
    public PplOptions withSeed(long seed) {
        return new PplOptions(seed, estimators, out, err, readFiles, arguments);
    }

    /**
     * Overrides the gradient strategy of the random choices at {@code address} in every fit
     * ({@code ppl run --estimator ADDRESS=STRATEGY}); {@code flip[*]} matches every index.
     */
    public PplOptions withEstimator(String address, String strategy) {
        if (address.isBlank() || strategy.isBlank() || (address + strategy).matches(".*[=;].*")) {
            throw new IllegalArgumentException("an estimator override is an address and a strategy name, got '"
                    + address + "=" + strategy + "'");
        }
        Map<String, String> m = new LinkedHashMap<>(estimators);
        m.put(address.strip(), strategy.strip());
        return new PplOptions(seed, m, out, err, readFiles, arguments);
    }

    /** Where the program's {@code print} writes. */
    public PplOptions withOutput(OutputStream stream) {
        return new PplOptions(seed, estimators, stream, err, readFiles, arguments);
    }

    /** Where the program's warnings go. */
    public PplOptions withErrorOutput(OutputStream stream) {
        return new PplOptions(seed, estimators, out, stream, readFiles, arguments);
    }

    /**
     * Lets the program read files ({@code load_csv("data.csv")}), never write them; paths are relative to
     * the working directory. Off by default.
     */
    public PplOptions withFileReading(boolean allowed) {
        return new PplOptions(seed, estimators, out, err, allowed, arguments);
    }

    /**
     * Gives the program the argument {@code name}, read with {@code arg("name", default)} (as
     * {@code ppl run FILE --name value} does); a value that reads as a number is a number in the program.
     */
    public PplOptions withArgument(String name, String value) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || value.contains("\n")) {
            throw new IllegalArgumentException("a program argument is a name made of letters, digits and _ and a "
                    + "one-line value, got '" + name + "' = '" + value + "'");
        }
        Map<String, String> m = new LinkedHashMap<>(arguments);
        m.put(name, value);
        return new PplOptions(seed, estimators, out, err, readFiles, m);
    }

    public long seed() {
        return seed;
    }

    public Map<String, String> estimators() {
        return estimators;
    }

    /** The program arguments given with {@link #withArgument(String, String)}, by name. */
    public Map<String, String> arguments() {
        return arguments;
    }

    /**
     * A sandboxed context for language {@code ppl}: no host classes, threads, native access or process
     * creation (the polyglot defaults, left as they are), and no file system unless
     * {@link #withFileReading(boolean)} allows reading.
     */
    Context newContext() {
        StringBuilder overrides = new StringBuilder();
        estimators.forEach((a, s) -> overrides.append(overrides.length() == 0 ? "" : ";").append(a).append('=')
                .append(s));
        StringBuilder args = new StringBuilder();
        arguments.forEach((n, v) -> args.append(n).append('=').append(v).append('\n'));
        Context.Builder b = Context.newBuilder("ppl").option("ppl.Seed", Long.toString(seed))
                .option("ppl.Estimators", overrides.toString()).option("ppl.Args", args.toString())
                .option("engine.WarnInterpreterOnly", "false");
        if (readFiles) {
            b.allowIO(IOAccess.newBuilder()
                    .fileSystem(FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem())).build());
        }
        if (out != null) {
            b.out(out);
        }
        if (err != null) {
            b.err(err);
        }
        return b.build();
    }
}
