package org.ppl4j.examples.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Delta debugging (ddmin) over a failing input: first whole lines, then tokens, then single characters are
 * removed while the failure persists. Bounded by a number of executions; the result is small enough to read.
 */
final class Reducer {
    private Reducer() {
    }

    static String reduce(String text, Predicate<String> fails, int budget) {
        int[] left = {budget};
        Predicate<String> test = s -> left[0]-- > 0 && fails.test(s);
        text = ddmin(split(text, Unit.LINE), test);
        text = ddmin(split(text, Unit.TOKEN), test);
        if (text.length() <= 400) {
            text = ddmin(split(text, Unit.CHAR), test);
        }
        return text;
    }

    private enum Unit {
        LINE, TOKEN, CHAR
    }

    /** Pieces whose concatenation is the text again. */
    private static List<String> split(String text, Unit unit) {
        List<String> parts = new ArrayList<>();
        switch (unit) {
            case LINE -> {
                int start = 0;
                for (int i = 0; i < text.length(); i++) {
                    if (text.charAt(i) == '\n') {
                        parts.add(text.substring(start, i + 1));
                        start = i + 1;
                    }
                }
                if (start < text.length()) {
                    parts.add(text.substring(start));
                }
            }
            case TOKEN -> {
                int at = 0;
                for (Seeds.Tok t : Seeds.tokens(text)) {
                    if (t.start() < at) {
                        continue;
                    }
                    if (t.start() > at) {
                        parts.add(text.substring(at, t.start()));
                    }
                    parts.add(text.substring(t.start(), t.stop() + 1));
                    at = t.stop() + 1;
                }
                if (at < text.length()) {
                    parts.add(text.substring(at));
                }
            }
            default -> text.codePoints().forEach(c -> parts.add(new String(Character.toChars(c))));
        }
        return parts;
    }

    private static String ddmin(List<String> parts, Predicate<String> fails) {
        int n = 2;
        while (parts.size() >= 2) {
            int chunk = (int) Math.ceil(parts.size() / (double) n);
            boolean reduced = false;
            for (int start = 0; start < parts.size(); start += chunk) {
                List<String> complement = new ArrayList<>(parts.subList(0, start));
                complement.addAll(parts.subList(Math.min(parts.size(), start + chunk), parts.size()));
                if (fails.test(String.join("", complement))) {
                    parts = complement;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= parts.size()) {
                    break;
                }
                n = Math.min(parts.size(), n * 2);
            }
        }
        return String.join("", parts);
    }
}
