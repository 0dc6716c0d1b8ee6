package org.ppl4j.examples.fuzz;

import java.util.List;
import java.util.Random;
import org.ppl4j.grammar.PplLexer;

/**
 * One edit of a program's text. Token edits work on the tokens of the real lexer ({@code PplLexer}) of the text
 * as it is when the edit applies; positions ({@code a}, {@code b}) are taken modulo the number of tokens or
 * characters, so any two numbers name a valid place and jqwik can shrink them freely.
 */
record Mutation(Kind kind, int a, int b, String s) {

    enum Kind {
        /** Delete token a. */
        DELETE_TOKEN,
        /** Write token a twice. */
        DUPLICATE_TOKEN,
        /** Exchange tokens a and b. */
        SWAP_TOKENS,
        /** Replace token a by pool entry b. */
        REPLACE_TOKEN,
        /** Insert pool entry b before token a. */
        INSERT_TOKEN,
        /** Cut the text at character a. */
        TRUNCATE,
        /** Insert the string s at character a. */
        INSERT_TEXT,
        /** Delete b % 64 characters from character a. */
        DELETE_RANGE,
        /** Put (b % 8) levels of ( ), [ ], or { } around token a. */
        WRAP,
        /** Repeat the line holding character a (b % 4 + 1) times. */
        DUPLICATE_LINE,
        /**
         * Replace number, name or binary operator a by value b (numbers and names by either, operators by
         * operators): programs stay well formed more often, so they get to run.
         */
        REPLACE_VALUE
    }

    String apply(String text) {
        List<Seeds.Tok> toks = Seeds.tokens(text);
        int n = toks.size();
        int len = text.length();
        switch (kind) {
            case TRUNCATE:
                return len == 0 ? text : text.substring(0, mod(a, len + 1));
            case INSERT_TEXT: {
                int at = safe(text, mod(a, len + 1));
                return text.substring(0, at) + s + text.substring(at);
            }
            case DELETE_RANGE: {
                if (len == 0) {
                    return text;
                }
                int from = safe(text, mod(a, len));
                int to = safe(text, Math.min(len, from + mod(b, 64) + 1));
                return text.substring(0, from) + text.substring(to);
            }
            case DUPLICATE_LINE: {
                if (len == 0) {
                    return text;
                }
                int at = mod(a, len);
                int start = text.lastIndexOf('\n', at - 1) + 1;
                int end = text.indexOf('\n', at);
                end = end < 0 ? len : end + 1;
                String line = text.substring(start, end);
                if (!line.endsWith("\n")) {
                    line = line + "\n";
                }
                return text.substring(0, start) + line.repeat(mod(b, 4) + 1) + text.substring(start);
            }
            default:
                break;
        }
        if (kind == Kind.REPLACE_VALUE) {
            List<Seeds.Tok> values = toks.stream().filter(t -> t.type() == PplLexer.NUMBER || t.type() == PplLexer.ID
                    || Seeds.OPERATORS.contains(t.text())).toList();
            if (values.isEmpty()) {
                return text;
            }
            Seeds.Tok t = values.get(mod(a, values.size()));
            List<String> pool = Seeds.OPERATORS.contains(t.text()) ? Seeds.OPERATORS
                    : t.type() == PplLexer.NUMBER || mod(b, 3) == 0 ? Seeds.NUMBERS : Seeds.names();
            return text.substring(0, t.start()) + pool.get(mod(b, pool.size())) + text.substring(t.stop() + 1);
        }
        if (n == 0) {
            return text + pool(b);
        }
        Seeds.Tok t = toks.get(mod(a, n));
        String before = text.substring(0, t.start());
        String after = text.substring(t.stop() + 1);
        switch (kind) {
            case DELETE_TOKEN:
                return before + after;
            case DUPLICATE_TOKEN:
                return before + t.text() + " " + t.text() + after;
            case REPLACE_TOKEN:
                return before + pool(b) + after;
            case INSERT_TOKEN:
                return before + pool(b) + " " + text.substring(t.start());
            case WRAP: {
                int depth = mod(b, 8) + 1;
                String[] pair = switch (mod(b / 8, 3)) {
                    case 0 -> new String[] {"(", ")"};
                    case 1 -> new String[] {"[", "]"};
                    default -> new String[] {"{", "}"};
                };
                return before + pair[0].repeat(depth) + t.text() + pair[1].repeat(depth) + after;
            }
            case SWAP_TOKENS: {
                Seeds.Tok u = toks.get(mod(b, n));
                if (u.start() == t.start()) {
                    return text;
                }
                Seeds.Tok first = u.start() < t.start() ? u : t;
                Seeds.Tok second = first == u ? t : u;
                return text.substring(0, first.start()) + second.text() + text.substring(first.stop() + 1, second.start())
                        + first.text() + text.substring(second.stop() + 1);
            }
            default:
                throw new AssertionError(kind);
        }
    }

    static String applyAll(String text, List<Mutation> ms) {
        for (Mutation m : ms) {
            text = m.apply(text);
        }
        return text;
    }

    /** A random edit, for the seeded loops that do not go through jqwik. */
    static Mutation random(Random r) {
        Kind k = Kind.values()[r.nextInt(Kind.values().length)];
        return new Mutation(k, r.nextInt(1 << 20), r.nextInt(1 << 20), Noise.random(r));
    }

    private static String pool(int b) {
        List<String> p = Seeds.pool();
        return p.get(mod(b, p.size()));
    }

    private static int mod(int x, int n) {
        return Math.floorMod(x, n);
    }

    /** Never split a surrogate pair (the file is UTF-8; a lone half would become '?', hiding the edit). */
    private static int safe(String text, int at) {
        if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))
                && Character.isHighSurrogate(text.charAt(at - 1))) {
            return at - 1;
        }
        return at;
    }

    @Override
    public String toString() {
        return kind + "(" + a + ", " + b + (kind == Kind.INSERT_TEXT ? ", " + Noise.escape(s) : "") + ")";
    }
}
