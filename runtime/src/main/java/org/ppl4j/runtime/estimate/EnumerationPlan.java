package org.ppl4j.runtime.estimate;

import java.util.BitSet;
import java.util.List;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.TapeNode;

/**
 * Which runs of an objective an estimate with replayed (enum, mvd) choices needs, read off its first run. The
 * enumerated choices are grouped by the terms of the objective: choices that appear together in some term (and
 * a choice whose distribution depends on another is in every term that depends on it) form a group, enumerated
 * jointly over its members' joint support; different groups move in lockstep. Run r puts each group at its
 * r-th joint value (or its last), so the runs needed are the largest joint support, not their product: a
 * mixture with 500 independent local choices and one pair of dependent ones needs max(2, 2 x |pair|) runs.
 * A group of one choice is the plain lockstep replay. Measure-valued choices stay alone and move in lockstep.
 */
public final class EnumerationPlan {
    /** By choice bit: its group, or -1 for a choice that is not enumerated. */
    private final int[] groupOf;
    /** By group: its members' bits, ascending. */
    private final int[][] members;
    /** By group: its members' support sizes, as in the first run. */
    private final int[][] sizes;
    /** By group: the number of joint values (the product of its sizes). */
    private final long[] jointSizes;
    /** By replay ordinal: the choice's bit. */
    private final int[] bitOfOrdinal;
    private final int rounds;

    private EnumerationPlan(int[] groupOf, int[][] members, int[][] sizes, long[] jointSizes, int[] bitOfOrdinal,
            int rounds) {
        this.groupOf = groupOf;
        this.members = members;
        this.sizes = sizes;
        this.jointSizes = jointSizes;
        this.bitOfOrdinal = bitOfOrdinal;
        this.rounds = rounds;
    }

    /**
     * The plan for the estimate whose first run is {@code first}, with {@code terms} the additive terms of its value
     * (as the surrogate will use them); null where no plan of lockstep groups exists (a term that depends on a
     * measure-valued choice and on another replayed choice) and the caller must fall back.
     */
    static EnumerationPlan of(ObjectiveRun first, List<TapeNode> terms) {
        List<Choice> choices = first.choices();
        int n = choices.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        Tape tape = first.tape();
        for (TapeNode term : terms) {
            BitSet d = tape.dependenciesOf(term);
            if (d == null) {
                continue;
            }
            int firstEnum = -1;
            int replayed = 0;
            boolean measureValued = false;
            for (int bit = d.nextSetBit(0); bit >= 0; bit = d.nextSetBit(bit + 1)) {
                Choice.Kind kind = choices.get(bit).kind();
                if (kind == Choice.Kind.SCORE) {
                    continue;
                }
                replayed++;
                if (kind == Choice.Kind.MVD) {
                    measureValued = true;
                } else if (firstEnum < 0) {
                    firstEnum = bit;
                } else {
                    union(parent, firstEnum, bit);
                }
            }
            if (measureValued && replayed > 1) {
                return null;
            }
        }
        int[] groupOf = new int[n];
        java.util.Arrays.fill(groupOf, -1);
        int[] groupOfRoot = new int[n];
        java.util.Arrays.fill(groupOfRoot, -1);
        int groups = 0;
        int[] count = new int[n];
        for (int bit = 0; bit < n; bit++) {
            if (choices.get(bit).kind() == Choice.Kind.ENUM) {
                int root = find(parent, bit);
                if (groupOfRoot[root] < 0) {
                    groupOfRoot[root] = groups++;
                }
                groupOf[bit] = groupOfRoot[root];
                count[groupOf[bit]]++;
            }
        }
        int[][] members = new int[groups][];
        int[][] sizes = new int[groups][];
        long[] jointSizes = new long[groups];
        for (int g = 0; g < groups; g++) {
            members[g] = new int[count[g]];
            sizes[g] = new int[count[g]];
            jointSizes[g] = 1;
        }
        int[] filled = new int[groups];
        long rounds = 1;
        int replayedCount = 0;
        for (int bit = 0; bit < n; bit++) {
            Choice c = choices.get(bit);
            if (c.replayOrdinal() >= 0) {
                replayedCount++;
            }
            if (c.kind() == Choice.Kind.MVD) {
                rounds = Math.max(rounds, c.values().size());
            }
            int g = groupOf[bit];
            if (g >= 0) {
                members[g][filled[g]] = bit;
                sizes[g][filled[g]++] = c.values().size();
                jointSizes[g] = Math.min(jointSizes[g] * c.values().size(), Long.MAX_VALUE / 1024);
                rounds = Math.max(rounds, jointSizes[g]);
            }
        }
        int[] bitOfOrdinal = new int[replayedCount];
        for (Choice c : choices) {
            if (c.replayOrdinal() >= 0) {
                bitOfOrdinal[c.replayOrdinal()] = c.bit();
            }
        }
        return new EnumerationPlan(groupOf, members, sizes, jointSizes, bitOfOrdinal,
                (int) Math.min(rounds, Integer.MAX_VALUE));
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** How many runs the estimate needs: the largest joint support of a group (or mvd value list). */
    public int rounds() {
        return rounds;
    }

    /** The group of an enumerated choice (by bit), or -1. */
    int groupOf(int bit) {
        return bit < groupOf.length ? groupOf[bit] : -1;
    }

    /** The members (bits) of a group. */
    int[] members(int group) {
        return members[group];
    }

    /** The number of joint values of a group: runs 0 .. jointSize - 1 hold each of them once. */
    int jointSize(int group) {
        return (int) jointSizes[group];
    }

    /** Which value each replayed choice takes in run {@code r}: its group's r-th joint value, or its last. */
    public ReplayPlan run(int r) {
        return (ordinal, size) -> {
            int bit = ordinal < bitOfOrdinal.length ? bitOfOrdinal[ordinal] : -1;
            int g = bit >= 0 ? groupOf[bit] : -1;
            if (g < 0) {
                return Math.min(r, size - 1);
            }
            long joint = Math.min(r, jointSizes[g] - 1);
            int[] m = members[g];
            int[] s = sizes[g];
            int digit = 0;
            for (int p = m.length - 1; p >= 0; p--) { // the last member varies fastest
                digit = (int) (joint % s[p]);
                joint /= s[p];
                if (m[p] == bit) {
                    break;
                }
            }
            return Math.min(digit, size - 1);
        };
    }

    /** Whether run {@code run}'s replayed choices have the sizes this plan was made with (else fall back). */
    boolean matches(ObjectiveRun run) {
        List<Choice> choices = run.choices();
        for (int g = 0; g < members.length; g++) {
            for (int p = 0; p < members[g].length; p++) {
                int bit = members[g][p];
                if (bit >= choices.size() || choices.get(bit).kind() != Choice.Kind.ENUM
                        || choices.get(bit).values().size() != sizes[g][p]) {
                    return false;
                }
            }
        }
        return true;
    }
}
