package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code ppl run} stops like {@code --timeout}: the launcher runs in a JVM of its own, gets SIGINT
 * once its fit is under way (its first checkpoint is written), and ends with exit 130 after printing what the fit
 * reached: the JSON with {@code "stopped": "interrupted"}, the summary, a checkpoint of the step it stopped after.
 * Before, SIGINT ended the JVM at once (exit 130) and printed nothing.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCStopsAFitAndReportsTheStepItReached() throws IOException, InterruptedException {
        assumeUnix();
        Path f = dir.resolve("long_fit.ppl");
        Path checkpoints = dir.resolve("ck");
        Files.writeString(f, StopTest.longFit(checkpoints, 50));
        Process p = Cli.launch(dir, List.of(), "run", f.toString(), "--json", "--summary", "--allow-path",
                dir.toString());
        try {
            long waited = 0;
            while (!hasCheckpoint(checkpoints) && p.isAlive() && waited < 300_000) {
                Thread.sleep(100);
                waited += 100;
            }
            assertTrue(p.isAlive() && hasCheckpoint(checkpoints), "the fit did not start: "
                    + Files.readString(dir.resolve("err.txt")));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not stop after SIGINT");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertEquals(Main.INTERRUPTED, p.exitValue(), err);
        Matcher m = Pattern.compile("^ppl: interrupted \\(Ctrl-C\\); fit stopped after step (\\d+) of 100000000 "
                + "\\(interrupted\\)").matcher(err);
        assertTrue(m.find(), err);
        int step = Integer.parseInt(m.group(1));
        assertTrue(Pattern.compile("\"stopped\":\"interrupted\",\"stopped_after_step\":" + step + "[,}]")
                .matcher(out).find(), out);
        assertTrue(out.startsWith("{\"params\":{\"g.mu\":"), out);
        assertTrue(err.contains("elbo: 100000000 steps asked, stopped after step " + step + " (interrupted;"), err);
        assertTrue(Files.exists(checkpoints.resolve("fit1-step" + step + ".ckpt")), err);
    }

    private static boolean hasCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".ckpt"));
        }
    }

    private static void assumeUnix() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/kill"))
                || Files.isExecutable(Path.of("/usr/bin/kill")), "no kill command to send SIGINT");
        // a build started in the background of a shell without job control ignores SIGINT, and so would the
        // launched JVM (an ignored signal stays ignored across exec): Ctrl-C could not reach it
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("SigIgn:")) {
                    long ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    org.junit.jupiter.api.Assumptions.assumeTrue((ignored & 2) == 0,
                            "SIGINT is ignored in this process (started in the background), so in its children too");
                }
            }
        }
    }
}
