package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * A {@code load_csv} of a FIFO blocks in native code (opening it waits for a writer, reading it for the writer to
 * close): it is read on a thread of its own and waited for in 0.1 s slices, so a stop ends it. Under
 * {@code ppl run --timeout} the run exits 124; under {@link PplProgram#cancel()} {@code run()} throws a CANCELLED
 * {@link PplException}. Each checks that the statement after the load never ran and that the run ended within
 * {@link #BOUND_SECONDS} of the stop (a generous bound: the stated one is 0.1 s, plus the launcher's reporting); the
 * program prints "start" just before the load, and the time is taken from then.
 */
class LoaderStopTest {
    /** How long after the stop (the limit, or the cancel) the run must have ended. */
    private static final double BOUND_SECONDS = 5;

    @TempDir
    Path dir;

    private Path fifo;
    private ExecutorService pool;

    @BeforeEach
    void makeFifo() throws Exception {
        fifo = dir.resolve("pipe.csv");
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            made = false;
        }
        assumeTrue(made, "mkfifo is not available");
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void release() throws Exception {
        if (pool != null) {
            // an abandoned reader (a daemon thread) may still be blocked on the pipe: let it finish. Opened for
            // reading and writing, a FIFO never blocks (Linux), whether or not that reader still waits on it: a
            // write-only open would wait for a reader forever once the abandoned one has gone
            try (java.io.RandomAccessFile w = new java.io.RandomAccessFile(fifo.toFile(), "rw")) {
                w.write("x\n".getBytes(StandardCharsets.UTF_8));
            }
            pool.shutdownNow();
        }
    }

    /** Output that notes the time "start" was printed. */
    private static final class Watched extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile long startedAt;

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            check();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            check();
        }

        private void check() {
            if (startedAt == 0 && text().contains("start")) {
                startedAt = System.nanoTime();
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private Path program() throws IOException {
        Path f = dir.resolve("read_pipe.ppl");
        Files.writeString(f, "print(\"start\")\nlet d = load_csv(\"" + fifo.toString().replace("\\", "/")
                + "\")\nprint(\"after\")\n");
        return f;
    }

    /** {@code ppl run --timeout 1} of the program, with its exit code, output and the seconds since "start". */
    private Object[] runWithTimeout() throws IOException {
        Path f = program();
        Watched out = new Watched();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(new String[] {"run", f.toString(), "--timeout", "1", "--allow-path", dir.toString()},
                    o, e);
        }
        double took = (System.nanoTime() - out.startedAt) / 1e9;
        assertTrue(out.startedAt != 0, "the program printed start: " + out.text());
        return new Object[] {code, out.text(), err.toString(StandardCharsets.UTF_8), took};
    }

    /** Exit 124, the launcher's message, "after" never printed, ended within the bound of the 1 s limit. */
    private static void assertStoppedByTheTimeout(Object[] r) {
        assertEquals(Main.TIMEOUT, r[0], (String) r[2]);
        assertEquals("ppl: the program ran longer than 1 second\n", r[2]);
        assertEquals("start\n", r[1]);
        assertTrue((double) r[3] < 1 + BOUND_SECONDS, "the run ended " + r[3] + " s after start (limit 1 s)");
    }

    /** No writer ever opens the pipe: opening it blocks. */
    @Test
    void timeoutEndsALoadWaitingForAWriter() throws IOException {
        Object[] r = runWithTimeout();
        assertStoppedByTheTimeout(r);
    }

    /** A writer sends a header and a row and keeps the pipe open: the read is blocked half-way. */
    @Test
    void timeoutEndsALoadBlockedHalfWay() throws Exception {
        Future<?> writer = pool.submit(() -> {
            try (OutputStream w = Files.newOutputStream(fifo)) {
                w.write("x\n1.5\n".getBytes(StandardCharsets.UTF_8));
                w.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
            return null;
        });
        Object[] r = runWithTimeout();
        writer.cancel(true); // closes the pipe: the abandoned reader ends
        assertStoppedByTheTimeout(r);
    }

    /** The embedding API: {@code cancel()} from another thread 0.3 s after "start". */
    @Test
    void cancelEndsALoadWaitingForAWriter() throws Exception {
        Path csv = dir.resolve("small.csv");
        Files.writeString(csv, "x\n1.5\n");
        Watched out = new Watched();
        try (PplProgram p = Ppl.compile("print(\"start\")\nlet d = load_csv(path)\nprint(\"after\")\n", "load.ppl",
                PplOptions.defaults().withData("path", fifo.toString()).withAllowedPath(dir).withOutput(out))) {
            Future<?> running = pool.submit(p::run);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (out.startedAt == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(out.startedAt != 0, "the program printed start");
            Thread.sleep(300);
            assertFalse(running.isDone(), "still loading 0.3 s after start");
            long cancelled = System.nanoTime();
            p.cancel();
            ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.MINUTES));
            double took = (System.nanoTime() - cancelled) / 1e9;
            assertTrue(took < BOUND_SECONDS, "the run ended " + took + " s after the cancel");
            PplException error = (PplException) e.getCause();
            assertEquals(PplException.Kind.CANCELLED, error.kind(), error.getMessage());
            assertEquals("stopped (cancelled) while waiting for " + fifo + " (PplProgram.cancel())", error.reason());
            assertFalse(error.getMessage().contains("\tat "), error.getMessage());
            assertEquals("start\n", out.text());
            // the same program reads a plain file afterwards
            p.set("path", csv.toString()).run();
            assertEquals("start\nstart\nafter\n", out.text());
        }
    }
}
