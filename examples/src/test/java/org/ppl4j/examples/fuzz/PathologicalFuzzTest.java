package org.ppl4j.examples.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Inputs made to hit limits rather than found by chance: nesting thousands of levels deep (parentheses, lists,
 * blocks, lambdas, unary operators, operator chains), huge and tiny numeric literals, very long names, strings
 * and comments, and unicode. Each goes through {@code ppl check} and, where running it is cheap and terminates,
 * {@code ppl run}; the property is the one of {@link Ppl.Result#violation()}.
 */
class PathologicalFuzzTest {
    private static final String SUITE = "pathological";

    /** A generated program and whether {@code ppl run} may be tried on it (it must terminate quickly). */
    record Case(String name, String text, boolean run) {
    }

    static List<Case> cases() {
        boolean slow = Outcomes.slow();
        List<Case> c = new ArrayList<>();
        // Just under and over the nesting limit (ParsePass.MAX_NESTING), the 5000 of the issue, and more.
        for (int d : slow ? new int[] {100, 490, 510, 1000, 5000, 50_000} : new int[] {100, 510, 5000}) {
            nesting(c, d);
        }
        for (int d : slow ? new int[] {490, 1000, 10_000, 100_000} : new int[] {490, 10_000}) {
            chains(c, d);
        }
        numbers(c);
        names(c, slow ? new int[] {100, 1000, 100_000, 1_000_000} : new int[] {100, 100_000});
        text(c);
        return c;
    }

    private static void add(List<Case> c, String name, String text, boolean run) {
        c.add(new Case(name, text, run));
    }

    private static String nest(int d, String open, String middle, String close) {
        return open.repeat(d) + middle + close.repeat(d);
    }

    private static void nesting(List<Case> c, int d) {
        boolean run = d <= 5000;
        add(c, "parentheses x" + d, "let x = " + nest(d, "(", "1", ")") + "\nprint(x)\n", run);
        add(c, "unclosed parentheses x" + d, "let x = " + "(".repeat(d) + "\n", run);
        add(c, "unopened parentheses x" + d, "let x = 1" + ")".repeat(d) + "\n", run);
        add(c, "lists x" + d, "let x = " + nest(d, "[", "1", "]") + "\nprint(x)\n", run);
        add(c, "unclosed lists x" + d, "let x = " + "[".repeat(d) + "\n", run);
        add(c, "if blocks x" + d, nest(d, "if true {\n", "print(1)\n", "}\n"), run);
        add(c, "unclosed if blocks x" + d, "if true {\n".repeat(d), run);
        add(c, "fn declarations x" + d, nest(d, "fn f() {\n", "", "}\n") + "print(1)\n", run);
        add(c, "lambdas x" + d, "let f = " + nest(d, "fn() { return ", "1", " }") + "\nprint(f)\n", run);
        add(c, "for loops x" + d, nest(d, "for i in 0..1 {\n", "let y = i\n", "}\n"), run);
        add(c, "else-if chain x" + d, "let x = 1\nif x < 0 { print(0) }" + " else if x < 0 { print(0) }".repeat(d)
                + "\n", run);
        add(c, "choices x" + d, "let c = " + nest(d, "choices { a: ", "1", " }") + "\nprint(c)\n", run);
        add(c, "calls x" + d, "fn f(x) { return x }\nlet x = " + nest(d, "f(", "1", ")") + "\nprint(x)\n", run);
        add(c, "mixed brackets x" + d, "let x = " + nest(d, "([", "1", "])") + "\n", run);
        add(c, "unary minus x" + d, "let y = 1\nlet x = " + "-".repeat(d) + "y\nprint(x)\n", run);
        add(c, "unary minus literal x" + d, "let x = " + "- ".repeat(d) + "1\nprint(x)\n", run);
        add(c, "not x" + d, "let x = " + "!".repeat(d) + "true\nprint(x)\n", run);
        add(c, "power chain x" + d, "let x = 1" + " ^ 1".repeat(d) + "\nprint(x)\n", run);
        add(c, "braces x" + d, nest(d, "{", "", "}"), run);
        add(c, "sample in nested ifs x" + d, "model m() {\n" + nest(d, "if true {\n", "z ~ normal(0, 1)\n", "}\n")
                + "}\nprint(sim(m()))\n", run);
    }

    private static void chains(List<Case> c, int d) {
        boolean run = d <= 10_000;
        add(c, "sum chain x" + d, "let x = 1" + " + 1".repeat(d) + "\nprint(x)\n", run);
        add(c, "product chain x" + d, "let x = 1" + " * 1".repeat(d) + "\nprint(x)\n", run);
        add(c, "and chain x" + d, "let x = true" + " && true".repeat(d) + "\nprint(x)\n", run);
        add(c, "comparison chain x" + d, "let x = 1" + " < 1".repeat(d) + "\n", run);
        add(c, "call chain x" + d, "fn f() { return f }\nlet x = f" + "()".repeat(d) + "\n", run);
        add(c, "index chain x" + d, "let x = [1]" + "[0]".repeat(d) + "\n", run);
        add(c, "member chain x" + d, "let x = choices { a: 1 }" + ".a".repeat(d) + "\n", run);
        add(c, "address indices x" + d, "model m() {\n  z" + "[0]".repeat(d) + " ~ normal(0, 1)\n}\nprint(sim(m()))\n",
                run);
        add(c, "long list x" + d, "let x = [" + "1, ".repeat(d) + "1]\nprint(x[0])\n", run);
        add(c, "many arguments x" + d, "print(" + "1, ".repeat(d) + "1)\n", run);
        add(c, "many parameters x" + d, "fn f(" + rep(d, i -> "p" + i + ", ") + "q) { return q }\nprint(1)\n", run);
        add(c, "many statements x" + d, "let x = 1\n".repeat(d) + "print(x)\n", run);
        add(c, "many names x" + d, rep(d, i -> "let v" + i + " = " + i + "\n") + "print(v0)\n", run);
        add(c, "many choices x" + d, "let c = choices { " + rep(d, i -> "k" + i + ": 1, ") + "}\nprint(1)\n", run);
    }

    private static String rep(int n, IntFunction<String> f) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(f.apply(i));
        }
        return sb.toString();
    }

    private static void numbers(List<Case> c) {
        for (String n : List.of("1e400", "-1e400", "1e-400", "99999999999999999999", "1" + "0".repeat(400),
                "9".repeat(100_000), "1e99999999999999999999", "1e-99999999999999999999", "4.9e-324", "1.7976931348623157e308",
                "0.00000000000000000000000000001", "1_000_000_000_000_000", "1" + "_0".repeat(1000), "." + "5".repeat(10000))) {
            String label = n.length() > 30 ? n.substring(0, 20) + "... (" + n.length() + " chars)" : n;
            add(c, "number " + label, "let x = " + n + "\nprint(x)\nprint(x + 1, x * 0, -x, x / x)\n", true);
            add(c, "number " + label + " as count", "print(zeros(" + n + "))\n", true);
            add(c, "number " + label + " as loop bound", "for i in 0.." + n + " {\n}\nprint(1)\n", false);
            add(c, "number " + label + " as index", "let x = [1, 2]\nprint(x[" + n + "])\n", true);
            add(c, "number " + label + " as normal sd", "model m() {\n  z ~ normal(0, " + n + ")\n}\nprint(sim(m()))\n",
                    true);
            add(c, "number " + label + " as fit options", "model m() {\n  z ~ normal(0, 1)\n}\nmodel g() {\n"
                    + "  param a = 0.0\n  z ~ normal(a, 1)\n}\nlet q = fit(elbo(m(), g(), choices {}), optimizer: adam(" + n
                    + "), seed: " + n + ", steps: 3, samples: 5)\nprint(q.params)\n", true);
        }
        add(c, "loop to 1e400", "for i in 0..1e400 {\n}\n", false);
        add(c, "zeros of minus one", "print(zeros(-1))\n", true);
        add(c, "huge tensor", "print(zeros(2147483647))\n", true);
        add(c, "huge steps", "model m() {\n  z ~ normal(0, 1)\n}\nmodel g() {\n  param a = 0.0\n  z ~ normal(a, 1)\n}\n"
                + "print(fit(elbo(m(), g(), choices {}), steps: 1e400).params)\n", false);
    }

    private static void names(List<Case> c, int[] lengths) {
        for (int n : lengths) {
            String a = "a".repeat(n);
            String b = "b".repeat(n);
            add(c, "defined name of " + n + " chars", "let " + a + " = 1\nprint(" + a + ")\n", true);
            add(c, "unknown name of " + n + " chars", "print(" + a + ")\n", true);
            add(c, "unknown name of " + n + " chars near a defined one", "let " + a + " = 1\nprint(" + a + "x)\n", true);
            add(c, "two long names of " + n + " chars", "let " + a + " = 1\nprint(" + b + ")\n", true);
            add(c, "long model and site of " + n + " chars", "model " + a + "() {\n  " + b + " ~ normal(0, 1)\n}\n"
                    + "print(sim(" + a + "()))\n", true);
            add(c, "long named argument of " + n + " chars", "print(normal(0, 1, " + a + ": 1))\n", true);
            add(c, "long strategy of " + n + " chars", "model m() {\n  z ~ normal(0, 1) by " + a + "\n}\n", true);
            add(c, "long constraint of " + n + " chars", "model m() {\n  param p = 1.0 : " + a + "\n}\n", true);
        }
        add(c, "many near-miss names", rep(2000, i -> "let name" + i + " = 1\n") + "print(name)\n", true);
    }

    private static void text(List<Case> c) {
        add(c, "empty", "", true);
        add(c, "only a comment", "// nothing", true);
        add(c, "only whitespace", " \t\r\n\n  ", true);
        add(c, "byte order mark", "\ufefflet x = 1\nprint(x)\n", true);
        add(c, "greek name", "let \u03bc = 1\n", true);
        add(c, "emoji name", "let \ud83d\ude00 = 1\n", true);
        add(c, "emoji in string", "print(\"\ud83d\ude00 \u4e2d\u6587 \u202e\")\n", true);
        add(c, "right-to-left override", "let x\u202e = 1\n", true);
        add(c, "NUL", "let x = 1\u0000\n", true);
        add(c, "NUL in string", "print(\"a\u0000b\")\n", true);
        add(c, "control characters", "let x = 1\u0001\u0002\u001b[31m\n", true);
        add(c, "CR line ends", "let x = 1\rlet y = )\r", true);
        add(c, "CRLF line ends", "let x = 1\r\nlet y = )\r\n", true);
        add(c, "form feed and vertical tab", "let x = 1\f\u000b\n", true);
        add(c, "no-break space", "let\u00a0x = 1\n", true);
        add(c, "unterminated string", "print(\"abc\n", true);
        add(c, "string ending in backslash", "print(\"abc\\", true);
        add(c, "long string", "print(\"" + "s".repeat(1_000_000) + "\")\n", true);
        add(c, "many escapes", "print(\"" + "\\n".repeat(100_000) + "\")\n", true);
        add(c, "unterminated comment", "let x = 1\n/* " + "c".repeat(100_000), true);
        add(c, "long comment", "// " + "c".repeat(1_000_000) + "\nprint(1)\n", true);
        add(c, "long line", "print(1" + " ".repeat(1_000_000) + "+ )\n", true);
        add(c, "error after many lines", "\n".repeat(100_000) + "let x = )\n", true);
        add(c, "many bad characters", "$".repeat(100_000), true);
        add(c, "supplementary characters", new String(Character.toChars(0x1F600)).repeat(10_000), true);
        add(c, "lone surrogates (written as ?)", "let x = \ud800\n", true);
        add(c, "keywords only", "model objective fn let param for in if else return by choices true false", true);
        add(c, "recursion without end", "fn f(n) { return f(n + 1) }\nprint(f(0))\n", true);
        add(c, "mutual recursion without end", "fn f(n) { return g(n) }\nfn g(n) { return f(n) }\nprint(f(0))\n", true);
        add(c, "recursive model", "model m() {\n  z ~ normal(0, 1)\n  y ~ m()\n}\nprint(sim(m()))\n", true);
    }

    /** The example: 5000 nested parentheses are a positioned compile error, in check and in run. */
    @Test
    void deepNestingIsAPositionedCompileError() {
        String text = "let x = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n";
        for (Ppl.Result r : List.of(Ppl.check(text), Ppl.run(text))) {
            assertEquals(1, r.exit(), r::describe);
            assertTrue(r.stderr().startsWith(r.file() + ":1:509: error: nesting deeper than 500 levels"), r::describe);
        }
        Ppl.Result blocks = Ppl.check("model m() {\n" + "  if true {\n".repeat(5000) + "}\n".repeat(5001));
        assertEquals(1, blocks.exit(), blocks::describe);
        assertTrue(blocks.stderr().startsWith(blocks.file() + ":501:11: error: nesting deeper"), blocks::describe);
        Ppl.Result sum = Ppl.check("let x = 1" + " + 1".repeat(600) + "\n");
        assertTrue(sum.stderr().startsWith(sum.file() + ":1:9: error: nesting deeper"), sum::describe);
    }

    /** Just under the limit every construct compiles and runs, on the 1 MB stack of an ordinary thread. */
    @Test
    void nestingUnderTheLimitRunsOnASmallStack() {
        String text = "fn f(x) { return x }\nlet x = " + "f(".repeat(150) + "[" + "(".repeat(20) + "1" + ")".repeat(20)
                + "]" + ")".repeat(150) + "\nlet y = 1" + " + 1".repeat(480) + "\nprint(x, y)\n";
        for (Ppl.Mode mode : Ppl.Mode.values()) {
            Ppl.Result r = Ppl.execute(mode, text.getBytes(StandardCharsets.UTF_8), 1 << 20);
            assertEquals(0, r.exit(), r::describe);
            if (mode == Ppl.Mode.RUN) {
                assertEquals("[1] 481", r.stdout().trim(), r::describe);
            }
        }
    }

    /**
     * Operator chains are ambiguous with optional semicolons ({@code 1 - 1} or {@code 1} then {@code -1}); full LL
     * prediction took seconds for a few hundred operators. Each of these used to take over 10 s.
     */
    @Test
    void ambiguousChainsParseQuickly() {
        for (String text : List.of("let x = 1" + " - 1".repeat(480), "let x = [1]" + "[0]".repeat(480),
                "fn f(x) { return x }\nlet x = " + "f(".repeat(160) + "1" + ")".repeat(160),
                "let " + "a".repeat(100_000) + " = 1\nprint(" + "a".repeat(100_000) + "b)\n")) {
            Ppl.Result r = Ppl.check(text);
            assertTrue(r.millis() < 3000, () -> r.millis() + " ms\n" + r.describe());
            assertNull(r.violation(), r::describe);
        }
    }

    @TestFactory
    Stream<DynamicTest> pathologicalInputs() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case k : cases()) {
            tests.add(DynamicTest.dynamicTest("check: " + k.name(), () -> verdict(Ppl.check(k.text()))));
            if (k.run()) {
                tests.add(DynamicTest.dynamicTest("run: " + k.name(), () -> verdict(Ppl.run(k.text()))));
            }
        }
        return tests.stream();
    }

    private static void verdict(Ppl.Result r) {
        Outcomes.verdict(SUITE, r, null);
    }

    @AfterAll
    static void report() {
        Outcomes.write();
    }
}
