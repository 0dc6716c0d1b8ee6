package org.ppl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code ./ppl} launcher as a user runs it: a separate JVM on the optimising Truffle runtime. */
class LauncherTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    private static String[] run(String... args) throws IOException, InterruptedException {
        return runWith(java.util.Map.of(), args);
    }

    private static String[] runWith(java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", ROOT.resolve("ppl").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(false);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
        return new String[] {Integer.toString(p.exitValue()), out, err};
    }

    @Test
    void launchesOnTheOptimisingTruffleRuntime() throws Exception {
        String[] r = run("--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Truffle runtime:"), r[1]);
        assertFalse(r[1].contains("Interpreted"), "the launcher fell back to the interpreter: " + r[1]);
        // the JVM starts on C1 and ND4J's kernels, and says a program with large tensors goes to the own kernels
        assertTrue(r[1].contains("Large-tensor kernels: ppl4j Vector API kernels for programs with large tensors"),
                r[1]);
        assertTrue(r[1].contains("Host JIT: C1, which starts fast; ppl run hands a fit with more than 10 s left"),
                r[1]);
        r = runWith(java.util.Map.of("PPL_KERNELS", "nd4j"), "--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Large-tensor kernels: ND4J kernels"), r[1]);
        assertTrue(r[1].contains("Host JIT: C1 only"), r[1]);
        r = runWith(java.util.Map.of("PPL_KERNELS", "vector"), "--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Host JIT: C1 and C2"), r[1]);
        // matrix products: ppl4j's own over OpenBLAS held to AVX2 kernels where the CPU has 512-bit vectors, and
        // OpenBLAS's own choice (its AVX-512 kernels on such a CPU) otherwise
        boolean wide = org.ppl4j.kernels.FloatKernels.vector() != null
                && org.ppl4j.kernels.FloatKernels.vector().matmulName() != null;
        r = runWith(java.util.Map.of("PPL_KERNELS", "vector", "OPENBLAS_CORETYPE", "Haswell"), "--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains(wide ? "Matrix products: ppl4j's own" : "Matrix products: OpenBLAS"), r[1]);
        r = runWith(java.util.Map.of("PPL_KERNELS", "vector", "OPENBLAS_CORETYPE", "SkylakeX"), "--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Matrix products: OpenBLAS 0.3.28 (OPENBLAS_CORETYPE=SkylakeX)"), r[1]);
    }

    /** A program of the test's own, written where the launcher's sandbox lets it be read. */
    private static Path program(String name, String text) throws IOException {
        Path dir = java.nio.file.Files.createTempDirectory(ROOT.resolve("target"), "handover");
        return java.nio.file.Files.writeString(dir.resolve(name), text);
    }

    /**
     * The environment of a hand-over test: each own kernel's name on standard error (once per shape, from the JVM
     * that ran the program), and the launcher's notes of handed-over programs in a cache directory of the test's
     * own (ND4J's native libraries stay in the user's cache, unpacked once).
     */
    private static java.util.Map<String, String> handOverEnv(String javaOpts) throws IOException {
        Path cache = java.nio.file.Files.createTempDirectory(ROOT.resolve("target"), "cache");
        String javacpp = Path.of(System.getProperty("user.home"), ".cache", "ppl4j", "javacpp").toString();
        return java.util.Map.of("XDG_CACHE_HOME", cache.toString(), "PPL_JAVA_OPTS",
                "-Dppl.kernels.trace=true -Dorg.bytedeco.javacpp.cachedir=" + javacpp + " " + javaOpts);
    }

    private static final String LARGE = "let x = zeros([200, 100]) + 1\nprint(\"sum\", sum(exp(x)))\n";

    /**
     * A program about to make its first large tensor, having shown nothing yet, is run again from its start on
     * a JVM with C2 and the own kernels: its output comes once, from the own kernels (their trace), without
     * the incubator warning, and an error after the hand-over keeps its position and exit status.
     */
    @Test
    void aProgramWithLargeTensorsIsHandedToTheOwnKernels() throws Exception {
        java.util.Map<String, String> trace = handOverEnv("");
        Path p = program("large.ppl", LARGE);
        String[] r = runWith(trace, "run", p.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("sum 54365.63491821289\n", r[1]);
        assertTrue(r[2].contains("ppl4j kernel: exp [200, 100]"), "not on the own kernels: " + r[2]);
        assertFalse(r[2].contains("incubator"), r[2]);
        assertFalse(r[2].contains("compiler directives"), "the JVM's count of its directives reached the user: " + r[2]);

        Path bad = program("late_error.ppl", LARGE + "let y = normal(0, -1)\n");
        r = runWith(trace, "run", bad.toString());
        assertEquals("2", r[0], r[2]);
        assertEquals("sum 54365.63491821289\n", r[1]);
        assertTrue(r[2].contains("late_error.ppl:3:"), "the error lost its position: " + r[2]);
        assertEquals(r[2].indexOf("late_error.ppl:3:"), r[2].lastIndexOf("late_error.ppl:3:"), r[2]);
        assertTrue(r[2].contains("ppl4j kernel: exp"), r[2]);

        // PPL_KERNELS=nd4j: never handed over
        java.util.Map<String, String> nd4j = new java.util.HashMap<>(trace);
        nd4j.put("PPL_KERNELS", "nd4j");
        r = runWith(nd4j, "run", p.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("sum 54365.63491821289\n", r[1]);
        assertFalse(r[2].contains("ppl4j kernel:"), r[2]);
    }

    /**
     * A program handed over once starts on the own kernels' JVM at once the next time (the launcher reads the
     * note the hand-over left, in a cache directory of the test's own), until the program's file is newer than
     * the note. Each JVM logs loading java.lang.Object once: a run handed over logs it twice.
     */
    @Test
    void aProgramHandedOverOnceStartsThereTheNextTime() throws Exception {
        Path p = program("again.ppl", LARGE);
        java.util.Map<String, String> env = handOverEnv("-verbose:class");
        String[] r = runWith(env, "run", p.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(2, jvms(r[1]), "the first run was not handed over");
        assertTrue(r[1].contains("sum 54365.63491821289"), r[1]);
        assertTrue(r[2].contains("ppl4j kernel: exp [200, 100]"), r[2]);

        r = runWith(env, "run", p.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(1, jvms(r[1]), "the second run was handed over again");
        assertTrue(r[1].contains("sum 54365.63491821289"), r[1]);
        assertTrue(r[2].contains("ppl4j kernel: exp [200, 100]"), "not on the own kernels: " + r[2]);

        // edited after the note: the program decides again
        java.nio.file.Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 60_000));
        r = runWith(env, "run", p.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(2, jvms(r[1]), "an edited program started on the note of its old text");
    }

    /** A fit of many cheap steps and no large tensor: long only by its number of steps. */
    private static final String LONG_FIT = """
            model m() {
              mu ~ normal(0, 1)
              y ~ normal(mu, 1)
            }
            model q() {
              param loc = 0.0
              mu ~ normal(loc, 1)
            }
            let f = fit(elbo(m(), q(), choices { y: 1.5 }), optimizer: adam(0.01), steps: 200000, seed: 3)
            print("loc", f.params["q.loc"])
            """;

    /**
     * A fit projected to run long (here, with the gate's probe and limit made short: more than 0.5 s left after
     * 0.2 s of steps) is run again from the program's start on the JVM with C2, where the runtime's code runs 2-3
     * times faster (docs/performance.md#which-jvm-runs-a-program): its output comes once and is the same as on
     * C1 alone (the fit gate off); a program that printed before its fit stays where it is.
     */
    @Test
    void aLongFitIsHandedToC2() throws Exception {
        String shortGate = "-verbose:class -Dppl.jit.longFitProbe=0.2 -Dppl.jit.longFit=0.5";
        Path p = program("long_fit.ppl", LONG_FIT);
        String[] handed = runWith(handOverEnv(shortGate), "run", p.toString());
        assertEquals("0", handed[0], handed[2]);
        assertEquals(2, jvms(handed[1]), "the long fit was not handed over");
        List<String> printed = handed[1].lines().filter(l -> l.startsWith("loc ")).toList();
        assertEquals(1, printed.size(), handed[1]);

        String[] c1 = runWith(handOverEnv("-verbose:class -Dppl.jit.longFit=0"), "run", p.toString());
        assertEquals("0", c1[0], c1[2]);
        assertEquals(1, jvms(c1[1]), "handed over with the fit gate off");
        assertEquals(printed, c1[1].lines().filter(l -> l.startsWith("loc ")).toList(),
                "the fit's result differs between the two JVMs");

        // at a terminal the fit draws a progress bar on standard error from its first step: the bar does not
        // count as seen (the second JVM draws its own over it); the first JVM blanks its line
        // (util-linux's script gives the launcher a terminal: both streams come back on it, lines ending in \r\n)
        Path script = Path.of("/usr/bin/script");
        if (java.nio.file.Files.isExecutable(script)) {
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qec", "bash " + ROOT.resolve("ppl") + " run "
                    + p, "/dev/null").directory(ROOT.toFile()).redirectErrorStream(true);
            pb.environment().putAll(handOverEnv(shortGate));
            Process proc = pb.start();
            String screen = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(proc.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
            assertEquals(0, proc.exitValue(), screen);
            assertEquals(2, jvms(screen), "a fit drawing its progress bar was not handed over");
            assertEquals(printed, screen.lines().map(String::strip).filter(l -> l.startsWith("loc ")).toList());
            int blanked = screen.indexOf("\r" + " ".repeat(40));
            int finished = screen.indexOf("200000/200000");
            assertTrue(blanked > 0 && screen.lastIndexOf("fit ", blanked) >= 0,
                    "the first JVM drew no bar, or left it: " + screen);
            assertTrue(finished > blanked && screen.indexOf("taken", finished) > 0,
                    "no finished bar from the second JVM after it: " + screen);
        }

        Path seen = program("seen_fit.ppl", "print(\"starting\")\n" + LONG_FIT);
        String[] r = runWith(handOverEnv(shortGate), "run", seen.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(1, jvms(r[1]), "a program that printed before its fit was run again");
        assertEquals(1, r[1].lines().filter(l -> l.equals("starting")).count(), r[1]);
    }

    /** How many JVMs logged their classes (-verbose:class) into {@code out}. */
    private static long jvms(String out) {
        return out.lines().filter(l -> l.contains("[class,load] java.lang.Object ")).count();
    }

    /**
     * A program that has printed, or written a file, before its first large tensor is not run again (it would
     * print or write twice): it goes on where it is, on ND4J's kernels, with the same results.
     */
    @Test
    void aProgramThatWasSeenIsNotRunAgain() throws Exception {
        java.util.Map<String, String> trace = handOverEnv("");
        Path printed = program("printed.ppl", "print(\"before\")\n" + LARGE);
        String[] r = runWith(trace, "run", printed.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("before\nsum 54365.63491821289\n", r[1]);
        assertFalse(r[2].contains("ppl4j kernel:"), "handed over after it printed: " + r[2]);

        Path dir = java.nio.file.Files.createTempDirectory("handover-out");
        Path saved = dir.resolve("fit.npz");
        Path wrote = program("wrote.ppl", """
                model m() { x ~ normal(0, 1) }
                model g() { param mu = 0.0 : real
                  x ~ normal(mu, 1) }
                let q = fit(elbo(m(), g(), choices {}), steps: 2)
                save_fit(q, "%s")
                """.formatted(saved) + LARGE);
        r = runWith(trace, "run", wrote.toString(), "--allow-path", dir.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(java.nio.file.Files.exists(saved), "save_fit wrote nothing");
        assertEquals("sum 54365.63491821289\n", r[1]);
        assertFalse(r[2].contains("ppl4j kernel:"), "handed over after it wrote a file: " + r[2]);

        // a program read from a pipe (ppl run <(...)) cannot be read a second time
        Path fifo = java.nio.file.Files.createTempDirectory(ROOT.resolve("target"), "fifo").resolve("piped.ppl");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start()
                .waitFor() == 0, "no mkfifo here");
        Thread writer = new Thread(() -> {
            try {
                java.nio.file.Files.writeString(fifo, LARGE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        r = runWith(trace, "run", fifo.toString());
        writer.join(60_000);
        assertEquals("0", r[0], r[2]);
        assertEquals("sum 54365.63491821289\n", r[1]);
        assertFalse(r[2].contains("ppl4j kernel:"), "a piped program was handed over: " + r[2]);
    }

    /**
     * Memory running out under the launcher's optimising runtime, where a heap of 128 MiB is too small for the
     * Graal compiler to start: Truffle's "Compiler initialization failed" (its cause an OutOfMemoryError on the
     * compiler's thread) is memory running out at the user's statement, exit 2. It was an internal error, exit 3,
     * that said "not memory: the JVM's heap is not full".
     */
    @Test
    void memoryRunningOutWhileTheCompilerStartsIsAPositionedRuntimeError() throws Exception {
        Path f = java.nio.file.Files.createTempFile("heap", ".ppl");
        try {
            java.nio.file.Files.writeString(f, "let xs = []\nfor i in 0..100000000 {\n  xs = [xs, zeros(1000)]\n}\n");
            String[] r = runWith(java.util.Map.of("PPL_JAVA_OPTS", "-Xmx128m"), "run", f.toString());
            assertEquals("2", r[0], r[2]);
            assertTrue(r[2].contains(f + ":3:"), r[2]);
            assertTrue(r[2].contains("error: out of memory") && r[2].contains("\n    xs = [xs, zeros(1000)]\n"), r[2]);
            assertFalse(r[2].contains("internal error") || r[2].contains("\tat "), r[2]);
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    /** Acceptance: posterior mean of p within 0.02 of 0.70, sd within 15% of 0.138 (exact Beta(7, 3)). */
    @Test
    void coinJsonMatchesTheExactPosterior() throws Exception {
        String[] r = run("run", "examples/coin.ppl", "--json");
        assertEquals("0", r[0], r[2]);
        String json = r[1].trim();
        assertTrue(json.startsWith("{\"params\":") && json.endsWith("}"), json);
        Matcher m = Pattern.compile("\"posterior\":\\{\"p\":\\{\"mean\":([-0-9.e]+),\"sd\":([-0-9.e]+)").matcher(json);
        assertTrue(m.find(), json);
        double mean = Double.parseDouble(m.group(1));
        double sd = Double.parseDouble(m.group(2));
        assertTrue(Math.abs(mean - 0.70) <= 0.02, "mean " + mean);
        assertTrue(Math.abs(sd - 0.138) <= 0.15 * 0.138, "sd " + sd);
        assertTrue(json.contains("\"objective\":{\"final\":"), json);
    }

    /** The launcher links its runtime image only where the JDK has its jmods (else it runs on the JDK itself). */
    private static void assumeLinkable() {
        Path jmods = Path.of(System.getProperty("java.home"), "jmods", "java.base.jmod");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(jmods), "this JDK has no jmods");
    }

    /**
     * Where the JDK can link (its jmods are there: Debian's openjdk-17-jdk-headless), the launcher runs on its own
     * runtime image and maps the classes a start needs from its class-data archive: ppl4j's own classes, Truffle's
     * and the Graal compiler's come from the archive, not from their jars.
     */
    @Test
    void startsOnTheLinkedImageWithTheClassDataArchive() throws Exception {
        assumeLinkable();
        String[] r = run("--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Java runtime: ppl4j's linked runtime image with the class-data archive"), r[1]);
        String[] off = runWith(java.util.Map.of("PPL_CDS", "off"), "--version");
        assertTrue(off[1].contains("Java runtime: the system JDK"), off[1]);
        r = runWith(java.util.Map.of("PPL_JAVA_OPTS", "-Xlog:class+load=info"), "run", "examples/coin.ppl");
        assertEquals("0", r[0], r[2]);
        for (String cls : List.of("org.ppl4j.runtime.ad.Tape", "com.oracle.truffle.api.nodes.Node",
                "org.graalvm.compiler.truffle.compiler.hotspot.HotSpotTruffleCompilationSupport")) {
            Matcher m = Pattern.compile("\\] " + Pattern.quote(cls) + " source: (.*)").matcher(r[1]);
            assertTrue(m.find(), cls + " was not loaded");
            assertTrue(m.group(1).startsWith("shared objects file"), cls + " came from " + m.group(1));
        }
        assertTrue(r[1].contains("posterior mean of p:"), r[1]);
    }

    /**
     * A jar rebuilt under the archive (a module installed on its own) makes the JVM refuse the archive: the user
     * sees no warning of the JVM's, the program runs, and the launcher records a new archive first.
     */
    @Test
    void aJarNewerThanTheArchiveIsRecordedAgainWithoutAWarning() throws Exception {
        assumeLinkable();
        Path archive = ROOT.resolve("cli/target/ppl4j.jsa");
        assertEquals("0", run("--version")[0]);
        assertTrue(java.nio.file.Files.isRegularFile(archive), "no archive after a start");
        java.nio.file.attribute.FileTime before = java.nio.file.Files.getLastModifiedTime(archive);
        Path jar = ROOT.resolve("cli/target/ppl4j-cli-0.1.0-SNAPSHOT.jar");
        java.nio.file.Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Math.max(System.currentTimeMillis(), before.toMillis() + 1000)));
        String[] r = run("run", "examples/coin.ppl");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("posterior mean of p:"), r[1]);
        assertFalse(r[1].contains("[warning]") || r[2].contains("[warning]") || r[2].contains("shared archive"),
                "the JVM's warning reached the user: " + r[1] + r[2]);
        assertTrue(r[2].contains("recording the classes"), r[2]);
        assertTrue(java.nio.file.Files.getLastModifiedTime(archive).compareTo(
                java.nio.file.Files.getLastModifiedTime(jar)) > 0, "the archive was not recorded again");
    }

    /**
     * The launcher takes a lock while it builds, links or records; the JVM it then becomes must not keep it. A
     * program that starts {@code ./ppl} again ({@code ppl bench}'s cold start) waited for ever on its parent's lock.
     * Here a stale archive makes the launcher take the lock, and the JVM, held reading its program from standard
     * input, is looked at in /proc before it gets the program.
     */
    @Test
    void theJvmDoesNotKeepTheBuildLock() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(Path.of("/proc/self/fd")), "no /proc");
        assumeLinkable();
        assertEquals("0", run("--version")[0]);
        Path jar = ROOT.resolve("cli/target/ppl4j-cli-0.1.0-SNAPSHOT.jar");
        java.nio.file.Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                java.nio.file.Files.getLastModifiedTime(ROOT.resolve("cli/target/ppl4j.jsa")).toMillis() + 1000));
        Process p = new ProcessBuilder("bash", ROOT.resolve("ppl").toString(), "run", "/dev/stdin")
                .directory(ROOT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!java.nio.file.Files.readString(proc.resolve("cmdline")).contains("org.ppl4j.cli.Main")) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the launcher did not start java");
                Thread.sleep(100);
            }
            try (java.util.stream.Stream<Path> fds = java.nio.file.Files.list(proc.resolve("fd"))) {
                List<String> held = fds.map(fd -> {
                    try {
                        return java.nio.file.Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        return ""; // closed meanwhile
                    }
                }).filter(t -> t.contains("ppl4j-build-")).toList();
                assertTrue(held.isEmpty(), "java holds the launcher's lock: " + held);
            }
            p.getOutputStream().write("print(42)\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the program did not end");
            assertEquals(0, p.exitValue());
            assertEquals("42", out.strip());
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A java with no jlink beside it (a JRE, or a JDK without its jmods): the CLI runs on the JDK itself, and the
     * launcher notes that once rather than trying to link at every start.
     */
    @Test
    void aJavaThatCannotLinkRunsOnTheJdkAndIsNotAskedAgain() throws Exception {
        Path bin = java.nio.file.Files.createTempDirectory("jre").resolve("bin");
        java.nio.file.Files.createDirectories(bin);
        Path fakeJava = bin.resolve("java");
        java.nio.file.Files.writeString(fakeJava, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' \"$@\"\n");
        assertTrue(fakeJava.toFile().setExecutable(true));
        java.util.Map<String, String> env = java.util.Map.of("PATH", bin + ":" + System.getenv("PATH"));
        try {
            for (int i = 0; i < 2; i++) {
                String[] r = runWith(env, "--version");
                assertEquals("0", r[0], r[2]);
                assertTrue(r[1].contains("Java runtime: the system JDK"), r[1]);
                assertFalse(r[2].contains("linking"), r[2]);
            }
            assertEquals(fakeJava.toString(), java.nio.file.Files.readString(ROOT.resolve("cli/target/runtime.none")).strip());
        } finally {
            java.nio.file.Files.delete(fakeJava);
        }
    }

    /** ND4J costs about a second to start: a program with no large tensor must never load it. */
    @Test
    void aProgramWithoutLargeTensorsNeverLoadsNd4j() throws Exception {
        String[] r = runWith(java.util.Map.of("PPL_JAVA_OPTS", "-verbose:class"), "run", "examples/coin.ppl");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("org.ppl4j.runtime.ad.Tape"), "class loading was not logged");
        assertFalse(r[1].contains("org.nd4j"), "ND4J was loaded");
    }

    @Test
    void compileAndRuntimeErrorsHaveTheirExitCodes() throws Exception {
        assertEquals("1", run("run", "examples/errors/unknown_name.ppl")[0]);
        String[] r = run("run", "examples/errors/distribution_argument.ppl");
        assertEquals("2", r[0]);
        assertFalse(r[2].contains("at org."), "a stack trace reached the user: " + r[2]);
        assertEquals("66", run("run", "examples/no_such_file.ppl")[0]);
    }

    /**
     * With ppl4j's own kernels the JVM needs the incubator module and warns about it at every start: the launcher
     * keeps that line from the user's standard error and passes the rest (an error message) and the exit status on.
     */
    @Test
    void ownKernelsStartWithoutTheIncubatorWarning() throws Exception {
        java.util.Map<String, String> vector = java.util.Map.of("PPL_KERNELS", "vector");
        String[] r = runWith(vector, "--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Large-tensor kernels: ppl4j Vector API kernels"), r[1]);
        assertFalse(r[2].contains("incubator"), "the JVM's warning reached the user: " + r[2]);
        assertFalse(r[1].contains("compiler directives") || r[2].contains("compiler directives"), r[1] + r[2]);
        r = runWith(vector, "run", "examples/errors/distribution_argument.ppl");
        assertEquals("2", r[0]);
        assertFalse(r[2].contains("incubator"), r[2]);
        assertTrue(r[2].contains("distribution_argument.ppl:"), "the error did not come through: " + r[2]);
    }
}
