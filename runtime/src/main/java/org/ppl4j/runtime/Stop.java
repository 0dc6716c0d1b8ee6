package org.ppl4j.runtime;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request from outside the program that it stop where it can (the launcher's {@code --timeout}, Ctrl-C), so
 * that it ends with what it reached rather than being cancelled mid-kernel. The launcher creates one and names it
 * in the {@code ppl.Stop} option; builtins outside fits refuse to start once it is requested, and a fit stops
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

    /** Asks the program to stop; {@code reason} is a word for the report ("timeout", "interrupt"). */
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

    /** Forgets the stop once its program has ended. */
    public void close() {
        BY_TOKEN.remove(token);
    }
}
