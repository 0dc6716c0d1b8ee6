package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ppl4j.stdlib.StdlibBuiltins;
import org.ppl4j.stdlib.dist.Distributions;

/** editors/ppl.tmLanguage.json stays a valid grammar that knows the language's keywords and names. */
class EditorGrammarTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theGrammarIsValidAndItsPatternsCompile() throws IOException {
        Object grammar = new Json(Files.readString(ROOT.resolve("editors/ppl.tmLanguage.json"))).value();
        Map<?, ?> g = (Map<?, ?>) grammar;
        assertEquals("source.ppl", g.get("scopeName"));
        List<String> patterns = new ArrayList<>();
        collectPatterns(grammar, patterns);
        assertTrue(patterns.size() > 10, patterns.toString());
        for (String p : patterns) {
            Pattern.compile(p);
        }
        Map<?, ?> pkg = (Map<?, ?>) new Json(Files.readString(ROOT.resolve("editors/package.json"))).value();
        assertEquals("ppl4j", pkg.get("name"));
        new Json(Files.readString(ROOT.resolve("editors/language-configuration.json"))).value();
    }

    @Test
    void everyKeywordOfTheLanguageIsHighlighted() throws IOException {
        String grammar = Files.readString(ROOT.resolve("editors/ppl.tmLanguage.json"));
        Set<String> keywords = new TreeSet<>();
        Matcher m = Pattern.compile("'([a-z_]+)'").matcher(
                Files.readString(ROOT.resolve("grammar/src/main/antlr4/org/ppl4j/grammar/Ppl.g4")));
        while (m.find()) {
            keywords.add(m.group(1));
        }
        assertTrue(keywords.contains("model"), keywords.toString());
        for (String k : keywords) {
            assertTrue(grammar.matches("(?s).*[(|]" + k + "[)|].*"), "editors/ppl.tmLanguage.json lacks the keyword " + k);
        }
        assertEquals(keywords, new TreeSet<>(Repl.KEYWORDS), "the REPL completes every keyword");
    }

    @Test
    void theNamesItHighlightsExist() throws IOException {
        Map<?, ?> repo = (Map<?, ?>) ((Map<?, ?>) new Json(Files.readString(ROOT.resolve("editors/ppl.tmLanguage.json")))
                .value()).get("repository");
        Set<String> distributions = new TreeSet<>();
        Distributions.families().forEach(f -> distributions.add(f.name()));
        for (String d : alternatives((String) ((Map<?, ?>) repo.get("distributions")).get("match"))) {
            assertTrue(distributions.contains(d), d + " is highlighted as a distribution but is none");
        }
        for (String b : alternatives((String) ((Map<?, ?>) repo.get("builtins")).get("match"))) {
            assertTrue(StdlibBuiltins.names().contains(b) || b.equals("elbo"), b + " is highlighted but is no builtin");
        }
    }

    private static List<String> alternatives(String regex) {
        Matcher m = Pattern.compile("\\(([a-z0-9_|]+)\\)").matcher(regex);
        assertTrue(m.find(), regex);
        return List.of(m.group(1).split("\\|"));
    }

    private static void collectPatterns(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (List.of("match", "begin", "end").contains(e.getKey()) && e.getValue() instanceof String s) {
                    out.add(s);
                } else {
                    collectPatterns(e.getValue(), out);
                }
            }
        } else if (node instanceof List<?> l) {
            l.forEach(x -> collectPatterns(x, out));
        }
    }

    /** Just enough JSON for these files: objects, arrays, strings, numbers, true, false, null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            Object v = parse();
            space();
            if (i != s.length()) {
                fail("trailing text at " + i);
            }
            return v;
        }

        private Object parse() {
            space();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    space();
                    String k = string();
                    space();
                    expect(':');
                    m.put(k, parse());
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(parse());
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            Matcher m = Pattern.compile("-?[0-9.eE+-]+|true|false|null").matcher(s).region(i, s.length());
            if (!m.lookingAt()) {
                fail("bad JSON at " + i + ": " + s.substring(i, Math.min(s.length(), i + 20)));
            }
            i = m.end();
            return m.group();
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            i++;
            return sb.toString();
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                fail("expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
            }
            i++;
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
