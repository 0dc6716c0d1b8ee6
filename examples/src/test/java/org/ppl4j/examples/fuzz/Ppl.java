package org.ppl4j.examples.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ppl4j.cli.Main;

/**
 * Runs a program through the real command line ({@link Main#execute}) the way a user would: the text is
 * written to a file, {@code ppl check FILE} or {@code ppl run FILE} is executed on a fresh thread with the
 * default stack size, and the exit code, both output streams, anything thrown and the time taken are kept.
 *
 * <p>{@link Result#violation()} states the robustness property: the command ends (no hang) with exit 0, 1 or 2;
 * for 1 and 2 standard error carries a {@code file:line:col: error: message} line whose position lies in the
 * file; nothing escapes as a Java exception and no stack trace or exception class name reaches the user.
 */
final class Ppl {
    private Ppl() {
    }

    enum Mode {
        CHECK, RUN
    }

    /** What happened, for the tally in docs/reliability.md. */
    enum Category {
        OK, USER_ERROR, KNOWN, CRASH, HANG
    }

    /** Generous: a check takes milliseconds, a run with rewritten step counts well under a second. */
    static final long CHECK_TIMEOUT_MS = 10_000;
    static final long RUN_TIMEOUT_MS = 10_000;

    private static final Pattern ERROR_LINE = Pattern.compile("(?m)^(.+?):(\\d+):(\\d+): error: \\S.*$");
    private static final Pattern STEPS = Pattern.compile("\\bsteps(\\s*):(\\s*)[^,)\\s]+");
    private static final Pattern SAMPLES = Pattern.compile("\\bsamples(\\s*):(\\s*)[^,)\\s]+");
    private static final Pattern PARTICLES = Pattern.compile("\\bparticles(\\s*):(\\s*)[^,)\\s]+");

    private static Path dir;

    record Result(Mode mode, String file, byte[] input, int exit, String stdout, String stderr, Throwable thrown,
            boolean timedOut, long millis) {

        Category category() {
            if (timedOut) {
                return Category.HANG;
            }
            if (violation() != null) {
                return KnownIssues.match(this) != null ? Category.KNOWN : Category.CRASH;
            }
            return exit == 0 ? Category.OK : Category.USER_ERROR;
        }

        /** Why the robustness property does not hold, or null when it does. */
        String violation() {
            if (timedOut) {
                return "no result after " + millis + " ms (hang)";
            }
            if (thrown != null) {
                return "Main.execute threw " + thrown;
            }
            String both = stdout + "\n" + stderr;
            if (both.contains("at org.") || both.contains("at com.") || both.contains("at java.")) {
                return "a stack trace reached the user";
            }
            if (both.contains("Exception") || both.contains("java.lang.")) {
                return "a Java exception reached the user";
            }
            if (exit == 0) {
                return null;
            }
            if (exit != 1 && exit != 2) {
                return "exit " + exit + (exit == 3 ? " (internal error)" : "");
            }
            Matcher m = ERROR_LINE.matcher(stderr);
            if (!m.find()) {
                return "exit " + exit + " without a 'file:line:col: error: message' line on stderr";
            }
            if (m.group(1).equals(file)) {
                // ANTLR (check) counts lines at \n only, Truffle (run) also at a lone \r: either is fine here.
                long lines = Math.max(text().chars().filter(c -> c == '\n').count(),
                        text().split("\r\n|\r|\n", -1).length - 1) + 1;
                int line = Integer.parseInt(m.group(2));
                int col = Integer.parseInt(m.group(3));
                if (line < 1 || line > lines || col < 1) {
                    return "the error position " + line + ":" + col + " is outside the file (" + lines + " lines)";
                }
            }
            return null;
        }

        String text() {
            return new String(input, StandardCharsets.UTF_8);
        }

        String describe() {
            return mode.name().toLowerCase() + " -> exit " + exit + " in " + millis + " ms\n--- stdout:\n" + clip(stdout)
                    + "\n--- stderr:\n" + clip(stderr) + (thrown == null ? "" : "\n--- thrown:\n" + trace(thrown));
        }
    }

    static Result check(String text) {
        return execute(Mode.CHECK, text.getBytes(StandardCharsets.UTF_8));
    }

    static Result run(String text) {
        return execute(Mode.RUN, cheap(text).getBytes(StandardCharsets.UTF_8));
    }

    static Result execute(Mode mode, String text) {
        return mode == Mode.CHECK ? check(text) : run(text);
    }

    /** Fits made fast: 3 steps, 1 particle, 5 posterior samples, whatever the program asked for. */
    static String cheap(String text) {
        text = STEPS.matcher(text).replaceAll("steps$1:$2 3");
        text = SAMPLES.matcher(text).replaceAll("samples$1:$2 5");
        return PARTICLES.matcher(text).replaceAll("particles$1:$2 1");
    }

    static Result execute(Mode mode, byte[] input) {
        return execute(mode, input, 0);
    }

    /** With the given thread stack size in bytes; 0 is the JVM's default (-Xss, 8 MB in this build's tests). */
    static synchronized Result execute(Mode mode, byte[] input, long stackSize) {
        Path file;
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("ppl-fuzz");
                dir.toFile().deleteOnExit();
            }
            if (mode == Mode.RUN && !warmedUp) {
                warmUp();
            }
            file = dir.resolve("input.ppl");
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<Integer> exit = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        String[] args = {mode.name().toLowerCase(), file.toString()};
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Thread t = new Thread(null, () -> {
            try {
                exit.set(Main.execute(args, o, e));
            } catch (Throwable x) {
                thrown.set(x);
            }
        }, "ppl-fuzz-" + mode.name().toLowerCase(), stackSize);
        t.setDaemon(true);
        long start = System.nanoTime();
        t.start();
        long timeout = mode == Mode.CHECK ? CHECK_TIMEOUT_MS : RUN_TIMEOUT_MS;
        try {
            t.join(timeout);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean timedOut = t.isAlive();
        if (timedOut) {
            stop(t);
        }
        o.flush();
        e.flush();
        Integer code = exit.get();
        return new Result(mode, file.toString(), input, code == null ? -1 : code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8), thrown.get(), timedOut, millis);
    }

    private static boolean warmedUp;

    /**
     * Starts ND4J once, without a time limit, before the first run: its one-time start-up (native libraries,
     * backend) takes seconds, over the 10 s limit on a loaded machine, and a run stopped inside its class
     * initialiser would leave the class unusable for every later input (NoClassDefFoundError), a failure of the
     * harness, not of the input.
     */
    private static void warmUp() throws IOException {
        warmedUp = true;
        Path warm = dir.resolve("warm-up.ppl");
        Files.writeString(warm, "print(sum(ones(20000)))\n");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Main.execute(new String[] {"run", warm.toString()}, quiet, quiet);
    }

    /** A hung run must not keep a core busy for the rest of the suite. */
    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        t.interrupt();
        try {
            t.join(500);
            if (t.isAlive()) {
                t.stop();
                t.join(2000);
            }
        } catch (InterruptedException | UnsupportedOperationException x) {
            // leave the daemon thread behind
        }
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException x) {
            return false;
        }
    }

    static String clip(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 2000) + "\n[... " + (s.length() - 4000) + " chars ...]\n"
                + s.substring(s.length() - 2000);
    }

    static String trace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return clip(w.toString());
    }
}
