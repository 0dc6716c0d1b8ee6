package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ppl run} and {@code ppl check} options, through the same entry point as the launcher. */
class CommandsTest {
    @TempDir
    Path dir;

    /** Runs the command line in this JVM, as the launcher does, capturing both streams. */
    static Cli ppl(String... args) {
        return Cli.run(args);
    }

    private String program(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    private static final String MODEL = """
            model m(n) {
              let s = 0
              mu ~ normal(0, 1)
              for i in 0..n {
                x[i] ~ normal(mu, 1)
              }
            }
            """;

    private static final String ARGS = """
            let k = arg("k", 5)
            let s = arg("seed", -1)
            print([k, s])
            """;

    /** A mistyped option is refused before the program runs, with the option it resembles (issue 15). */
    @Test
    void anUnknownOptionIsRefusedWithTheClosestName() throws IOException {
        String f = program("args.ppl", ARGS);
        Cli seed = ppl("run", f, "--seeed", "3");
        assertEquals(Main.USAGE, seed.code(), seed.err());
        assertEquals("", seed.out(), "the program must not run");
        assertTrue(seed.err().startsWith("ppl: unknown option '--seeed'; did you mean --seed?\n"), seed.err());
        Cli argument = ppl("run", f, "--kk=2");
        assertEquals(Main.USAGE, argument.code(), argument.err());
        assertTrue(argument.err().startsWith("ppl: unknown option '--kk'; did you mean --k?\n"), argument.err());
        assertTrue(argument.err().contains("ppl run FILE -- --name VALUE"), argument.err());
        Cli check = ppl("check", f, "--dumb", "ast");
        assertEquals(Main.USAGE, check.code(), check.err());
        assertTrue(check.err().startsWith("ppl: unknown option '--dumb'; did you mean --dump?\n"), check.err());
        Cli repl = ppl("repl", "--no-histroy");
        assertEquals(Main.USAGE, repl.code(), repl.err());
        assertTrue(repl.err().startsWith("ppl: unknown option '--no-histroy'; did you mean --no-history?\n"),
                repl.err());
    }

    /**
     * The names a program reads with arg(...) are options of its run; anything goes after --; --seed reaches
     * arg("seed") too, unless an argument after -- gives the program its own.
     */
    @Test
    void programArgumentsAreTheNamesTheProgramReads() throws IOException {
        String f = program("args.ppl", ARGS);
        assertEquals("[5, -1]\n", ppl("run", f).out());
        assertEquals("[2, -1]\n", ppl("run", f, "--k", "2").out());
        assertEquals("[2, 7]\n", ppl("run", f, "--k=2", "--seed", "7").out());
        Cli dashes = ppl("run", f, "--seed", "7", "--", "--other", "x", "--seed", "9", "--k", "3");
        assertEquals(0, dashes.code(), dashes.err());
        assertEquals("[3, 9]\n", dashes.out());
        Cli bare = ppl("run", f, "--", "k");
        assertEquals(Main.USAGE, bare.code());
        assertTrue(bare.err().contains("unexpected argument 'k'"), bare.err());
    }

    /**
     * 20000 elements of 0.1 (a large tensor) sum to 2000 within 1e-9 in float64; float32's 0.1 is 1.49e-9 off, so
     * the sum is 2.98e-5 off, far outside that bound.
     */
    @Test
    void float64StoresLargeTensorsInDoublePrecision() throws IOException {
        String f = program("precision.ppl", "print(sum(ones(200, 100) * 0.1) - 2000)\n");
        try {
            Cli single = ppl("run", f);
            assertEquals(0, single.code(), single.err());
            assertEquals(2.98e-5, Double.parseDouble(single.out().strip()), 1e-7, "float32 by default");
            Cli dbl = ppl("run", f, "--float64");
            assertEquals(0, dbl.code(), dbl.err());
            assertEquals(0, Double.parseDouble(dbl.out().strip()), 1e-9, "float64 with --float64");
        } finally {
            org.ppl4j.runtime.ad.Tensor.setLargeFloat64(false);
        }
    }

    /**
     * Adam's eps bounds its step: with eps far above sqrt(v) a step is about lr * |mHat| / eps. The gradient in m
     * is x - m with x ~ N(m, 1) drawn around 3, so |mHat| stays under 7 (3 plus 4 sd) and 20 steps move m by
     * under 20 * 0.1 * 7 / 1e6 = 1.4e-5 from 0, where the default eps moves it by about 0.1 a step.
     */
    @Test
    void adamTakesEps() throws IOException {
        String fit = """
                model p() { x ~ normal(3, 1) }
                model q() {
                  param m = 0.0
                  x ~ normal(m, 1)
                }
                let f = fit(elbo(p(), q(), choices {}), optimizer: adam(0.1%s), steps: 20, samples: 1, seed: 1)
                print(f.params["q.m"])
                """;
        Cli plain = ppl("run", program("plain.ppl", fit.formatted("")));
        assertEquals(0, plain.code(), plain.err());
        assertTrue(Double.parseDouble(plain.out().strip()) > 1, plain.out());
        Cli damped = ppl("run", program("damped.ppl", fit.formatted(", eps: 1000000")));
        assertEquals(0, damped.code(), damped.err());
        assertTrue(Math.abs(Double.parseDouble(damped.out().strip())) < 1.4e-5, damped.out());
        Cli bad = ppl("run", program("bad.ppl", fit.formatted(", eps: -1")));
        assertEquals(Main.RUNTIME_ERROR, bad.code());
        assertTrue(bad.err().contains("adam: 'eps' must be a positive number, got -1.0"), bad.err());
    }

    @Test
    void timeoutStopsTheProgram() throws IOException {
        String f = program("loop.ppl", "let s = 0\nfor i in 0..1000000000000 {\n  s = s + 1\n}\nprint(s)\n");
        long start = System.nanoTime();
        Cli r = ppl("run", f, "--timeout", "1");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(Main.TIMEOUT, r.code(), r.err());
        assertEquals("ppl: the program ran longer than 1 second\n", r.err());
        assertTrue(seconds < 30, "took " + seconds + " s to stop");
    }

    @Test
    void aFractionalTimeoutIsAccepted() throws IOException {
        String f = program("loop.ppl", "let s = 0\nfor i in 0..1000000000000 {\n  s = s + 1\n}\nprint(s)\n");
        Cli r = ppl("run", f, "--timeout", "0.5");
        assertEquals(Main.TIMEOUT, r.code(), r.err());
        assertEquals("ppl: the program ran longer than 0.5 seconds\n", r.err());
        for (String bad : new String[] {"-1.5", "NaN", "Infinity", "1e30"}) {
            assertEquals(Main.USAGE, ppl("run", f, "--timeout", bad).code(), bad);
        }
    }

    @Test
    void aProgramWithinItsTimeRunsNormally() throws IOException {
        String f = program("quick.ppl", "print(1 + 1)\n");
        Cli r = ppl("run", f, "--timeout", "60", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals("2\n", r.out());
        assertEquals(Main.USAGE, ppl("run", f, "--timeout", "0").code());
    }

    /**
     * Steps: the let (1), the for (2), each iteration's body and its statement (3 to 12), the print (13); the
     * step that goes over the limit is where the error points.
     */
    @Test
    void aStepLimitStopsTheProgramAtTheStatementThatGoesOver() throws IOException {
        String f = program("steps.ppl", "let s = 0\nfor i in 0..5 {\n  s = s + 1\n}\nprint(s)\n");
        Cli r = ppl("run", f, "--step-limit", "13");
        assertEquals(0, r.code(), r.err());
        assertEquals("5\n", r.out());
        r = ppl("run", f, "--step-limit", "12");
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertEquals(f + ":5:1: error: the program ran more than its step limit of 12 steps (statements executed and "
                + "loop iterations); raise it with --step-limit N\n  print(s)\n  ^~~~~~~~\n", r.err());
        r = ppl("run", f, "--step-limit", "11");
        assertTrue(r.err().startsWith(f + ":3:3: error: the program ran more than its step limit of 11 steps"), r.err());
        assertEquals(Main.USAGE, ppl("run", f, "--step-limit", "0").code());

        // a runaway recursion, and a fit far too long for the limit: stopped at a statement of theirs
        String g = program("recurse.ppl", "fn f(n) {\n  f(n + 1)\n}\nf(0)\n");
        r = ppl("run", g, "--step-limit", "2000");
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(g + ":2:3: error: the program ran more than its step limit of 2000 steps"),
                r.err());
        String h = program("fit.ppl", MODEL + """
                model g(n) {
                  param l = 0.0
                  mu ~ normal(l, 1)
                }
                let q = fit(elbo(m(3), g(3), choices { x: [1, 2, 3] }), steps: 100000000)
                """);
        r = ppl("run", h, "--step-limit", "5000", "--quiet");
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().matches("(?s)" + java.util.regex.Pattern.quote(h) + ":[0-9]+:[0-9]+: error: the program ran "
                + "more than its step limit of 5000 steps.*"), r.err());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void aFileThatIsNotUtf8IsAnErrorAtTheBadByte() throws IOException {
        Path p = dir.resolve("latin1.ppl");
        // "ï" in Latin-1 (0xEF) is not UTF-8: line 2, after "let na" (column 7)
        Files.write(p, "let x = 1\nlet na\u00efve = 2\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String expected = p + ":2:7: error: the file is not valid UTF-8: the byte 0xEF here does not belong to a "
                + "UTF-8 character (save the file as UTF-8)\n  let na\ufffdve = 2\n        ^\n";
        for (String command : List.of("run", "check")) {
            Cli r = ppl(command, p.toString());
            assertEquals(Main.COMPILE_ERROR, r.code(), r.err());
            assertEquals(expected, r.err());
        }
        // a bad byte at the very end, and valid multi-byte characters before it on the line
        Files.write(p, new byte[] {'l', 'e', 't', ' ', (byte) 0xC3, (byte) 0xA9, ' ', '=', ' ', (byte) 0xFF});
        Cli r = ppl("check", p.toString());
        assertEquals(Main.COMPILE_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(p + ":1:9: error: the file is not valid UTF-8: the byte 0xFF here"), r.err());
    }

    @Test
    void estimatorOverridesMustBeAddressEqualsStrategy() throws IOException {
        String f = program("quick.ppl", "print(1)\n");
        assertEquals(0, ppl("run", f, "--estimator", "z=reinforce", "--estimator", "x[*]=reparam").code());
        Cli bad = ppl("run", f, "--estimator", "z");
        assertEquals(Main.USAGE, bad.code());
        assertTrue(bad.err().contains("--estimator wants ADDRESS=STRATEGY"), bad.err());
        assertEquals(Main.USAGE, ppl("run", f, "--estimator", "a=b;c=d").code());
    }

    @Test
    void theOverridesReachTheLanguageOption() {
        picocli.CommandLine cl = new picocli.CommandLine(new Main.Run());
        assertEquals("z=reinforce;flip[*]=reparam", Main.estimatorOverrides(
                java.util.List.of("z=reinforce", " flip[*] = reparam"), cl.getCommandSpec()));
        assertEquals("", Main.estimatorOverrides(java.util.List.of(), cl.getCommandSpec()));
    }

    @Test
    void dumpAst() throws IOException {
        Cli r = ppl("check", program("m.ppl", MODEL), "--dump", "ast");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Program  @1:1\n  Decl kind=model name=m params=[n]  @1:1\n"), r.out());
        assertTrue(r.out().contains("Let name=s  @2:3\n"), r.out());
        assertTrue(r.out().contains("Sample name=x  @5:5\n"), r.out());
        assertTrue(r.out().contains("from: Num value=0  @4:12\n"), r.out());
    }

    @Test
    void dumpResolve() throws IOException {
        Cli r = ppl("check", program("m.ppl", MODEL), "--dump", "resolve");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("program  (frame: 0 slots)\n"), out);
        assertTrue(out.contains("1:7     m              defines global m\n"), out);
        assertTrue(out.contains("  model m(n)  (frame: "), out);
        assertTrue(out.matches("(?s).*\n    3:3     mu +defines local slot \\d+\n.*"), out);
        assertTrue(out.matches("(?s).*\n    3:8     normal +builtin\n.*"), out);
        assertTrue(out.contains("    4:15    n              local slot 0\n"), out);
        assertTrue(out.matches("(?s).*\n    4:7     i +defines local slot \\d+ \\(loop variable\\)\n.*"), out);
    }

    @Test
    void dumpEstimateAndUnknownPass() throws IOException {
        String f = program("m.ppl", MODEL);
        Cli r = ppl("check", f, "--dump", "estimate");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("m:\n  mu ~ normal"), r.out());
        Cli bad = ppl("check", f, "--dump", "lower");
        assertEquals(Main.USAGE, bad.code());
        assertTrue(bad.err().contains("ast, resolve, estimate"), bad.err());
    }

    /** What enum and mvd check only against the value's shape, at the first estimate, ppl check notes after ok. */
    @Test
    void checkNotesTheShapeDependentChecksOfEnumAndMvd() throws IOException {
        String f = program("notes.ppl", """
                model q() {
                  param l = zeros(4, 3)
                  local {
                    c ~ categorical(logits: l) by enum
                  }
                  z ~ bernoulli(0.5) by mvd
                  w ~ normal(0, 1)
                }
                """);
        Cli r = ppl("check", f);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertEquals(f + ": ok", lines[0]);
        assertTrue(lines[1].startsWith(f + ":4:5: note: enum on c ~ categorical (per element of local): its runs (the"
                + " joint values within an element, at most 4096)"), lines[1]);
        assertTrue(lines[1].endsWith("checked at the first estimate, before the first step"), lines[1]);
        assertTrue(lines[2].startsWith(f + ":6:3: note: mvd on z ~ bernoulli (outside local): a tensor value is"
                + " refused at the first estimate"), lines[2]);
    }

    @Test
    void replIsListed() {
        Cli r = ppl("--help");
        assertTrue(r.out().contains("repl"), r.out());
        assertTrue(r.out().contains("124"), r.out());
    }
}
