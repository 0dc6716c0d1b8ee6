package org.ppl4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ppl run}'s hand-over (docs/performance.md#which-jvm-runs-a-program): the launcher starts the CLI on C1
 * alone, which starts fast, with ND4J's kernels for large tensors. When a program is about to make its first
 * large tensor and has done nothing visible yet ({@link org.ppl4j.runtime.ad.HandOver}), this class runs the same
 * command line again in a JVM with C2 and ppl4j's own Vector API kernels, and the first JVM waits for it and
 * ends with its exit code. Standard input and output are the second JVM's own; its standard error passes
 * through this JVM, which drops the JVM's warning about the incubator module, as the launcher does.
 */
public final class HandOverRun {
    private HandOverRun() {
    }

    /** The property the launcher sets on a JVM that may hand a program over. */
    static final String ALLOWED = "ppl.jit.handOver";
    /** The property set on the JVM a program was handed to: when the first one started the run. */
    static final String SINCE = "ppl.run.since";
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    /**
     * Whether this JVM may hand the program {@code file} over: started so by the launcher, no kernels named in its
     * flags ({@code -Dppl.kernels} in {@code PPL_JAVA_OPTS}), the JDK has the Vector API, and the program is a
     * regular file (a pipe, {@code ppl run <(...)}, cannot be read twice).
     */
    static boolean allowed(Path file) {
        return Boolean.getBoolean(ALLOWED) && System.getProperty("ppl.kernels") == null
                && java.nio.file.Files.isRegularFile(file)
                && java.lang.module.ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent();
    }

    /** When the run began, in milliseconds since the epoch: in the first JVM if it handed the run over. */
    static long since() {
        return Long.getLong(SINCE, System.currentTimeMillis());
    }

    /** The directory of the notes the launcher reads (set by it on a JVM that may hand a program over). */
    static final String NOTES = "ppl.jit.notes";

    /**
     * Leaves the launcher a note that the program {@code file} (as the command line named it) was handed over,
     * so that its next run starts on the second kind of JVM at once. The note's name is the program's absolute
     * path as the launcher spells it (the working directory, a slash and the name given, unless absolute) with
     * each {@code /} as {@code %}; the launcher counts it while it is newer than the program. Nothing is written
     * when the property is unset or the path too long for a file name; a failure is ignored (the note saves time,
     * nothing else).
     */
    static void note(String file) {
        String dir = System.getProperty(NOTES);
        if (dir == null || dir.isEmpty()) {
            return;
        }
        String absolute = file.startsWith("/") ? file : System.getProperty("user.dir") + "/" + file;
        if (absolute.length() >= 240) {
            return;
        }
        try {
            Path note = java.nio.file.Files.createDirectories(Path.of(dir)).resolve(absolute.replace('/', '%'));
            java.nio.file.Files.deleteIfExists(note);
            java.nio.file.Files.createFile(note); // a fresh modification time
        } catch (IOException | RuntimeException e) {
            // no note: the next run hands over again
        }
    }

    /** Whether anything was seen of a run: output on its streams, or input read. */
    static final class Seen {
        private final AtomicBoolean any = new AtomicBoolean();

        boolean any() {
            return any.get();
        }

        void mark() {
            any.set(true);
        }

        PrintStream track(PrintStream s) {
            return track(s, false);
        }

        /**
         * With {@code redraws}, a write that starts with a carriage return is not counted: a fit's progress bar
         * (drawn only on a terminal) redraws its line so, and the second JVM draws its own over it.
         */
        PrintStream track(PrintStream s, boolean redraws) {
            OutputStream o = new OutputStream() {
                @Override
                public void write(int b) {
                    any.set(true);
                    s.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (len > 0 && !(redraws && b[off] == '\r')) {
                        any.set(true);
                    }
                    s.write(b, off, len);
                }

                @Override
                public void flush() {
                    s.flush();
                }
            };
            return new PrintStream(o, true, StandardCharsets.UTF_8);
        }

