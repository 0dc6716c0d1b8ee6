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
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REPL as a user drives it: lines typed into a JLine dumb terminal through {@code ppl repl}, and what
 * comes back on the screen: each input after its prompt ({@code ppl> }, {@code ...> } for continued lines),
 * then the REPL's answer.
 */
class ReplTest {
    @TempDir
    Path dir;

    /** Runs {@code ppl repl} on {@code input}; returns the screen, after checking the exit code is 0. */
    private String session(String input) {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(screen, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(new String[] {"repl", "--history", dir.resolve("history").toString()},
                    new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o, e);
        }
        String shown = screen.toString(StandardCharsets.UTF_8).replace("\r", "");
        assertEquals(0, code, () -> "exit code; screen:\n" + shown + "\nstderr:\n" + err);
        return shown;
    }

    /** {@code ppl repl} with extra options, on {@code input}; returns the screen. */
    private String sessionWith(String input, String... options) {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("repl", "--no-history"));
        args.addAll(List.of(options));
        int code;
        try (PrintStream o = new PrintStream(screen, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args.toArray(String[]::new),
                    new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o, o);
        }
        String shown = screen.toString(StandardCharsets.UTF_8).replace("\r", "");
        assertEquals(0, code, shown);
        return shown;
    }

    @Test
    void anInputOverItsStepLimitIsStoppedAndTheSessionGoesOn() {
        String screen = sessionWith("let x = 41\nfn f(n) {\n  f(n + 1)\n}\nf(0)\nx + 1\n"
                + "for i in 0..100000000 {\n  x = x + 0\n}\nx + 2\n", "--step-limit", "1000");
        assertTrue(screen.contains("ppl> f(0)\n<repl:2>:2:3: error: the program ran more than its step limit of 1000 "
                + "steps (statements executed and loop iterations); raise it with --step-limit N\n"), screen);
        assertTrue(screen.contains("ppl> x + 1\n42\n"), screen);
        assertTrue(screen.contains("...> }\n<repl:5>:2:3: error: the program ran more than its step limit of 1000 steps"),
                screen);
        // each input has the whole limit: definitions and the count before do not use it up
        assertTrue(screen.contains("ppl> x + 2\n43\n"), screen);
    }

    @Test
    void anInputOverItsTimeIsStoppedAndTheSessionGoesOn() {
        String screen = sessionWith("let x = 41\nlet y = 0\nfor i in 0..1000000000000 {\n  y = y + 1\n}\nx + 1\n",
                "--timeout", "1");
        assertTrue(screen.contains("...> }\nstopped: the input ran longer than 1 second (--timeout); the session goes "
                + "on\nppl> x + 1\n42\n"), screen);
    }

    @Test
    void aDefinitionIsUsedOnALaterLine() {
        String screen = session("let x = 2\nfn twice(y) { 2 * y }\ntwice(x) * 10 + 2\n");
        assertTrue(screen.startsWith("ppl4j 0.1.0"), screen);
        assertTrue(screen.contains("ppl> let x = 2\nppl> fn twice(y) { 2 * y }\nppl> twice(x) * 10 + 2\n42\nppl> "),
                screen);
    }

    @Test
    void valuesShowAsPrintShowsThem() {
        String screen = session("[1, 2.5, \"a\"]\n\"hi\"\nzeros(2)\nprint(\"printed\")\nlet quiet = 1\n");
        assertTrue(screen.contains("[1, 2.5, \"a\"]\n"), screen);
        assertTrue(screen.contains("\"hi\"\n"), screen);
        assertTrue(screen.contains("[0, 0]\n"), screen);
        assertTrue(screen.contains("printed\n"), screen);
        assertFalse(screen.contains("nothing"), "a statement or a call of print shows no value: " + screen);
    }

    @Test
    void aModelTypedOverSeveralLinesIsOneInput() {
        String screen = session("model m(s) {\n  z ~ normal(0, s)\n  w ~ normal(z,\n    1)\n}\n"
                + ":dump estimate m\nm\n");
        assertTrue(screen.contains("ppl> model m(s) {\n...>   z ~ normal(0, s)\n...>   w ~ normal(z,\n...>     1)\n"
                + "...> }\nppl> :dump estimate m\nm:\n  z ~ normal"), screen);
        assertTrue(screen.contains("  w ~ normal"), screen);
        assertFalse(screen.contains("error"), screen);
    }

    /** The stdlib's prelude runs with the first input that runs, not with the first input typed (issue 15). */
    @Test
    void theStdlibSurvivesAFailingFirstInput() {
        String screen = session("foo\nelbo\n");
        assertTrue(screen.contains("<repl:1>:1:1: error: unknown name 'foo'"), screen);
        assertTrue(screen.contains("ppl> elbo\n<objective elbo>\n"), screen);
        assertFalse(screen.contains("used before it is defined"), screen);
        String runtimeFirst = session("[1][3]\niwae\n");
        assertTrue(runtimeFirst.contains("error: index 3 is out of bounds"), runtimeFirst);
        assertTrue(runtimeFirst.contains("ppl> iwae\n<objective iwae>\n"), runtimeFirst);
    }

    @Test
    void anErrorShowsWhereAndTheSessionGoesOn() {
        String screen = session("let y = nope + 1\nlet l = [1]\n  l[3] + 1\n40 + 2\n");
        assertTrue(screen.contains("<repl:1>:1:9: error: unknown name 'nope'\n  let y = nope + 1\n          ^~~~\n"),
                screen);
        // The column is the one the user typed, although the REPL evaluates the expression as a let.
        assertTrue(screen.contains("<repl:3>:1:3: error: index 3 is out of bounds for a list of length 1\n"
                + "    l[3] + 1\n    ^~~~\n"), screen);
        assertTrue(screen.contains("ppl> 40 + 2\n42\n"), screen);
    }

    @Test
    void helpAndQuit() {
        String screen = session(":help\n:quit\n1 + 1\n");
        assertTrue(screen.contains(":load FILE"), screen);
        assertTrue(screen.contains(":dump estimate"), screen);
        assertTrue(screen.endsWith("ppl> :quit\n"), "input after :quit ran: " + screen);
    }

    @Test
    void historyIsWrittenWithMultiLineInputsWhole() throws IOException {
        session("let a = 1\nmodel m() {\n  z ~ normal(0, 1)\n}\n:quit\n");
        String history = Files.readString(dir.resolve("history"));
        assertTrue(history.contains(":let a = 1\n"), history);
        assertTrue(history.contains(":model m() {\\n  z ~ normal(0, 1)\\n}\n"), history);
        assertTrue(history.contains("::quit\n"), history);
    }

    @Test
    void loadResetAndParams() throws IOException {
        Path file = dir.resolve("guide.ppl");
        Files.writeString(file, "model g() {\n  param a = 2.0 : positive\n  z ~ normal(a, 1)\n}\n"
                + "model p() {\n  z ~ normal(0, 1)\n}\n"
                + "let q = fit(elbo(p(), g(), choices {}), optimizer: adam(0.01), steps: 5, samples: 5)\n");
        String screen = session(":params\n:load " + file + "\n:params\nq.params\n:reset\nq\n:nonsense\n");
        assertTrue(screen.contains("no parameters yet"), screen);
        assertTrue(screen.matches("(?s).*\ng\\.a = [0-9.]+\n.*"), screen);
        assertTrue(screen.matches("(?s).*\\{g\\.a: [0-9.]+}\n.*"), screen);
        assertTrue(screen.contains("a new session"), screen);
        assertTrue(screen.contains("<repl:6>:1:1: error: unknown name 'q'"), screen);
        assertTrue(screen.contains("unknown command :nonsense"), screen);
    }

    @Test
    void aLoadedFileReportsErrorsByItsName() throws IOException {
        Path file = dir.resolve("bad.ppl");
        Files.writeString(file, "let a = 1\nlet b = a +\n");
        String screen = session(":load " + file + "\n:load " + dir.resolve("missing.ppl") + "\n");
        assertTrue(screen.contains(file + ":3:1: error:"), screen);
        assertTrue(screen.contains("cannot read " + dir.resolve("missing.ppl") + ": no such file"), screen);
    }

    @Test
    void aLoadedFileThatIsNotUtf8IsAnErrorAtTheBadByte() throws IOException {
        Path file = dir.resolve("latin1.ppl");
        Files.write(file, "let a = 1\nlet b = \"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));
        String screen = session(":load " + file + "\n1 + 1\n");
        assertTrue(screen.contains(file + ":2:13: error: the file is not valid UTF-8: the byte 0xE9 here does not "
                + "belong to a UTF-8 character (save the file as UTF-8)\n  let b = \"caf\ufffd\"\n              ^\n"),
                screen);
        assertTrue(screen.contains("ppl> 1 + 1\n2\n"), screen);
    }

    @Test
    void completionOffersNamesInScope() throws IOException {
        try (Terminal t = Repl.streamTerminal(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())) {
            Repl repl = new Repl(t, null, 0);
            repl.handle("let alpha = 1\nmodel coin() { p ~ beta(1, 1) }");
            List<String> names = repl.names().stream().map(Candidate::value).toList();
            for (String n : List.of("alpha", "coin", "elbo", "exp", "fit", "normal", "beta", "reinforce", "reparam",
                    "model", "objective", "let")) {
                assertTrue(names.contains(n), n + " missing from " + names);
            }
            assertFalse(names.contains(Repl.RESULT), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.startsWith("<")), names.toString());
        }
    }

    @Test
    void theWordUnderTheCursor() {
        Repl.Words w = Repl.Words.of("let y = nor", 11);
        assertEquals("nor", w.word());
        assertEquals(3, w.wordCursor());
        Repl.Words c = Repl.Words.of(":load exa", 9);
        assertEquals("exa", c.word());
        assertEquals(1, c.wordIndex());
        assertEquals(":load", c.words().get(0));
    }

    @Test
    void inputContinuesWhileUnfinished() {
        assertTrue(Repl.incomplete("model m() {"));
        assertTrue(Repl.incomplete("let x = (1 +"));
        assertTrue(Repl.incomplete("let x = 1 +"));
        assertTrue(Repl.incomplete("let xs = [1,\n 2,"));
        assertFalse(Repl.incomplete("let x = 1"));
        assertFalse(Repl.incomplete("let s = \"({[\""));
        assertFalse(Repl.incomplete("let x = 1 // ({["));
        assertFalse(Repl.incomplete(":load a(b.ppl"));
        assertFalse(Repl.incomplete("let x = )"), "an error that more input cannot fix is shown at once");
    }
}
