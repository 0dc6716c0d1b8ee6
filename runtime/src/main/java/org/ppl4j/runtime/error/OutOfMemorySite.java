package org.ppl4j.runtime.error;

import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.source.SourceSection;

/**
 * Where memory first ran out: the user's statement or builtin call that was running. Recording it allocates
 * nothing (the section already exists), so it works while the heap is still full of the program's values; the
 * launcher reads it once the program's values are gone, when building the positioned message can succeed. An
 * {@link PplException} built at the same spot carries the position too, but building it (its message, its stack
 * trace, the engine's wrapper) can itself run out of memory, and then the position would be lost.
 */
public final class OutOfMemorySite {
    /**
     * A plain volatile field, not an {@code AtomicReference}: the first compare-and-set through a VarHandle links
     * method handles, which allocates, and so failed while the heap was full. Two threads running out at once may
     * both write; either spot is right.
     */
    private static volatile SourceSection first;

    private OutOfMemorySite() {
    }

    /**
     * Notes {@code at} as where memory ran out, unless a spot was noted already (the innermost one wins) or it lies
     * in the standard library (the user statement that called it is noted as the error leaves).
     */
    public static void record(Node at) {
        SourceSection s = at == null ? null : at.getEncapsulatingSourceSection();
        if (s != null && s.isAvailable()
                && !org.ppl4j.runtime.PplLanguage.PRELUDE_NAME.equals(s.getSource().getName())) {
            if (first == null) {
                first = s;
            }
        }
    }

    /**
     * The spot noted since the last {@link #clear()}, or null. It is kept: a report built while the heap is still
     * full may itself run out of memory, and the next try (after the program's values are gone) needs it again.
     */
    public static SourceSection noted() {
        return first;
    }

    /** Forgets any spot noted (a new program starts). */
    public static void clear() {
        first = null;
    }
}
