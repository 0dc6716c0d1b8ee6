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
 *
 * <p>A second gate watches long fits ({@link #watchFit}): the Java code of ppl4j's runtime (the tape, the
 * estimators, the handlers) runs 1.4-2.6 times faster once C2 has compiled it, which pays for a second start only
 * when a fit has many seconds left. After {@link #probeSeconds} of a fit, the gate projects the fit's remaining
 * time from its speed over the second half of the probe; when that is more than {@link #longFitSeconds} and the
 * program has done nothing visible, the run stops there and starts again on the other JVM, as at the first large
 * tensor.
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

        Stop(String why) {
            super(why + ": handed over to a JVM with C2 and ppl4j's own kernels", null, false, false);
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
            throw new Stop("the program's first large tensor");
        }
    }

    /** The property that sets {@link #longFitSeconds}; 0 or less turns the fit gate off. */
    public static final String LONG_FIT = "ppl.jit.longFit";
    /** The property that sets {@link #probeSeconds}. */
    public static final String PROBE = "ppl.jit.longFitProbe";

    /**
     * The projected remaining time of a fit, in seconds, above which it is handed over. A fit of the GMM's
     * enumeration (bench/gmm_steps.ppl) on C1 takes 2.4 ms a step once warm, on C2 0.9 ms after about 1,000 steps
     * of warming; with the second JVM's start, an estimate puts the break-even near 3,000 steps, 7 s on C1
     * (docs/performance.md, "Long fits"); the limit leaves room for the probe's overstated speed.
     */
    public static double longFitSeconds() {
        return doubleProperty(LONG_FIT, 10.0);
    }

    /** How long a fit runs before the gate projects its remaining time (its speed from the second half). */
    static double probeSeconds() {
        return doubleProperty(PROBE, 2.0);
    }

    private static double doubleProperty(String name, double otherwise) {
        String v = System.getProperty(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /**
     * The clock of one fit, told each step how many are left ({@link FitWatch#step}); null when the gate is not
     * armed or the fit gate is off, so that a fit that nobody watches pays nothing.
     */
    public static FitWatch watchFit() {
        if (unseen == null) {
            return null;
        }
        double limit = longFitSeconds();
        return limit > 0 ? new FitWatch(System::nanoTime, probeSeconds(), limit) : null;
    }

    /**
     * Asks the gate to hand over a fit projected to take {@code projectedSeconds} more: throws {@link Stop} when
     * the gate is armed and the program has done nothing visible (and leaves the gate armed otherwise: a later,
     * longer fit may still be handed over while nothing was seen).
     */
    static void longFit(double projectedSeconds) {
        BooleanSupplier u = unseen;
        if (u != null && u.getAsBoolean()) {
            unseen = null;
            requested = true;
            throw new Stop(String.format(java.util.Locale.ROOT, "a fit with about %.0f s left on C1",
                    projectedSeconds));
        }
    }

    /** One fit's clock: decides once, after the probe, whether the fit is long enough to hand over. */
    public static final class FitWatch {
        private final java.util.function.LongSupplier nanos;
        private final long probe;
        private final double limit;
        private final long start;
        private long halfTime = -1;
        private long halfSteps;
        private long steps;
        private boolean decided;

        FitWatch(java.util.function.LongSupplier nanos, double probeSeconds, double limitSeconds) {
            this.nanos = nanos;
            this.probe = (long) (probeSeconds * 1e9);
            this.limit = limitSeconds;
            this.start = nanos.getAsLong();
        }

        /**
         * After a step, with {@code remaining} steps left at most: once the probe has passed, the projected time
         * of those steps at the speed of the probe's second half decides (see {@link #longFit}).
         */
        public void step(long remaining) {
            if (decided) {
                return;
            }
            steps++;
            long now = nanos.getAsLong();
            long elapsed = now - start;
            if (halfTime < 0 && elapsed >= probe / 2) {
                halfTime = now;
                halfSteps = steps;
                return;
            }
            if (elapsed < probe || halfTime < 0 || steps == halfSteps) {
                return;
            }
            decided = true;
            double perStep = (now - halfTime) / 1e9 / (steps - halfSteps);
            double projected = perStep * remaining;
            if (projected > limit) {
                longFit(projected);
            }
        }

        /** Whether the decision was taken (for tests). */
        boolean decided() {
            return decided;
        }
    }
}
