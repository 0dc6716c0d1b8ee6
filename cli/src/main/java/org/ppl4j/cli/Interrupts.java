package org.ppl4j.cli;

import java.util.function.BooleanSupplier;

/**
 * Ctrl-C (SIGINT) during {@code ppl run}: the first asks the program to stop as {@code --timeout} does (a fit
 * reports the step it reached, then exit 130); a second, or one the run does not take, ends the JVM at once with
 * 130, as the default handler would. The previous handler comes back when the run ends. Where the JVM offers no
 * signal handling (or the signal is reserved, {@code -Xrs}), nothing is installed and Ctrl-C ends the JVM.
 */
final class Interrupts implements AutoCloseable {
    private final Object previous;

    private Interrupts(Object previous) {
        this.previous = previous;
    }

    /** Installs {@code onInterrupt} (true: taken up, the run stops on its own) for SIGINT. */
    static Interrupts install(BooleanSupplier onInterrupt) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal("INT");
            return new Interrupts(sun.misc.Signal.handle(signal, s -> {
                if (!onInterrupt.getAsBoolean()) {
                    Runtime.getRuntime().halt(Main.INTERRUPTED);
                }
            }));
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return new Interrupts(null);
        }
    }

    @Override
    public void close() {
        if (previous instanceof sun.misc.SignalHandler h) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
            } catch (IllegalArgumentException e) {
                // nothing to restore
            }
        }
    }
}
