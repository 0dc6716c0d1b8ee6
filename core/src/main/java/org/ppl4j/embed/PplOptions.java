package org.ppl4j.embed;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;

/**
 * How {@link Ppl#compile} sets up a program's context. Immutable: each {@code with...} method returns a
 * changed copy.
 *
 * <pre>{@code
 * PplOptions options = PplOptions.defaults().withSeed(7).withEstimator("p", "reinforce").withOutput(buffer);
 * }</pre>
 */
public final class PplOptions {
    private long seed;
    private Map<String, String> estimators = Map.of();
    private OutputStream out;
    private OutputStream err;
    private List<Path> allowedPaths = List.of();
    private Engine engine;
    private Map<String, String> arguments = Map.of();
    private boolean float64;
    private Map<String, Object> data = Map.of();
    private ProgressListener listener;
    private Path resume;

    private PplOptions() {
    }

    /** A copy to change: every {@code with...} method changes a copy and returns it. */
    private PplOptions copy() {
        PplOptions o = new PplOptions();
        o.seed = seed;
        o.estimators = estimators;
        o.out = out;
        o.err = err;
        o.allowedPaths = allowedPaths;
        o.engine = engine;
        o.arguments = arguments;
        o.float64 = float64;
        o.data = data;
        o.listener = listener;
        o.resume = resume;
        return o;
    }

    /**
     * Seed 0, the program's own strategies, {@code print} to {@code System.out}, warnings to
     * {@code System.err}, no file access.
     */
    public static PplOptions defaults() {
        return new PplOptions();
    }

    /** The seed of top-level sampling and of fits that give none ({@code ppl run --seed}). */
    public PplOptions withSeed(long seed) {
        PplOptions o = copy();
        o.seed = seed;
        return o;
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
        PplOptions o = copy();
        o.estimators = Collections.unmodifiableMap(m);
        return o;
    }

    /** Where the program's {@code print} writes. */
    public PplOptions withOutput(OutputStream stream) {
        PplOptions o = copy();
        o.out = stream;
        return o;
    }

    /** Where the program's warnings go. */
    public PplOptions withErrorOutput(OutputStream stream) {
        PplOptions o = copy();
        o.err = stream;
        return o;
    }

    /**
     * Lets the program read and write files under {@code path} (a directory and everything below it, or a
     * single file): data it loads ({@code load_csv}), checkpoints ({@code fit(..., checkpoint: DIR)}), plots
     * ({@code plot(q, DIR)}). Relative paths, here and in the program, are resolved against the working
     * directory. Symbolic links are followed before the check, so a link cannot lead outside. Call it once
     * per path; by default a program may use no file at all.
     */
    public PplOptions withAllowedPath(Path path) {
        List<Path> paths = new ArrayList<>(allowedPaths);
        paths.add(path.toAbsolutePath());
        PplOptions o = copy();
        o.allowedPaths = List.copyOf(paths);
        return o;
    }

    /**
     * Runs the program in a context of {@code engine} instead of a context of its own: programs compiled with
     * the same engine share their compiled code (the stdlib's objectives, and the optimised machine code of the
     * optimising runtime), so many programs, on many threads, warm up once. Each program still has its own
     * context: its own globals, parameters and random source. The engine's options (and its output streams,
     * where the CPU sampler and the like write) are the embedder's; {@code engine.WarnInterpreterOnly} belongs
     * there too. The embedder closes the engine after its programs.
     */
    public PplOptions withEngine(Engine engine) {
        PplOptions o = copy();
        o.engine = engine;
        return o;
    }

    /**
     * Large tensors (10,000 elements and more, stored and computed in ND4J) in float64 rather than float32
     * ({@code ppl run --float64}). The setting is the JVM's, not the program's: it holds for every tensor made
     * after the program's context is created, by any program.
     */
    public PplOptions withFloat64(boolean float64) {
        PplOptions o = copy();
        o.float64 = float64;
        return o;
    }

