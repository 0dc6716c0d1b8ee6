package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
