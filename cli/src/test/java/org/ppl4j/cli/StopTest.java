package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --timeout} stops what the program is doing where it can and reports what it reached: no builtin (a
 * matrix product, a loader) starts after the limit, a fit stops after its current step and keeps that step
 * (JSON with "stopped": "timeout", the summary, a checkpoint); a read blocked on a pipe: {@link LoaderStopTest}. No
 * assertion is on a duration: each checks what ran and what was printed.
 */
class StopTest {
    @TempDir
    Path dir;

    /**
     * Three products of 2500 x 2500 matrices (31 GFLOP each, well over 0.3 s on one thread) with prints between:
     * once the limit has passed, the next builtin (a product or a print) does not start, so "three" is never
     * printed. Before, all three ran and the timeout was reported afterwards.
     */
    @Test
    void noBuiltinStartsAfterTheLimit() throws IOException {
        Path f = dir.resolve("products.ppl");
        Files.writeString(f, "let a = ones(2500, 2500)\nlet b = a @ a\nprint(\"one\")\nlet c = b @ a\nprint(\"two\")\n"
                + "let d = c @ a\nprint(\"three\")\n");
        Cli r = CommandsTest.ppl("run", f.toString(), "--timeout", "0.3");
        assertEquals(Main.TIMEOUT, r.code(), r.err());
        assertFalse(r.out().contains("three"), r.out());
        assertEquals("ppl: the program ran longer than 0.3 seconds\n", r.err());
    }

    /**
     * A stop asked for while an operator runs: {@code a @ a} of 1200 x 1200 matrices (1.7e9 multiply-adds) runs in 9
     * tiles of about 2^28, and the stop is taken up after the first, so the product never completes and
     * {@code b} is never defined. Before, an operator was no cancellation point and the product ran to its end.
     */
    @Test
    void aStopIsTakenUpInsideALargeProduct() {
        org.ppl4j.runtime.Stop stop = org.ppl4j.runtime.Stop.create();
        try (org.graalvm.polyglot.Context context = org.graalvm.polyglot.Context.newBuilder("ppl")
                .option("ppl.Stop", stop.token()).option("engine.WarnInterpreterOnly", "false").build()) {
            context.eval("ppl", "let a = ones(1200, 1200)\n");
            stop.request("timeout");
            org.graalvm.polyglot.PolyglotException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.graalvm.polyglot.PolyglotException.class, () -> context.eval("ppl", "let b = a @ a\n"));
            assertEquals("stopped (timeout) during a matrix product", e.getMessage());
            assertFalse(context.getBindings("ppl").hasMember("b"));
        } finally {
            stop.close();
        }
    }

    /** A fit of 10^8 steps of one parameter, checkpointing into {@code checkpoints} every {@code every} steps. */
    static String longFit(Path checkpoints, int every) {
        return """
                model m() {
                  x ~ normal(3, 1)
                }
                model g() {
                  param mu = 0.0
                  x ~ normal(mu, 1)
                }
                let q = fit(elbo(m(), g(), choices {}), steps: 100000000, checkpoint: "CK", every: EVERY)
                """.replace("CK", checkpoints.toString().replace("\\", "/")).replace("EVERY", Integer.toString(every));
    }

    @Test
    void aFitStoppedByTheTimeoutReportsTheStepItReached() throws IOException {
        Path f = dir.resolve("long_fit.ppl");
        Path checkpoints = dir.resolve("ck");
        Files.writeString(f, longFit(checkpoints, 100000000));
        // a short fit first, so that the classes are loaded and the long one is well under way at the limit
        Path warm = dir.resolve("warm.ppl");
        Files.writeString(warm, Files.readString(f).replace("100000000", "20"));
        assertEquals(0, CommandsTest.ppl("run", warm.toString(), "--quiet", "--allow-path", dir.toString()).code());
        Cli r = CommandsTest.ppl("run", f.toString(), "--timeout", "4", "--json", "--summary", "--allow-path", dir.toString());
        assertEquals(Main.TIMEOUT, r.code(), r.err());
        Matcher m = Pattern.compile("fit stopped after step (\\d+) of 100000000 \\(timeout\\)").matcher(r.err());
        assertTrue(m.find(), r.err());
        int step = Integer.parseInt(m.group(1));
        assertTrue(r.err().startsWith("ppl: the program ran longer than 4 seconds; "), r.err());
        assertTrue(Pattern.compile("\"stopped\":\"timeout\",\"stopped_after_step\":" + step + "[,}]").matcher(r.out()).find(),
                r.out());
        assertTrue(r.out().contains("\"settings\":{\"objective\":"), r.out()); // the settings of the stopped fit
        assertTrue(r.out().startsWith("{\"params\":{\"g.mu\":"), r.out());
        // the summary of what it reached, saying that the fit stopped short (it said "100000000 steps" alone)
        assertTrue(r.err().contains("elbo: 100000000 steps asked, stopped after step " + step
                + " (timeout; the parameters of that step), 1 particle"), r.err());
        // the checkpoint of the step it stopped after, although it was due only at the end
        assertTrue(Files.exists(checkpoints.resolve("fit1-step" + step + ".ckpt")), r.err());
    }
}
