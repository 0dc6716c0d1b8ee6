package org.ppl4j.runtime.ad;

import java.util.function.BooleanSupplier;

/**
 * The moment a program makes its first large tensor, which is where {@code ppl run} may hand the program over to
 * a JVM of the other kind (docs/performance.md#which-jvm-runs-a-program). The launcher starts every program on a
 * JVM that starts fast (C1 only), where ND4J's kernels compute large tensors; ppl4j's own kernels are faster but
 * need C2, which costs about a second of every start. A program that makes large tensors is a long one as a rule
 * (a network, a data set), so the command line arms this gate: when the program is about to make its first large
 * tensor and has done nothing anyone could see yet (no output, no file written, no input read), the gate stops it
 * with {@link Stop} and the command line runs the program again, from the start, on a JVM with C2 and the own
 * kernels. A program that has already printed keeps running where it is.
 *
 * <p>The gate sits in the static initialiser of {@link Nd4jKernels}, the one class through which every large
 * tensor is made, so a program whose tensors stay small never meets it, and the JVM that hands over never loads
 * ND4J.
 */
public final class HandOver {
    private HandOver() {
    }

    /** Whether the program has done nothing visible yet; null when the gate is not armed. */
    private static volatile BooleanSupplier unseen;
    private static volatile boolean requested;

    /**
     * Thrown through the program's frames to end its run at the gate (an {@link Error}, so that neither a fit's
     * nor the program's handlers of failures take it for one). Carries no stack trace.
     */
    public static final class Stop extends Error {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("the program's first large tensor: handed over to a JVM with ppl4j's own kernels", null, false,
                    false);
        }
    }

    /** Arms the gate for the run that follows; {@code unseen} says whether the run has done nothing visible yet. */
    public static void arm(BooleanSupplier unseen) {
        requested = false;
        HandOver.unseen = unseen;
    }

    /** Disarms the gate (the run ended, or it may no longer be repeated). */
    public static void disarm() {
        unseen = null;
    }

    /** Whether the gate stopped the run: the command line should run the program again on the other JVM. */
    public static boolean requested() {
        return requested;
    }

    /** Whether the gate is armed (for tests). */
    static boolean armed() {
        return unseen != null;
    }

    /**
     * Called before the first large tensor is made: throws {@link Stop} when the gate is armed and the program
     * has done nothing visible; otherwise disarms it and returns (the program goes on here, on ND4J's kernels).
     */
    static void beforeFirstLargeTensor() {
        BooleanSupplier u = unseen;
        unseen = null;
        if (u != null && u.getAsBoolean()) {
            requested = true;
            throw new Stop();
        }
    }
}
