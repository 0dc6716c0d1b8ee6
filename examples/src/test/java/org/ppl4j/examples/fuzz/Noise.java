package org.ppl4j.examples.fuzz;

import java.util.Random;

/** Random text to insert: ASCII punctuation, control characters, and unicode from every plane. */
final class Noise {
    private Noise() {
    }

    private static final String PUNCT = "(){}[]<>=~!@#$%^&*-+/\\|;:'\",.?`_ \t\n\r0123456789eE";

    static String random(Random r) {
        int n = 1 + r.nextInt(r.nextInt(8) == 0 ? 64 : 6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(5)) {
                case 0 -> sb.append(PUNCT.charAt(r.nextInt(PUNCT.length())));
                case 1 -> sb.append((char) r.nextInt(32));
                case 2 -> sb.append((char) (32 + r.nextInt(95)));
                case 3 -> sb.append((char) (0x80 + r.nextInt(0xD800 - 0x80)));
                default -> sb.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000));
            }
        }
        return sb.toString();
    }

    /** The string as a Java literal body, for failure reports. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c >= 32 && c < 127 && c != '"' && c != '\\') {
                sb.append((char) c);
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else {
                sb.append(String.format("\\u{%x}", c));
            }
        });
        return sb.append('"').toString();
    }
}
