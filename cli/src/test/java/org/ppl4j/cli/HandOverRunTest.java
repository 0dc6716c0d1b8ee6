package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of ppl run's hand-over that need no second JVM: the filter of its standard error, its flags. */
class HandOverRunTest {
    private static String passed(String stderr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HandOverRun.passErrors(new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8)), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theJvmsOwnFirstLinesAreDroppedAndNothingElse() {
        String warning = HandOverRun.INCUBATOR_WARNING + "\n";
        assertEquals("an error\nmore\n", passed("1 compiler directives added\n" + warning + "an error\nmore\n"));
        assertEquals("an error\n", passed(warning + "an error\n"));
        assertEquals("an error\n" + warning, passed("an error\n" + warning)); // only at the start
        assertEquals("first\nsecond", passed("first\nsecond"));
        assertEquals("no newline", passed("no newline"));
        assertEquals("", passed(""));
        assertEquals("", passed(warning));
        // a line that only starts like the warning is the program's
        assertEquals(HandOverRun.INCUBATOR_WARNING + " and more\n", passed(HandOverRun.INCUBATOR_WARNING
                + " and more\n"));
        assertEquals("12 compiler directives added here\n", passed("12 compiler directives added here\n"));
    }

    /**
     * A progress bar's redraw (a write that starts with a carriage return) on standard error is not something
     * seen, since the second JVM draws its own bar over it; any other write is, and on standard output a redraw
     * counts too.
     */
    @Test
    void aRedrawnLineOnStandardErrorIsNotSeen() {
        HandOverRun.Seen seen = new HandOverRun.Seen();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        java.io.PrintStream err = seen.track(new java.io.PrintStream(sink, true, StandardCharsets.UTF_8), true);
        err.print("\rfit elbo   3% 600/20000");
        err.print("\r" + " ".repeat(30) + "\r");
        assertFalse(seen.any(), "a redraw was counted");
        assertEquals("\rfit elbo   3% 600/20000\r" + " ".repeat(30) + "\r",
                sink.toString(StandardCharsets.UTF_8), "the redraws did not reach the stream");
        err.println();
        assertTrue(seen.any(), "a line's end was not counted");

        HandOverRun.Seen out = new HandOverRun.Seen();
        out.track(new java.io.PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).print("\rx");
        assertTrue(out.any(), "a carriage return on standard output was not counted");
    }

    @Test
    void theSecondJvmHasTheOwnKernelsAndNoLimitToC1() {
        List<String> cmd = HandOverRun.command(List.of("run", "x.ppl"), 42);
        assertTrue(cmd.contains("--add-modules=jdk.incubator.vector"), cmd.toString());
        assertTrue(cmd.contains("-Dppl.kernels=vector"), cmd.toString());
        assertTrue(cmd.contains("-D" + HandOverRun.SINCE + "=42"), cmd.toString());
        assertTrue(cmd.stream().noneMatch(a -> a.startsWith("-XX:TieredStopAtLevel")), cmd.toString());
        assertTrue(cmd.stream().noneMatch(a -> a.startsWith("-D" + HandOverRun.ALLOWED)), cmd.toString());
        assertEquals(List.of(Main.class.getName(), "run", "x.ppl"), cmd.subList(cmd.size() - 3, cmd.size()));
    }
}