    /**
     * Gives the program a top-level name {@code name} bound to {@code value}, converted to a ppl4j value: the
     * program reads it like a name it defined itself ({@code x[i] ~ normal(mu, 1)}), without a file. Names are
     * resolved when the program is compiled, so its data is part of its options; {@link PplProgram#set} changes a
     * value between runs.
     *
     * <table>
     * <caption>Java values and what the program sees</caption>
     * <tr><th>Java</th><th>ppl4j</th></tr>
     * <tr><td>{@code double}, {@code int}, any {@link Number}</td><td>a number</td></tr>
     * <tr><td>{@code boolean}, {@code String}</td><td>a boolean, a string</td></tr>
     * <tr><td>{@code double[]}, {@code float[]}, {@code int[]}, {@code long[]}</td><td>a vector (rank-1 tensor)</td></tr>
     * <tr><td>{@code double[][]}, {@code float[][]}, {@code int[][]} (rectangular)</td><td>a matrix</td></tr>
     * <tr><td>an ND4J {@code INDArray}</td><td>a tensor of its shape (copied)</td></tr>
     * <tr><td>a {@link List} (its elements converted)</td><td>a list</td></tr>
     * <tr><td>a {@link Map} with {@code String} keys</td><td>a record, field by key ({@code r.age})</td></tr>
     * </table>
     *
     * <pre>{@code
     * PplOptions options = PplOptions.defaults().withData("ys", new double[] {1.2, 0.4, 2.0})
     *         .withData("prior", Map.of("loc", 0.0, "scale", 2.0));
     * try (PplProgram p = Ppl.compile("print(sum(ys) + prior.scale)", "data.ppl", options)) {
     *     p.run(); // prints 5.6
     * }
     * }</pre>
     *
     * <p>The value is converted when a program is compiled with these options; later changes to the Java array
     * are not seen. Giving a name twice keeps the last value.
     *
     * @throws IllegalArgumentException if {@code name} is not a ppl4j name or the value has no ppl4j form (the
     *     message says which part); a name of the standard library ({@code normal}, {@code elbo}) is refused when
     *     the program is compiled
     */
    public PplOptions withData(String name, Object value) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("a data name is made of letters, digits and _ (not starting with a "
                    + "digit), got '" + name + "'");
        }
        GuestValues.toGuest(value, name); // refuses what has no ppl4j form now, not at compile time
        Map<String, Object> m = new LinkedHashMap<>(data);
        m.put(name, value);
        PplOptions o = copy();
        o.data = Collections.unmodifiableMap(m);
        return o;
    }

    /** The data given with {@link #withData(String, Object)}, by name, as given. */
    public Map<String, Object> data() {
        return data;
    }

    /**
     * Tells {@code listener} of every step of every fit the program runs, on the thread that runs it (so a
     * listener given to programs on several threads must be thread-safe). See {@link ProgressListener}.
     */
    public PplOptions withProgressListener(ProgressListener listener) {
        PplOptions o = copy();
        o.listener = listener;
        return o;
    }

    /** The listener of {@link #withProgressListener(ProgressListener)}, or null. */
    public ProgressListener progressListener() {
        return listener;
    }

    /**
     * Continues each fit from its latest checkpoint in {@code dir}, written by {@code fit(..., checkpoint: "dir",
     * every: n)} ({@code ppl run --resume DIR}); the result equals an uninterrupted run's. The program must also be
     * allowed the directory ({@link #withAllowedPath(Path)}).
     */
    public PplOptions withResume(Path dir) {
        PplOptions o = copy();
        o.resume = dir;
        return o;
    }

    /** Whether large tensors are float64: {@link #withFloat64(boolean)}. */
    public boolean float64() {
        return float64;
    }

    /** The checkpoint directory of {@link #withResume(Path)}, or null. */
    public Path resume() {
        return resume;
    }

    /** The paths the program may use, from {@link #withAllowedPath(Path)}: none by default. */
    public List<Path> allowedPaths() {
        return allowedPaths;
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
        PplOptions o = copy();
        o.arguments = Collections.unmodifiableMap(m);
        return o;
    }

    /** The program arguments given with {@link #withArgument(String, String)}, by name. */
    public Map<String, String> arguments() {
        return arguments;
    }

    /** The seed of {@link #withSeed(long)}; 0 by default. */
    public long seed() {
        return seed;
    }

    /** The strategy overrides of {@link #withEstimator(String, String)}, address to strategy. */
    public Map<String, String> estimators() {
        return estimators;
    }

    /**
     * A sandboxed context for language {@code ppl}: no host classes, threads, native access or process
     * creation (the polyglot defaults, left as they are), and no file but those under the paths
     * {@link #withAllowedPath(Path)} allows.
     */
    /** A context for these options; {@code stop}, when given, is the stop {@link PplProgram#cancel()} requests. */
    Context newContext(org.ppl4j.runtime.Stop stop) {
        StringBuilder overrides = new StringBuilder();
        estimators.forEach((a, s) -> overrides.append(overrides.length() == 0 ? "" : ";").append(a).append('=')
                .append(s));
        StringBuilder args = new StringBuilder();
        arguments.forEach((n, v) -> args.append(n).append('=').append(v).append('\n'));
        Context.Builder b = Context.newBuilder("ppl").option("ppl.Seed", Long.toString(seed))
                .option("ppl.Estimators", overrides.toString()).option("ppl.Args", args.toString());
        if (float64) {
            b.option("ppl.Float64", "true");
        }
        if (stop != null) {
            b.option("ppl.Stop", stop.token());
        }
        if (resume != null) {
            b.option("ppl.Resume", resume.toString());
        }
        if (engine != null) {
            b.engine(engine);
        } else {
            b.option("engine.WarnInterpreterOnly", "false");
        }
        // with no allowed path too, so that a refusal says how to allow one
        b.allowIO(SandboxFileSystem.ioAccess(allowedPaths, "allow it with PplOptions.withAllowedPath(path)"));
        if (out != null) {
            b.out(out);
        }
        if (err != null) {
            b.err(err);
        }
        return b.build();
    }
}
