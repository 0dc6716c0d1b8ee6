package org.ppl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit with checkpoints killed with SIGKILL part-way (as a crash or {@code kill -9} would), then
 * {@code ./ppl run FILE --resume DIR}: the resumed run prints exactly the parameters of an uninterrupted run
 * with the same seed.
 */
class CheckpointKillTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final int STEPS = 30000;

    @TempDir
    Path dir;

    private static final String PROGRAM = """
            model m() {
              mu ~ normal(0, 2)
              k ~ bernoulli(0.3)
              x ~ normal(mu + k, 1)
            }
            model g() {
              param loc = 0.0
              param scale = 1.0 : positive
              param pk = 0.5 : unit_interval
              mu ~ normal(loc, scale)
              k ~ bernoulli(pk)
            }
            let q = fit(elbo(m(), g(), choices { x: 1.5 }), optimizer: adam(0.01), steps: STEPS, particles: 2,
                        seed: 4, samples: 10, checkpoint: "DIR", every: 1000)
            print(q.params)
            """;

    private Process start(Path program, Path out, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ppl").toString(), "run", program.toString(),
                "--allow-path", dir.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile()).start();
    }

    private String run(Path program, String name, String... extra) throws Exception {
        Path out = dir.resolve(name);
        Process p = start(program, out, extra);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the run did not finish");
        String err = Files.readString(out.resolveSibling(name + ".err"));
        assertEquals(0, p.exitValue(), err);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static List<String> checkpoints(Path ck) throws IOException {
        if (!Files.isDirectory(ck)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(ck)) {
            return s.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".ckpt")).sorted().toList();
        }
    }

    @Test
    void aRunKilledWithSigkillResumesToTheUninterruptedResult() throws Exception {
        Path ck = dir.resolve("ck");
        Path program = dir.resolve("long_fit.ppl");
        Files.writeString(program, PROGRAM.replace("STEPS", Integer.toString(STEPS)).replace("DIR", ck.toString()));

        Process p = start(program, dir.resolve("killed"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (checkpoints(ck).size() < 2) { // the second checkpoint: the kill may catch the third being written
            if (!p.isAlive()) {
                fail("the run ended before it was killed: " + Files.readString(dir.resolve("killed.err")));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("no checkpoint appeared in " + ck);
            }
            Thread.sleep(5);
        }
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        List<String> left = checkpoints(ck);
        assertFalse(left.contains("fit1-step" + STEPS + ".ckpt"), "the fit finished before the kill: " + left);
        assertEquals("", Files.readString(dir.resolve("killed")), "killed before it printed");

        String resumed = run(program, "resumed", "--resume", ck.toString());
        assertTrue(checkpoints(ck).contains("fit1-step" + STEPS + ".ckpt"));

        Path fresh = dir.resolve("fresh");
        Files.writeString(program, PROGRAM.replace("STEPS", Integer.toString(STEPS)).replace("DIR", fresh.toString()));
        String uninterrupted = run(program, "uninterrupted");
        assertTrue(uninterrupted.startsWith("{g.loc: "), uninterrupted);
        assertEquals(uninterrupted, resumed);
    }
}
