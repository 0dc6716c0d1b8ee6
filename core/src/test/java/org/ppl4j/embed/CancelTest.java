package org.ppl4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PplProgram#cancel()} outside a fit: it reaches the stop {@code ppl run --timeout} uses, inside a large matrix
 * product (between its tiles) and a loop that calls no builtin (interrupted after the grace period); a
 * {@code load_csv} blocked on a pipe is cancelled in {@code cli/.../LoaderStopTest}. Each run is cancelled from another thread once the program has printed "start" (the
 * statement before the long one) and 0.3 s more have passed; the run must end with a {@link PplException} of kind
 * CANCELLED, without a stack trace, before "after" is printed, within {@link #BOUND_NANOS} of the cancel (a generous
 * bound: one tile of a product takes tens of milliseconds, the grace period is 0.5 s), and the program must run again afterwards.
 */
class CancelTest {
    /** How long after {@code cancel()} the run must have ended: 5 s, far above the bounds stated above. */
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(5);

    private ExecutorService pool;

    @BeforeEach
    void startPool() {
        pool = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Runs {@code p} on the pool, cancels it 0.3 s after "start", and returns the error its run() threw. */
    private PplException cancelWhileRunning(PplProgram p, ByteArrayOutputStream out) throws Exception {
        Future<?> running = pool.submit(p::run);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!text(out).contains("start") && System.nanoTime() < deadline) {
            Thread.sleep(10); // a ByteArrayOutputStream is read and written under its lock
        }
        assertTrue(text(out).contains("start"), "the program printed start: " + text(out));
        Thread.sleep(300);
        assertFalse(running.isDone(), "still running 0.3 s after start");
        long cancelled = System.nanoTime();
        p.cancel();
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.MINUTES));
        long took = System.nanoTime() - cancelled;
        assertTrue(took < BOUND_NANOS, "the run ended " + took / 1e9 + " s after the cancel");
        assertTrue(e.getCause() instanceof PplException, String.valueOf(e.getCause()));
        PplException error = (PplException) e.getCause();
        assertEquals(PplException.Kind.CANCELLED, error.kind(), error.getMessage());
        assertFalse(error.getMessage().contains("\tat ") || error.getMessage().contains("Exception"),
                error.getMessage());
        assertFalse(text(out).contains("after"), text(out));
        return error;
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * {@code a @ a} of 3000 x 3000 (2.7e10 multiply-adds, over a second even on a fast core) runs in tiles of about
     * 2^28 multiply-adds; the cancel is taken up between two of them, so {@code b} is never defined.
     */
    @Test
    void cancelStopsALargeProduct() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PplProgram p = Ppl.compile("let a = ones(n, n)\nprint(\"start\")\nlet b = a @ a\nprint(\"after\")\n",
                "product.ppl", PplOptions.defaults().withData("n", 3000).withOutput(out))) {
            PplException error = cancelWhileRunning(p, out);
            assertEquals("stopped (cancelled) during a matrix product (PplProgram.cancel())", error.reason());
            assertNull(p.get("b"), "the product never completed");
            // the same program and engine run again, to the end
            p.set("n", 2).run();
            assertTrue(text(out).endsWith("after\n"), text(out));
            assertEquals(2.0, ((double[][]) p.get("b"))[0][0]);
        }
    }

    /** A loop that calls no builtin has no cancellation point: the grace period ends, the context is interrupted. */
    @Test
    void cancelInterruptsALoopWithoutBuiltins() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PplProgram p = Ppl.compile("print(\"start\")\nlet x = 0\nfor i in 0..n {\n  x = x + 1\n}\n"
                + "print(\"after\")\n", "loop.ppl", PplOptions.defaults().withData("n", 2_000_000_000)
                        .withOutput(out))) {
            PplException error = cancelWhileRunning(p, out);
            assertEquals("cancelled (PplProgram.cancel()): interrupted " + PplProgram.CANCEL_GRACE_MS
                    + " ms after the cancel", error.reason());
            p.set("n", 3).run();
            assertTrue(text(out).endsWith("after\n"), text(out));
            assertEquals(3.0, p.get("x"));
        }
    }
}