        InputStream track(InputStream in) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    any.set(true);
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    any.set(true);
                    return in.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return in.available();
                }
            };
        }
    }

    /**
     * The command line of the JVM the program goes to: this JVM's java and flags without C1's limit and the
     * hand-over property, with the Vector API module and the own kernels, then the same class path, main class
     * and arguments.
     */
    static List<String> command(List<String> args, long since) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:TieredStopAtLevel=") || a.startsWith("-D" + ALLOWED + "=")
                    || a.startsWith("-Dppl.kernels=") || a.startsWith("-D" + SINCE + "=")) {
                continue;
            }
            cmd.add(a);
        }
        cmd.addAll(ownKernelFlags());
        cmd.add("-D" + SINCE + "=" + since);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * The flags of a JVM on the own kernels: the Vector API module, the kernels, and the launcher's compiler
     * directives (the property {@code ppl.jit.directives}: C2 for all code but the Graal compiler's own, which C1
     * compiles), with the JVM's own messages on standard error, where {@link #passErrors} drops them.
     */
    public static List<String> ownKernelFlags() {
        List<String> flags = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", OWN_KERNELS));
        String directives = System.getProperty(DIRECTIVES);
        if (directives != null && java.nio.file.Files.isRegularFile(Path.of(directives))) {
            flags.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + directives,
                    "-XX:+DisplayVMOutputToStderr"));
        }
        return flags;
    }

    /** The flag that puts a JVM on the own kernels. */
    public static final String OWN_KERNELS = "-Dppl.kernels=vector";

    /** The property naming the launcher's compiler directives for a JVM on the own kernels. */
    static final String DIRECTIVES = "ppl.jit.directives";

    /** Whether {@code line} is one the JVM prints at its start with the own kernels' flags. */
    static boolean jvmStartLine(String line) {
        return line.equals(INCUBATOR_WARNING) || line.matches("[0-9]+ compiler directives added");
    }

    /**
     * Runs the command line {@code args} again in the JVM of {@link #command}; returns its exit code, or the
     * internal error's when it cannot start. Ctrl-C is the second JVM's to answer (the terminal sends it to both):
     * this one ignores it meanwhile; if this JVM is ended, the second one is ended too.
     */
    static int runAgain(List<String> args, long since, PrintStream err) {
        Process p;
        try {
            p = new ProcessBuilder(command(args, since)).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            err.println("ppl: internal error: cannot start a JVM for the program's large tensors: " + e.getMessage());
            return Main.INTERNAL_ERROR;
        }
        Thread ender = new Thread(p::destroy, "ppl-hand-over-end");
        Runtime.getRuntime().addShutdownHook(ender);
        Interrupts ignore = Interrupts.install(() -> true);
        Thread copier = new Thread(() -> passErrors(p.getErrorStream()), "ppl-hand-over-stderr");
        copier.start();
        try {
            int code = p.waitFor();
            copier.join();
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return Main.INTERRUPTED;
        } finally {
            ignore.close();
            try {
                Runtime.getRuntime().removeShutdownHook(ender);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    }

    /**
     * Copies the second JVM's standard error to this process's as it comes (progress bars included), without the
     * lines the JVM prints first (the directives' count, the incubator module's warning: {@link #jvmStartLine}).
     */
    static void passErrors(InputStream from) {
        passErrors(from, new FileOutputStream(FileDescriptor.err));
    }

    /** As {@link #passErrors(InputStream)}, to {@code to} (the benchmark's children's standard error too). */
    public static void passErrors(InputStream from, OutputStream to) {
        try (from) {
            for (int lines = 0; lines < 2; lines++) {
                ByteArrayOutputStream first = new ByteArrayOutputStream();
                int c;
                while ((c = from.read()) >= 0 && c != '\n' && first.size() <= INCUBATOR_WARNING.length()) {
                    first.write(c);
                }
                if (!(c == '\n' && jvmStartLine(first.toString(StandardCharsets.UTF_8)))) {
                    to.write(first.toByteArray());
                    if (c >= 0) {
                        to.write(c);
                    }
                    to.flush();
                    if (c < 0) {
                        return;
                    }
                    break;
                }
            }
            byte[] buf = new byte[8192];
            for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // standard error closed: nothing left to show
        }
    }
}
