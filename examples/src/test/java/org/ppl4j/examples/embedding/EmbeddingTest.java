package org.ppl4j.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Posterior;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/** The embedding API and the polyglot route, as a Java application uses them; runs from the repository root. */
class EmbeddingTest {
    /** Acceptance, as for ./ppl run examples/coin.ppl: the exact posterior is Beta(7, 3), mean 0.70, sd 0.138. */
    @Test
    void theExampleFitsTheCoin() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        FitResult fit = EmbeddingExample.fit(Path.of("examples/coin.ppl"), printed);
        Posterior p = fit.posterior("p");
        assertTrue(Math.abs(p.mean() - 0.70) <= 0.02, "mean " + p.mean());
        assertTrue(Math.abs(p.sd() - 0.138) <= 0.15 * 0.138, "sd " + p.sd());
        assertTrue(p.q05() < p.q50() && p.q50() < p.q95(), p.toString());
        assertEquals(List.of("p"), List.copyOf(fit.posteriors().keySet()));
        double a = fit.param("coin_guide.a");
        double b = fit.param("coin_guide.b");
        assertTrue(Math.abs(a / (a + b) - 0.70) <= 0.03, "guide Beta(" + a + ", " + b + ")");
        assertTrue(fit.history().length > 0 && Double.isFinite(fit.objective()), fit.toString());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("posterior mean of p:"),
                "the program's print output goes where the options say");
        assertThrows(IllegalArgumentException.class, () -> fit.posterior("q"));
    }

    @Test
    void thePolyglotRoute() {
        assertEquals(3.0, EmbeddingExample.polyglotSum());
        try (Context context = Context.create("ppl")) {
            context.eval("ppl", "let k = 10");
            assertEquals(12.0, context.eval("ppl", "k + 2").asDouble(), "names persist in a context");
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("ppl", "let x = (1 +"));
            assertTrue(e.isSyntaxError() && e.isIncompleteSource(), e.getMessage());
        }
    }

    @Test
    void aCompileErrorSaysWhere() {
        PplException e = assertThrows(PplException.class,
                () -> Ppl.compile("model m() {\n  z ~ nromal(0, 1)\n}\n", "bad.ppl"));
        assertEquals(PplException.Kind.COMPILE, e.kind());
        assertEquals(2, e.line());
        assertEquals(7, e.column());
        assertEquals("bad.ppl", e.file());
        assertEquals("bad.ppl:2:7: error: unknown name 'nromal'; did you mean 'normal'?\n    z ~ nromal(0, 1)\n"
                + "        ^~~~~~", e.getMessage());
    }

    @Test
    void aRuntimeErrorSaysWhere() {
        try (PplProgram program = Ppl.compile("let l = [1]\nprint(l[3])\n", "index.ppl")) {
            PplException e = assertThrows(PplException.class, program::run);
            assertEquals(PplException.Kind.RUNTIME, e.kind());
            assertEquals(2, e.line());
            assertTrue(e.getMessage().startsWith("index.ppl:2:7: error: "), e.getMessage());
            assertFalse(program.hasFit());
            assertThrows(IllegalStateException.class, program::lastFit);
        }
    }

    @Test
    void topLevelNamesAsJavaValues() {
        try (PplProgram program = Ppl.compile("let x = 1.5\nlet xs = [1, \"a\", true]\nlet t = zeros(3)\n"
                + "let m = tensor([[1, 2], [3, 4]])\nlet c = choices { mu: 2 }\nfn f() { 1 }\n", "values.ppl").run()) {
            assertEquals(1.5, program.get("x"));
            assertEquals(List.of(1.0, "a", true), program.get("xs"));
            assertArrayEquals(new double[3], (double[]) program.get("t"));
            assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, (double[][]) program.get("m"));
            assertEquals(Map.of("mu", 2.0), program.get("c"));
            assertTrue(program.get("f") instanceof String, String.valueOf(program.get("f")));
            assertNull(program.get("nothing_here"));
        }
    }

    @Test
    void programsUseOnlyTheFilesTheEmbedderAllows(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data")).toRealPath();
        Path csv = data.resolve("d.csv");
        Files.writeString(csv, "x\n1.5\n2.5\n");
        Path other = Files.createDirectories(dir.resolve("other")).toRealPath();
        Files.writeString(other.resolve("d.csv"), "9\n");
        String source = "let data = load_csv(\"" + csv + "\")\nlet total = sum(data)\n";
        try (PplProgram sandboxed = Ppl.compile(source, "data.ppl")) {
            PplException e = assertThrows(PplException.class, sandboxed::run);
            assertEquals("load_csv: access to " + csv + " is not allowed: it is outside the paths this program may "
                    + "use (no path is allowed); allow it with PplOptions.withAllowedPath(path)", e.reason());
            assertEquals(1, e.line());
        }
        PplOptions allowData = PplOptions.defaults().withAllowedPath(data);
        try (PplProgram reading = Ppl.compile(source, "data.ppl", allowData)) {
            assertEquals(4.0, reading.run().get("total"));
        }
        // only there: not a sibling directory, not through a link
        Path link = Files.createSymbolicLink(data.resolve("link.csv"), other.resolve("d.csv"));
        for (Path outside : List.of(other.resolve("d.csv"), data.resolve("..").resolve("other").resolve("d.csv"),
                link)) {
            try (PplProgram p = Ppl.compile("load_csv(\"" + outside + "\")\n", "out.ppl", allowData)) {
                PplException e = assertThrows(PplException.class, p::run);
                assertTrue(e.reason().startsWith("load_csv: access to "), e.reason());
                assertTrue(e.reason().contains("outside the paths this program may use (allowed: " + data
                        + "); allow it with PplOptions.withAllowedPath(path)"), e.reason());
            }
        }
        // checkpoints go where files may go
        String fit = "model m() { mu ~ normal(0, 1) }\nmodel g() { param l = 0.0\n mu ~ normal(l, 1) }\n"
                + "fit(elbo(m(), g(), choices {}), steps: 2, samples: 5, checkpoint: \"" + data.resolve("ck")
                + "\", every: 1)\n";
        try (PplProgram p = Ppl.compile(fit, "ck.ppl", allowData)) {
            p.run();
        }
        assertTrue(Files.exists(data.resolve("ck").resolve("fit1-step2.ckpt")));
    }

    /** The polyglot route follows the Context's own IOAccess: none by default, what the embedder gives. */
    @Test
    void thePolyglotRouteFollowsTheContextsIOAccess(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "2\n3\n");
        String source = "sum(load_csv(\"" + csv + "\"))";
        try (Context context = Context.newBuilder("ppl").option("engine.WarnInterpreterOnly", "false").build()) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("ppl", source));
            assertFalse(e.isHostException() || e.isInternalError(), e.toString());
            assertEquals("load_csv: access to " + csv + " is not allowed: this context allows no file access (an "
                    + "embedder allows directories with PplOptions.withAllowedPath(dir), or with the IOAccess of the "
                    + "polyglot Context)", e.getMessage());
        }
        try (Context context = Context.newBuilder("ppl").option("engine.WarnInterpreterOnly", "false")
                .allowIO(org.graalvm.polyglot.io.IOAccess.ALL).build()) {
            assertEquals(5.0, context.eval("ppl", source).asDouble());
        }
        try (Context context = Context.newBuilder("ppl").option("engine.WarnInterpreterOnly", "false")
                .allowIO(org.ppl4j.embed.SandboxFileSystem.ioAccess(List.of(dir.resolve("elsewhere")), "ask")).build()) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("ppl", source));
            assertTrue(e.getMessage().endsWith("; ask"), e.getMessage());
        }
    }

    @Test
    void optionsReachTheProgram() {
        String source = """
                model m() {
                  param mu = 0.0 : real
                  z ~ normal(mu, 1)
                }
                model g() {
                  param a = 0.5 : real
                  z ~ normal(a, 1)
                }
                let q = fit(elbo(m(), g(), choices {}), optimizer: adam(0.01), steps: 20, samples: 10)
                print("done")
                """;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PplOptions options = PplOptions.defaults().withSeed(3).withEstimator("z", "reparam").withOutput(out);
        try (PplProgram program = Ppl.compile(source, "small.ppl", options)) {
            FitResult fit = program.run().lastFit();
            assertEquals(20, fit.history().length);
            assertTrue(fit.params().get("g.a") instanceof Double, fit.params().toString());
            assertTrue(fit.params().containsKey("m.mu"), "a model's params are fitted too: " + fit.params());
            assertTrue(fit.posteriors().containsKey("z"), fit.toString());
        }
        assertEquals("done\n", out.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> PplOptions.defaults().withEstimator("a=b", "c"));
    }

    @Test
    void argumentsReachTheProgram() {
        String source = "let k = arg(\"k\", 5)\nlet name = arg(\"name\", \"none\")\nlet missing = arg(\"other\", 2)\n";
        PplOptions options = PplOptions.defaults().withArgument("k", "12").withArgument("name", "iwae");
        try (PplProgram program = Ppl.compile(source, "args.ppl", options)) {
            program.run();
            assertEquals(12.0, program.get("k"), "a value that reads as a number is a number");
            assertEquals("iwae", program.get("name"));
            assertEquals(2.0, program.get("missing"), "an argument not given takes its default");
        }
        assertEquals(Map.of("k", "12"), PplOptions.defaults().withArgument("k", "12").arguments());
        assertThrows(IllegalArgumentException.class, () -> PplOptions.defaults().withArgument("no-dash", "1"));
        assertThrows(IllegalArgumentException.class, () -> PplOptions.defaults().withArgument("k", "1\n2"));
    }
}
