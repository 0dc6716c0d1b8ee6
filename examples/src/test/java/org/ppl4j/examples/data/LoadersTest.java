package org.ppl4j.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * The loaders as programs use them: through the embedder's file system (denied unless file reading is on),
 * with errors positioned at the call, and without starting ND4J. The formats themselves are tested in
 * stdlib's {@code org.ppl4j.stdlib.data} tests; these use the files shipped under examples/.
 */
class LoadersTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Map<String, String> CALLS = Map.of(
            "load_csv", "load_csv(\"examples/data/measurements.csv\", columns: [\"temperature\"])",
            "load_idx", "load_idx(\"examples/vae/data/t10k-labels-idx1-ubyte.gz\")",
            "load_npy", "load_npy(\"examples/data/matrix.npy\")",
            "load_npz", "load_npz(\"examples/data/arrays.npz\").counts");

    private static PplOptions reading() {
        return PplOptions.defaults().withAllowedPath(ROOT);
    }

    @Test
    void everyLoaderNeedsFileReading() {
        for (Map.Entry<String, String> call : CALLS.entrySet()) {
            try (PplProgram sandboxed = Ppl.compile("let d = " + call.getValue() + "\n", "data.ppl")) {
                PplException e = assertThrows(PplException.class, sandboxed::run, call.getKey());
                assertTrue(e.reason().startsWith(call.getKey() + ": access to "), e.reason());
                assertTrue(e.reason().contains(" is not allowed: "), e.reason());
                assertEquals(1, e.line());
            }
            try (PplProgram allowed = Ppl.compile("let d = " + call.getValue() + "\n", "data.ppl", reading())) {
                Object d = allowed.run().get("d");
                assertTrue(d instanceof double[] || d instanceof double[][], call.getKey() + " gave " + d);
            }
        }
    }

    @Test
    void valuesReachTheHost() {
        String source = """
                let labels = load_idx("examples/vae/data/t10k-labels-idx1-ubyte.gz")
                let m = load_npy("examples/data/matrix.npy")
                let t = load_csv("examples/data/measurements.csv", header: true).temperature
                """;
        try (PplProgram p = Ppl.compile(source, "values.ppl", reading()).run()) {
            double[] labels = (double[]) p.get("labels");
            assertEquals(256, labels.length);
            assertArrayEquals(new double[] {9, 2, 1, 1, 6}, java.util.Arrays.copyOf(labels, 5));
            assertArrayEquals(new double[][] {{0, 0.25}, {0.5, 0.75}, {1, 1.25}}, (double[][]) p.get("m"));
            assertArrayEquals(new double[] {21.5, 14.25, 18, 25.75}, (double[]) p.get("t"));
        }
    }

    @Test
    void missingFilesAndDirectoriesAreErrorsAtTheCall(@TempDir Path dir) {
        Path missing = dir.resolve("nothing.idx");
        String source = "let a = 1\nlet x =   load_idx(\"" + missing + "\")\n";
        try (PplProgram p = Ppl.compile(source, "missing.ppl", reading().withAllowedPath(dir))) {
            PplException e = assertThrows(PplException.class, p::run);
            assertEquals("load_idx: " + missing + ": no such file", e.reason());
            assertEquals(2, e.line());
            assertEquals(11, e.column());
        }
        try (PplProgram p = Ppl.compile("let x = load_csv(\"no/such.csv\")\n", "relative.ppl", reading())) {
            String reason = assertThrows(PplException.class, p::run).reason();
            assertEquals("load_csv: no/such.csv: no such file (relative to " + ROOT + ")", reason);
        }
        try (PplProgram p = Ppl.compile("let x = load_npz(\"" + dir + "\")\n", "dir.ppl", reading().withAllowedPath(dir))) {
            String reason = assertThrows(PplException.class, p::run).reason();
            assertEquals("load_npz: " + dir + ": this is a directory; expected a file", reason);
        }
    }

    @Test
    void badArgumentsNameTheParameter() {
        String[][] cases = {
            {"load_idx(\"x\", flatten: 1)", "load_idx: 'flatten' must be true or false, got a number"},
            {"load_csv(\"x\", columns: \"a\")", "load_csv: 'columns' must be a list of column names or 0-based "
                    + "indices, such as [\"x\", \"y\"] or [0, 2]; found a string"},
            {"load_csv(\"x\", columns: [1.5])", "load_csv: 'columns' must be a list of column names or 0-based "
                    + "indices, such as [\"x\", \"y\"] or [0, 2]; found 1.5"},
            {"load_csv(\"x\", delimiter: \";;\")", "load_csv: 'delimiter' must be one character such as \",\", "
                    + "\";\" or \"\\t\", got \";;\""},
            {"load_npy(3)", "load_npy: 'path' must be a string, got a number"},
        };
        for (String[] c : cases) {
            try (PplProgram p = Ppl.compile("let x = " + c[0] + "\n", "args.ppl", reading())) {
                assertEquals(c[1], assertThrows(PplException.class, p::run).reason(), c[0]);
            }
        }
    }

    /**
     * ND4J costs about a second to start; loading files of any format must not start it. The CLI runs in its own
     * JVM, from the class path the cli build wrote (not through ./ppl, which may rebuild and install the project).
     */
    @Test
    void loadingDataNeverStartsNd4j(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("load_all.ppl");
        Files.writeString(program, String.join("\n", CALLS.values().stream().map(c -> "print(len(" + c + "))")
                .sorted().toList()) + "\n");
        Path cli = ROOT.resolve("cli/target");
        String classPath = cli.resolve("ppl4j-cli-0.1.0-SNAPSHOT.jar") + java.io.File.pathSeparator
                + Files.readString(cli.resolve("classpath.txt")).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-verbose:class", "-cp", classPath,
                "-Dpolyglot.engine.WarnInterpreterOnly=false", "org.ppl4j.cli.Main", "run", program.toString()))
                .directory(ROOT.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("org.ppl4j.stdlib.data.NpyReader"), "class loading was not logged");
        assertTrue(out.contains("org.ppl4j.stdlib.data.NpzReader"), "the program did not load an .npz");
        assertFalse(out.contains("org.nd4j"), "ND4J was loaded");
        assertEquals(List.of("4", "256", "3", "4"), out.lines().filter(l -> !l.startsWith("[")).toList());
    }
}
