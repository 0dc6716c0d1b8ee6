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
    private final long seed;
    private final Map<String, String> estimators;
    private final OutputStream out;
    private final OutputStream err;
    private final List<Path> allowedPaths;
    private final Engine engine;
    private final Map<String, String> arguments;
    private final boolean float64;

    private PplOptions(long seed, Map<String, String> estimators, OutputStream out, OutputStream err,
            List<Path> allowedPaths, Engine engine, Map<String, String> arguments, boolean float64) {
        this.float64 = float64;
        this.seed = seed;
        this.estimators = Collections.unmodifiableMap(new LinkedHashMap<>(estimators));
        this.out = out;
        this.err = err;
        this.allowedPaths = List.copyOf(allowedPaths);
        this.engine = engine;
        this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /**
     * Seed 0, the program's own strategies, {@code print} to {@code System.out}, warnings to
     * {@code System.err}, no file access.
     */
    public static PplOptions defaults() {
        return new PplOptions(0, Map.of(), null, null, List.of(), null, Map.of(), false);
    }

    /** The seed of top-level sampling and of fits that give none ({@code ppl run --seed}). */
    public PplOptions withSeed(long seed) {
        return new PplOptions(seed, estimators, out, err, allowedPaths, engine, arguments, float64);
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
        return new PplOptions(seed, m, out, err, allowedPaths, engine, arguments, float64);
    }

    /** Where the program's {@code print} writes. */
    public PplOptions withOutput(OutputStream stream) {
        return new PplOptions(seed, estimators, stream, err, allowedPaths, engine, arguments, float64);
    }

    /** Where the program's warnings go. */
    public PplOptions withErrorOutput(OutputStream stream) {
        return new PplOptions(seed, estimators, out, stream, allowedPaths, engine, arguments, float64);
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
        return new PplOptions(seed, estimators, out, err, paths, engine, arguments, float64);
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
        return new PplOptions(seed, estimators, out, err, allowedPaths, engine, arguments, float64);
    }

    /**
     * Large tensors (10,000 elements and more, stored and computed in ND4J) in float64 rather than float32
     * ({@code ppl run --float64}). The setting is the JVM's, not the program's: it holds for every tensor made
     * after the program's context is created, by any program.
     */
    public PplOptions withFloat64(boolean float64) {
        return new PplOptions(seed, estimators, out, err, allowedPaths, engine, arguments, float64);
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
        return new PplOptions(seed, estimators, out, err, allowedPaths, engine, m, float64);
    }

    /** The program arguments given with {@link #withArgument(String, String)}, by name. */
    public Map<String, String> arguments() {
        return arguments;
    }

    public long seed() {
        return seed;
    }

    public Map<String, String> estimators() {
        return estimators;
    }

    /**
     * A sandboxed context for language {@code ppl}: no host classes, threads, native access or process
     * creation (the polyglot defaults, left as they are), and no file but those under the paths
     * {@link #withAllowedPath(Path)} allows.
     */
    Context newContext() {
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
