package org.ppl4j.runtime;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request from outside the program that it stop where it can (the launcher's {@code --timeout}, Ctrl-C), so
 * that it ends with what it reached rather than being cancelled mid-kernel. The launcher (and the embedding API's
 * {@code PplProgram}, for its {@code cancel()}) creates one and names it in the {@code ppl.Stop} option; builtins outside fits refuse to start once it is requested, and a fit stops
 * after its current step, keeps that step's result (summary, JSON, a checkpoint when checkpointing) and ends the
 * program. The launcher cancels the context outright if the program has not stopped within its grace period.
 */
public final class Stop {
    private static final Map<String, Stop> BY_TOKEN = new ConcurrentHashMap<>();
    private static final Stop NEVER = new Stop("");

    private final String token;
    private volatile String reason;
    private volatile boolean acknowledged;
    private volatile int fits;

    private Stop(String token) {
        this.token = token;
    }

    /** A new stop for one program run, found by {@link #lookup} with its {@link #token}. */
    public static Stop create() {
        Stop s = new Stop(UUID.randomUUID().toString());
        BY_TOKEN.put(s.token, s);
        return s;
    }

    /** The stop the option names, or one that is never requested. */
    static Stop lookup(String token) {
        return token == null || token.isEmpty() ? NEVER : BY_TOKEN.getOrDefault(token, NEVER);
    }

    public String token() {
        return token;
    }

    /**
     * Asks the program to stop; {@code reason} is a word for the report ("timeout", "interrupted", "cancelled" for
     * the embedding API's {@code PplProgram.cancel()}).
     */
    public void request(String reason) {
        if (this != NEVER) {
            this.reason = reason;
        }
    }

    /** The reason given to {@link #request}, or null while none was asked for. */
    public String reason() {
        return reason;
    }

    /** Whether a stop was asked for and nobody has taken it up yet. */
    public boolean pending() {
        return reason != null && !acknowledged;
    }

    /** A fit took the stop up: it is summarising what it reached and then ends the program. */
    public void acknowledge() {
        acknowledged = true;
    }

    public boolean acknowledged() {
        return acknowledged;
    }

    /** Counts the fits running (each checks the stop between its steps). */
    public void enterFit() {
        fits++;
    }

    public void exitFit() {
        fits--;
    }

    public boolean inFit() {
        return fits > 0;
    }

    /**
     * A cancellation point inside a long builtin (between the row blocks of a large matrix product, every MiB a
     * loader reads): throws {@link org.ppl4j.runtime.error.PplStopped} when a stop is pending outside a fit, or when
     * the thread was interrupted (the launcher interrupts it before cancelling the context). Does nothing on a
     * thread that runs no ppl4j context (plain tensor code).
     */
    public static void poll(String during) {
        if (ENTERED.get() == 0) {
            return;
        }
        PplContext context = PplContext.get(null);
        Stop s = context.stop();
        if (s.pending() && !s.inFit()) {
            throw new org.ppl4j.runtime.error.PplStopped(s.reason(), "stopped (" + s.reason() + ") during " + during,
                    null);
        }
        if (Thread.currentThread().isInterrupted()) { // the launcher's last resort past the grace period
            throw new org.ppl4j.runtime.error.PplStopped("interrupt", "interrupted during " + during, null);
        }
    }

    /** How many ppl4j contexts this thread is initialised for (the language counts them). */
    static final ThreadLocal<Integer> ENTERED = ThreadLocal.withInitial(() -> 0);

    /**
     * Makes the stop unrequested again, for the next run of a program that lives on (the embedding API's
     * {@code PplProgram}, whose context outlives each run).
     */
    public void reset() {
        reason = null;
        acknowledged = false;
    }

    /** Forgets the stop once its program has ended. */
    public void close() {
        BY_TOKEN.remove(token);
    }
}
