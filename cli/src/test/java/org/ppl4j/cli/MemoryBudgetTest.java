package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory budget for heap and ND4J's native memory together ({@code -Dppl.memory}, {@code PPL_MEMORY}), in a
 * JVM of its own with a budget of 1 GiB (and JavaCPP's own native limit at 3 GiB, a safety net the budget must
 * come before). Before, tensors were checked against the JVM heap only: a loop keeping 1000 x 1000 tensors grew
 * the process until JavaCPP's limit failed an allocation without a position, and a 1.6 GB tensor passed.
 */
class MemoryBudgetTest {
    @TempDir
    Path dir;

    private Cli launch(String program) throws IOException, InterruptedException {
        return launch(program, List.of("-Xmx512m", "-Dppl.memory=1g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=3g"));
    }

    private Cli launch(String program, List<String> jvmArgs) throws IOException, InterruptedException {
        Path f = dir.resolve("budget.ppl");
        Files.writeString(f, program);
        Process p = Cli.launch(dir, jvmArgs, "run", f.toString());
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the run did not end");
        } finally {
            p.destroyForcibly();
        }
        return new Cli(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    /** 1000 tensors of 4 MB kept alive (4 GB): the budget stops the loop at the user's line. */
    @Test
    void aLoopKeepingTensorsStopsAtTheBudget() throws IOException, InterruptedException {
        Cli r = launch("let xs = []\nfor i in 0..1000 {\n  xs = [ones(1000, 1000), xs]\n}\nprint(\"all kept\")\n");
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertFalse(r.out().contains("all kept"), r.out());
        assertTrue(r.err().startsWith(dir.resolve("budget.ppl") + ":3:9: error: a tensor of shape [1000, 1000] "
                + "needs 3 MiB, but the memory budget of 1024 MiB has "), r.err());
        assertTrue(r.err().contains("set the budget with PPL_MEMORY=SIZE"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    /** One float32 tensor of 20000 x 20000 (1526 MiB) is over a budget of 1 GiB before anything is allocated. */
    @Test
    void aTensorOverTheBudgetIsRefused() throws IOException, InterruptedException {
        Cli r = launch("let a = zeros(20000, 20000)\nprint(\"made\")\n");
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(dir.resolve("budget.ppl") + ":1:9: error: a tensor of shape [20000, 20000] "
                + "needs 1525 MiB, but the memory budget of 1024 MiB has "), r.err());
    }

    /**
     * The heap (256 MiB) runs out while a list nests ever more small tensors, wherever it strikes (a statement, the
     * collector giving up, closing the context): a runtime error at the user's line 3, exit 2, no stack trace.
     * Before, a "GC overhead limit exceeded" escaped the launcher raw ("Exception in thread main", exit 1), and
     * then came out unplaced ("ppl: error: out of memory") when building the positioned error ran out too.
     */
    @Test
    void theHeapRunningOutIsARuntimeError() throws IOException, InterruptedException {
        Cli r = launch("let xs = []\nfor i in 0..100000000 {\n  xs = [xs, zeros(1000)]\n}\nprint(len(xs))\n",
                List.of("-Xmx256m"));
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("error: out of memory"), r.err());
        assertTrue(r.err().startsWith(dir.resolve("budget.ppl") + ":3:"), r.err());
        assertTrue(r.err().contains("\n    xs = [xs, zeros(1000)]\n    "), r.err()); // the line, then the caret
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    /**
     * The same in the REPL: the error names the input ({@code <repl:2>}) and the spot in it, and the session ends
     * with exit code 2, before reading the next input. Before, it came out unplaced, and a session that tried to go
     * on printed "Compiler initialization failed" for every later input (the compiler's thread had run out too).
     */
    @Test
    void theHeapRunningOutInTheReplEndsTheSessionAtTheInput() throws IOException, InterruptedException {
        Process p = Cli.launch(dir, List.of("-Xmx256m"), "repl");
        try {
            try (var in = p.getOutputStream()) {
                in.write("let xs = []\nfor i in 0..100000000 { xs = [xs, zeros(1000)] }\nprint(40 + 2)\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the session did not end");
        } finally {
            p.destroyForcibly();
        }
        String shown = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8)
                + Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        shown = shown.replace("\r", ""); // the REPL's terminal ends lines with CR LF
        assertEquals(Main.RUNTIME_ERROR, p.exitValue(), shown);
        assertTrue(shown.contains("<repl:2>:1:"), shown);
        assertTrue(shown.contains("error: out of memory") && shown.contains("the session ends"), shown);
        assertTrue(shown.contains("\n  for i in 0..100000000 { xs = [xs, zeros(1000)] }\n  "), shown);
        assertFalse(shown.contains("42"), shown); // the input after it is not run
        assertFalse(shown.contains("Exception") || shown.contains("\tat ") || shown.contains("internal error"),
                shown);
    }

    /**
     * A class whose initialisation memory running out broke fails every later use with "Could not initialize
     * class": that is memory running out too (it escaped the launcher as a raw NoClassDefFoundError, exit 1, on a
     * clean clone's CI run of LauncherTest); other linkage errors are not.
     */
    @Test
    void aClassThatMemoryRunningOutLeftUninitialisedIsMemoryRunningOut() {
        NoClassDefFoundError broken = new NoClassDefFoundError(
                "Could not initialize class com.oracle.truffle.runtime.OptimizedFrameInstance");
        broken.initCause(new ExceptionInInitializerError(
                "Exception java.lang.OutOfMemoryError: GC overhead limit exceeded [in thread \"main\"]"));
        assertTrue(Main.memoryRanOut(broken));
        NoClassDefFoundError other = new NoClassDefFoundError("Could not initialize class a.B");
        other.initCause(new ExceptionInInitializerError("Exception java.lang.IllegalStateException: no [in thread \"main\"]"));
        assertFalse(Main.memoryRanOut(other));
        assertFalse(Main.memoryRanOut(new NoClassDefFoundError("org/example/Missing")));
        assertTrue(Main.memoryRanOut(new LinkageError("wrapped", new OutOfMemoryError("Java heap space"))));
    }

    /** "Compiler initialization failed" is memory running out only when memory did run out. */
    @Test
    void aCompilerThatCannotStartIsNotCalledOutOfMemory() {
        String m = "java.lang.InternalError: Compiler initialization failed";
        assertFalse(Main.outOfMemory(m, false, false, 100L << 20, 1L << 30));
        assertTrue(Main.outOfMemory(m, false, true, 100L << 20, 1L << 30));
        assertTrue(Main.outOfMemory(m, false, false, 1000L << 20, 1L << 30));
        assertTrue(Main.outOfMemory("java.lang.OutOfMemoryError: Java heap space", false, false, 0, 1L << 30));
    }
}
