package org.ppl4j.examples.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.ppl4j.grammar.PplLexer;

/**
 * The material the fuzzer starts from: the example programs ({@code examples/*.ppl}, {@code examples/errors/*.ppl}),
 * their tokens (from the real lexer), and extra tokens chosen to hit limits: huge and tiny numbers, long names,
 * keywords in odd places, unicode.
 */
final class Seeds {
    private Seeds() {
    }

    /** One seed program. */
    record Program(String name, String text, List<Tok> tokens) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A token of a seed program: its text and where it is. */
    record Tok(int type, String text, int start, int stop) {
    }

    static final Path EXAMPLES = examplesDir();
    static final Path CORPUS = EXAMPLES.resolve("src/test/resources/fuzz-corpus");
    static final Path FAILURES = EXAMPLES.resolve("target/fuzz-failures");
    static final Path REPORTS = EXAMPLES.resolve("target/fuzz-report");

    private static List<Program> programs;
    private static List<String> pool;

    private static Path examplesDir() {
        String p = System.getProperty("ppl.examples");
        if (p != null) {
            return Path.of(p);
        }
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.isDirectory(here.resolve("examples/errors")) ? here.resolve("examples") : here;
    }

    static synchronized List<Program> programs() {
        if (programs == null) {
            List<Program> list = new ArrayList<>();
            for (Path dir : List.of(EXAMPLES, EXAMPLES.resolve("errors"))) {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path f : s.filter(x -> x.toString().endsWith(".ppl")).sorted().toList()) {
                        String text = Files.readString(f, StandardCharsets.UTF_8);
                        list.add(new Program(EXAMPLES.relativize(f).toString(), text, tokens(text)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (list.size() < 10) {
                throw new IllegalStateException("expected the example programs under " + EXAMPLES.toAbsolutePath());
            }
            programs = List.copyOf(list);
        }
        return programs;
    }

    /** The example programs that run to the end (not the error programs), for edits that keep them running. */
    static List<Program> runnable() {
        return programs().stream().filter(p -> !p.name().startsWith("errors")).toList();
    }

    static List<Tok> tokens(String text) {
        PplLexer lexer = new PplLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<Tok> out = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            out.add(new Tok(t.getType(), t.getText(), t.getStartIndex(), t.getStopIndex()));
        }
        return out;
    }

    /** Replacement tokens: every distinct token of the seeds, the grammar's literals, and limit-hitting extras. */
    static synchronized List<String> pool() {
        if (pool == null) {
            Set<String> p = new LinkedHashSet<>();
            for (Program prog : programs()) {
                for (Tok t : prog.tokens()) {
                    p.add(t.text());
                }
            }
            for (int i = 1; i <= PplLexer.VOCABULARY.getMaxTokenType(); i++) {
                String lit = PplLexer.VOCABULARY.getLiteralName(i);
                if (lit != null) {
                    p.add(lit.substring(1, lit.length() - 1));
                }
            }
            p.addAll(EXTRAS);
            pool = List.copyOf(p);
        }
        return pool;
    }

    /** Numbers at and beyond the limits, and ordinary ones, for {@link Mutation.Kind#REPLACE_VALUE}. */
    static final List<String> NUMBERS = List.of("0", "1", "2", "-1", "0.5", "-0.5", "3", "10", "100", "1e400", "-1e400",
            "1e-400", "1e308", "-1e308", "4.9e-324", "99999999999999999999", "2147483647", "2147483648", "-2147483648",
            "1e6", "1e-9", "0.0", "-0", "1_000_000", "0.999999999999", "1.0000000001", "(0 / 0)", "(1 / 0)",
            "(-1 / 0)", "[]", "[1, 2]", "\"s\"", "true", "zeros(0)", "zeros(3)", "ones(2)", "choices {}");

    /** The binary operators, for {@link Mutation.Kind#REPLACE_VALUE}. */
    static final List<String> OPERATORS = List.of("+", "-", "*", "/", "%", "@", "^", "<", "<=", ">", ">=", "==", "!=",
            "&&", "||");

    private static List<String> names;

    /** Every name in the seed programs, and some builtins', for {@link Mutation.Kind#REPLACE_VALUE}. */
    static synchronized List<String> names() {
        if (names == null) {
            Set<String> n = new LinkedHashSet<>();
            for (Program prog : programs()) {
                for (Tok t : prog.tokens()) {
                    if (t.type() == PplLexer.ID) {
                        n.add(t.text());
                    }
                }
            }
            n.addAll(List.of("elbo", "fit", "sim", "density", "merge", "print", "normal", "beta", "bernoulli", "gamma",
                    "poisson", "categorical", "uniform", "exponential", "lognormal", "zeros", "ones", "adam", "sgd",
                    "exp", "log", "sqrt", "sum", "mean", "len", "undefined_name", "x".repeat(100), "p", "q", "z", "n"));
            names = List.copyOf(n);
        }
        return names;
    }

    static final List<String> EXTRAS = List.of(
            "1e400", "-1e400", "1e-400", "99999999999999999999", "1_000_000_000_000", "0.0", "-0", "1e308", "4e-324",
            "2147483648", "9223372036854775808", "1__0", "1.", ".5", "1e", "0x10", "NaN", "inf",
            "x".repeat(300), "a".repeat(70_000), "_", "__", "$", "#", "`", "\\", "'", "\"", "\"\\", "\"unterminated",
            "\"\\u0000\"", "\"\\\"", "/*", "*/", "//", "/* never closed", "\t", "\r", "\r\n", "\u0000", "\u00a0",
            "\u00e9t\u00e9", "\u03bc", "\u4e2d\u6587", "\ud83d\ude00", "\ufeff", "\u202e", "\ud800", "\uffff",
            "model", "objective", "fn", "let", "param", "for", "in", "if", "else", "return", "by", "choices", "true",
            "false", "..", "...", "~", "@", "^", "%", "!", "&&", "||", "==", "!=", "<=", ">=", ":", ";", ",", ".",
            "fit", "elbo", "sim", "density", "merge", "print", "normal", "beta", "bernoulli", "zeros", "ones",
            "adam", "sgd", "reparam", "reinforce", "positive", "steps", "samples", "particles", "seed", "optimizer",
            "fn () { }", "fn (x) { return x }", "choices { }", "[]", "()", "{}", "[[[[", "))))", "}}}}");
}
