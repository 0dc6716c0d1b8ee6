package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;

/** The progress line: what it says, within the terminal's width. */
class FitProgressTest {
    @Test
    void lineShowsStepRateTimeLeftAndObjective() {
        String line = FitProgress.line("fit elbo", 900, 2000, 0, 3_000_000_000L, "objective -6.12", 100);
        assertEquals("fit elbo  45% " + "█".repeat(13) + "▌" + " ".repeat(16)
                + "  900/2000  300 steps/s  0:04 left  objective -6.12", line);
        assertTrue(line.length() <= 100);
    }

    @Test
    void aResumedFitCountsItsRateFromWhereItResumed() {
        String line = FitProgress.line("fit elbo", 1500, 2000, 1000, 2_000_000_000L, "", 100);
        assertTrue(line.contains(" 1500/2000  250 steps/s  0:02 left"), line);
    }

    @Test
    void theEndSaysHowLongItTookAndANarrowTerminalDropsTheBar() {
        String end = FitProgress.line("fit elbo", 2000, 2000, 0, 65_000_000_000L, "objective -6", 100);
        assertTrue(end.contains("█ 2000/2000  30.8 steps/s  1:05 taken  objective -6"), end);
        String narrow = FitProgress.line("fit elbo", 10, 2000, 0, 1_000_000_000L, "objective -6", 50);
        assertEquals("fit elbo   0% 10/2000  10.0 steps/s  3:19 left  ob", narrow);
        assertEquals(50, narrow.length());
        String start = FitProgress.line("fit elbo", 0, 2000, 0, 0, "", 100);
        assertEquals("fit elbo   0% " + " ".repeat(30) + "    0/2000", start);
    }

    @Test
    void drawsOnTheStreamAndEndsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        FitProgress progress = new FitProgress(err, 100, "fit t", 50, 0);
        Fit.run(FitTest.QUADRATIC, new ParamStore(), FitOptions.builder().steps(50).listener(progress).build(),
                new Rng(1));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r"), out);
        assertTrue(out.endsWith("\n"), out);
        String last = out.substring(out.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("fit t 100% ") && last.contains(" 50/50"), last);
        assertTrue(last.contains("objective "), last);
    }
}
