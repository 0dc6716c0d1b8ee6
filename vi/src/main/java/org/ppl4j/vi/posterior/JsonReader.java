package org.ppl4j.vi.posterior;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the entry of a saved fit: objects become {@code Map<String, Object>} in
 * their order, arrays {@code List<Object>}, numbers {@code Double}, strings, booleans and {@code null} (as
 * {@link #NULL}, so that a missing field and a null one differ). An error says where (line and column) and what
 * was expected. The project keeps its core free of a JSON library for this one small entry.
 */
final class JsonReader {
    /** JSON's null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The value of {@code text}, which must hold one JSON value and nothing else but white space. */
    static Object parse(String text) {
        JsonReader r = new JsonReader(text);
        r.space();
        Object v = r.value();
        r.space();
        if (r.pos < text.length()) {
            throw r.error("the end of the entry after its value");
        }
        return v;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            case 'n':
                return word("null", NULL);
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw error("a value (an object, an array, a string, a number, true, false or null)");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        space();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("a field name in double quotes");
            }
            int at = pos;
            String key = string();
            if (m.containsKey(key)) {
                pos = at;
                throw error("no second field \"" + key + "\"");
            }
            space();
            expect(':', "':' after the field name");
            space();
            m.put(key, value());
            space();
            char c = peek();
            pos++;
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                pos--;
                throw error("',' or '}' after a field");
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        pos++;
        space();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            space();
            l.add(value());
            space();
            char c = peek();
            pos++;
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                pos--;
                throw error("',' or ']' after an element");
            }
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw error("the closing '\"' of a string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("no control character inside a string (write it escaped)");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("an escaped character after '\\'");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("four hexadecimal digits after \\u");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("four hexadecimal digits after \\u");
                    }
                    pos += 4;
                }
                default -> {
                    pos--;
                    throw error("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
            }
        }
    }

    private Double number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw error("a digit after the decimal point");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("a digit in the exponent");
            }
        }
        return Double.parseDouble(text.substring(start, pos));
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object word(String w, Object v) {
        if (!text.startsWith(w, pos)) {
            throw error("a value (an object, an array, a string, a number, true, false or null)");
        }
        pos += w.length();
        return v;
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw error(what);
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void space() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        String found = pos >= text.length() ? "the end of the entry"
                : "'" + text.substring(pos, Math.min(text.length(), pos + 12)).replace("\n", "\\n") + "'";
        return new IllegalArgumentException("line " + line + ", column " + column + ": expected " + expected
                + ", found " + found);
    }
}
