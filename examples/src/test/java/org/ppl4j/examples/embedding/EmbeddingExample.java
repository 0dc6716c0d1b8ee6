package org.ppl4j.examples.embedding;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Posterior;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * ppl4j from Java: fit the coin example's guide and read the posterior of the coin's bias as Java values.
 * Run it from the repository root (see examples/embedding/README.md):
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp "cli/target/ppl4j-cli-0.1.0-SNAPSHOT.jar:$(cat cli/target/classpath.txt):examples/target/test-classes" \
 *     org.ppl4j.examples.embedding.EmbeddingExample examples/coin.ppl
 * </pre>
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "examples/coin.ppl");
        FitResult fit;
        try {
            fit = fit(file, OutputStream.nullOutputStream());
        } catch (PplException e) {
            System.err.println(e.getMessage());           // file:line:col: error: ..., the line, a caret
            System.exit(e.kind() == PplException.Kind.COMPILE ? 1 : 2);
            return;
        }
        for (Map.Entry<String, Posterior> e : fit.posteriors().entrySet()) {
            Posterior p = e.getValue();
            System.out.printf("%s: mean %.3f, sd %.3f, 90%% interval [%.3f, %.3f]%n", e.getKey(), p.mean(), p.sd(),
                    p.q05(), p.q95());
        }
        System.out.println("fitted guide parameters: " + fit.params());
        System.out.printf("objective at the fit: %.3f after %d steps%n", fit.objective(), fit.history().length);
        System.out.println("1 + 2 through the plain polyglot API: " + polyglotSum());
    }

    /** Compiles {@code file}, runs it (its {@code print} output goes to {@code programOutput}), returns its fit. */
    public static FitResult fit(Path file, OutputStream programOutput) throws IOException {
        try (PplProgram program = Ppl.compile(file, PplOptions.defaults().withOutput(programOutput))) {
            return program.run().lastFit();
        }
    }

    /**
     * The polyglot route: any GraalVM embedder can evaluate ppl4j source; numbers come back as numbers.
     * ({@code Context.create("ppl")} works as well; the option only silences the notice that the JVM runs
     * Truffle without its optimising compiler.)
     */
    public static double polyglotSum() {
        try (Context context = Context.newBuilder("ppl").option("engine.WarnInterpreterOnly", "false").build()) {
            Value v = context.eval("ppl", "fn add(a, b) { a + b }\nadd(1, 2)");
            return v.asDouble();
        }
    }
}
