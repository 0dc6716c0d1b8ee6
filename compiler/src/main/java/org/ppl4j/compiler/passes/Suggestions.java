package org.ppl4j.compiler.passes;

import java.util.Collection;

/** "did you mean ...?": the closest known name by edit distance, if it is close enough to be a typo. */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * Longer names get no suggestion: the distance costs length squared in time and memory, and a typo in a name
     * this long is not what went wrong.
     */
    static final int MAX_LENGTH = 64;

    public static String closest(String name, Collection<String> candidates) {
        if (name.length() > MAX_LENGTH) {
            return null;
        }
        String best = null;
        int bestDistance = Math.max(1, name.length() / 3) + 1;
        for (String c : candidates) {
            if (c.length() > MAX_LENGTH || Math.abs(c.length() - name.length()) >= bestDistance) {
                continue;
            }
            int d = distance(name, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
