package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a program run by {@code ppl run} may touch: the working directory (here the cli module's folder),
 * {@code --allow-path} directories and the paths on the command line; everything else is refused with a
 * message that names the path and the way to allow it. The temporary directory of each test lies outside
 * the working directory: {@code secret/} holds a file the program must not read, {@code allowed/} is what
 * the tests allow.
 */
class SandboxTest {
    private static final Path CWD = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;
    Path secret;
    Path allowed;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void files() throws IOException {
        secret = Files.createDirectories(dir.resolve("secret")).toRealPath();
        allowed = Files.createDirectories(dir.resolve("allowed")).toRealPath();
        Files.writeString(secret.resolve("d.csv"), "1,2\n3,4\n");
        Files.writeString(allowed.resolve("d.csv"), "5,6\n");
    }

    private static Result ppl(String... args) {
        return pplWithInput("", args);
    }

    private static Result pplWithInput(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8).replace("\r", ""),
                err.toString(StandardCharsets.UTF_8));
    }

    private Path program(String name, String text) throws IOException {
        Path p = allowed.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Result run(Path program, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", program.toString(), "--quiet"));
        args.addAll(List.of(extra));
        return ppl(args.toArray(String[]::new));
    }

    /** The refusal {@code ppl run} prints when a program touches {@code path}, a file outside the allowed ones. */
    private static String refused(String who, Path path) {
        return who + ": access to " + path + " is not allowed: it is outside the paths this program may use (allowed: ";
    }

    @Test
    void readingOutsideTheAllowedPathsIsRefused() throws IOException {
        Path p = program("read.ppl", "let d = load_csv(\"" + secret.resolve("d.csv") + "\")\nprint(sum(d))\n");
        Result r = run(p);
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(p + ":1:9: error: " + refused("load_csv", secret.resolve("d.csv")) + CWD),
                r.err());
        assertTrue(r.err().contains("); allow it with --allow-path DIR\n"), r.err());
        assertEquals("", r.out());

        r = run(p, "--allow-path", secret.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("10\n", r.out());
        // the working directory is allowed by default: a program in it reads its data by a relative path
        Path local = Files.createTempFile(CWD.resolve("target"), "sandbox", ".csv");
        try {
            Files.writeString(local, "7\n");
            Path q = program("local.ppl", "print(sum(load_csv(\"" + CWD.relativize(local) + "\")))\n");
            r = run(q);
            assertEquals(0, r.code(), r.err());
            assertEquals("7\n", r.out());
        } finally {
            Files.delete(local);
        }
    }

    @Test
    void writingCheckpointsOrPlotsOutsideIsRefusedAndWritesNothing() throws IOException {
        String model = """
                model m() {
                  mu ~ normal(0, 1)
                  x ~ normal(mu, 1)
                }
                model g() {
                  param l = 0.0
                  mu ~ normal(l, 1)
                }
                """;
        Path ck = secret.resolve("ck");
        Path p = program("ck.ppl", model + "let q = fit(elbo(m(), g(), choices { x: 1 }), steps: 4, samples: 5,\n"
                + "  checkpoint: \"" + ck + "\", every: 2)\n");
        Result r = run(p);
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(p + ":9:9: error: " + refused("fit", ck)), r.err());
        assertFalse(Files.exists(ck));

        Path plots = secret.resolve("plots");
        p = program("plot.ppl", model + "let q = fit(elbo(m(), g(), choices { x: 1 }), steps: 4, samples: 5)\n"
                + "plot(q, \"" + plots + "\")\n");
        r = run(p);
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(p + ":10:1: error: " + refused("plot", plots)), r.err());
        assertFalse(Files.exists(plots));

        // the same, allowed
        r = run(p, "--allow-path", secret.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(plots.resolve("objective.png")));
    }

    @Test
    void dotDotCannotClimbOut() throws IOException {
        Path escape = allowed.resolve("..").resolve("secret").resolve("d.csv");
        Path p = program("up.ppl", "print(load_csv(\"" + escape + "\"))\n");
        Result r = run(p, "--allow-path", allowed.toString());
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().contains(refused("load_csv", secret.resolve("d.csv"))), r.err());

        // relative to the working directory
        String relative = CWD.relativize(secret.resolve("d.csv")).toString();
        assertTrue(relative.startsWith(".."), relative);
        p = program("up2.ppl", "print(load_csv(\"" + relative + "\"))\n");
        r = run(p);
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().contains(refused("load_csv", secret.resolve("d.csv"))), r.err());
    }

    @Test
    void aSymbolicLinkCannotLeadOut() throws IOException {
        Path link = Files.createSymbolicLink(allowed.resolve("link.csv"), secret.resolve("d.csv"));
        Path p = program("link.ppl", "print(load_csv(\"" + link + "\"))\n");
        Result r = run(p, "--allow-path", allowed.toString());
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("load_csv: access to " + link + " is not allowed: it leads to "
                + secret.resolve("d.csv") + ", outside the paths this program may use (allowed: "), r.err());

        // a linked directory: checkpoints are not written through it
        Path linkedDir = Files.createSymbolicLink(allowed.resolve("out"), secret);
        p = program("linkdir.ppl", """
                model m() { mu ~ normal(0, 1) }
                model g() { param l = 0.0
                  mu ~ normal(l, 1) }
                let q = fit(elbo(m(), g(), choices {}), steps: 2, samples: 5, checkpoint: "DIR", every: 1)
                """.replace("DIR", linkedDir.resolve("ck").toString()));
        r = run(p, "--allow-path", allowed.toString());
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("fit: access to " + linkedDir.resolve("ck") + " is not allowed: it leads to "
                + secret.resolve("ck") + ", outside"), r.err());
        assertFalse(Files.exists(secret.resolve("ck")));
    }

    @Test
    void pathsOnTheCommandLineAreAllowedByGivingThem() throws IOException {
        Path ck = secret.resolve("ck");
        String text = """
                model m() { mu ~ normal(0, 1) }
                model g() { param l = 0.0
                  mu ~ normal(l, 1) }
                let q = fit(elbo(m(), g(), choices {}), steps: 4, samples: 5, checkpoint: "DIR", every: 2)
                print(q.params)
                """.replace("DIR", ck.toString());
        Path p = program("resume.ppl", text);
        Result first = run(p, "--allow-path", ck.toString());
        assertEquals(0, first.code(), first.err());
        Files.delete(ck.resolve("fit1-step4.ckpt"));
        // --resume DIR lets the program read and write its checkpoints there, nothing else
        Result resumed = run(p, "--resume", ck.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(first.out(), resumed.out());
        assertTrue(Files.exists(ck.resolve("fit1-step4.ckpt")));
    }

    @Test
    void noRouteToHostClassesOrOtherLanguages() throws IOException {
        for (String code : List.of("Java.type(\"java.lang.System\")", "java.lang.System.exit(0)",
                "eval(\"js\", \"1\")", "polyglot.eval(\"js\", \"1\")", "import(\"java.lang.Runtime\")")) {
            Path p = program("host.ppl", "let x = " + code + "\n");
            Result r = run(p);
            assertEquals(Main.COMPILE_ERROR, r.code(), code + ": " + r.err());
            assertTrue(r.err().startsWith(p + ":1:9: error: unknown name '"), code + ": " + r.err());
        }
        // a URL is a file name like any other: nothing is fetched
        Path p = program("url.ppl", "print(load_csv(\"http://127.0.0.1:9/d.csv\"))\n");
        Result r = run(p);
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("load_csv: http://127.0.0.1:9/d.csv: no such file"), r.err());
    }

    @Test
    void theReplHasTheSameSandbox() {
        String input = "load_csv(\"" + secret.resolve("d.csv") + "\")\n1 + 1\n";
        Result r = pplWithInput(input, "repl", "--no-history");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(refused("load_csv", secret.resolve("d.csv"))), r.out());
        assertTrue(r.out().contains("ppl> 1 + 1\n2\n"), r.out());
        r = pplWithInput(input, "repl", "--no-history", "--allow-path", secret.toString());
        assertTrue(r.out().contains("[[1, 2], [3, 4]]\n"), r.out());
    }
}
