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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fits with checkpoints killed with SIGKILL (as a crash or {@code kill -9} would) at 20 random moments, two
 * processes at a time, then {@code ./ppl run FILE --resume DIR}: every resume starts from the last complete
 * checkpoint the kill left and prints exactly the parameters of an uninterrupted run with the same seed.
 *
 * <p>The moments: for run i, a seeded random choice of the checkpoint to wait for (after step 100 to 1000 of
 * 2000, every 100 steps) and of a delay after it of 0 to 99 ms, so that kills land anywhere in a step, in the
 * objective, in the optimiser, or while a checkpoint is being written, forced or renamed. A moment that comes
 * too late (the fit already ended, on a loaded machine) is replaced by the run's next random moment.
 */
class CheckpointKillTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    static final int STEPS = 2000;
    static final int EVERY = 100;
    static final int RUNS = Integer.getInteger("ppl.kill.runs", 20);
    static final long SEED = Long.getLong("ppl.kill.seed", 20251128L);

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
                        seed: 4, samples: 10, checkpoint: "DIR", every: EVERY)
            print(q.params)
            """;

    /** The program of run {@code name}, writing its checkpoints to its own directory. */
    private Path program(String name) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name));
        Path p = run.resolve("fit.ppl");
        Files.writeString(p, PROGRAM.replace("STEPS", Integer.toString(STEPS)).replace("EVERY", Integer.toString(EVERY))
                .replace("DIR", run.resolve("ck").toString()));
        return p;
    }

    private Process start(Path program, String out, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ppl").toString(), "run", program.toString(),
                "--allow-path", dir.toString(), "--quiet"));
        cmd.addAll(List.of(extra));
        Path o = program.resolveSibling(out);
        return new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(o.toFile())
                .redirectError(o.resolveSibling(out + ".err").toFile()).start();
    }

    private String run(Path program, String out, String... extra) throws Exception {
        Process p = start(program, out, extra);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the run did not finish");
        String err = Files.readString(program.resolveSibling(out + ".err"));
        assertEquals(0, p.exitValue(), err);
        return Files.readString(program.resolveSibling(out), StandardCharsets.UTF_8);
    }

    /** The steps of the complete checkpoints in {@code ck} (written whole, then renamed: never partial). */
    private static List<Integer> steps(Path ck) throws IOException {
        if (!Files.isDirectory(ck)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(ck)) {
            return s.map(f -> f.getFileName().toString()).filter(f -> f.matches("fit1-step[0-9]+\\.ckpt"))
                    .map(f -> Integer.parseInt(f.substring("fit1-step".length(), f.length() - ".ckpt".length())))
                    .sorted().toList();
        }
    }

    /** The step of the latest complete checkpoint in {@code ck}, or 0 when there is none yet. */
    private static int latest(Path ck) throws IOException {
        List<Integer> s = steps(ck); // one listing: the fit keeps writing and deleting beside us
        return s.isEmpty() ? 0 : s.get(s.size() - 1);
    }

    private static boolean writing(Path ck) throws IOException {
        try (Stream<Path> s = Files.list(ck)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    /** What one killed and resumed run saw. */
    record Outcome(int waitedFor, int delayMs, int resumedAfter, boolean caughtAWrite) {
    }

    /**
     * Starts run {@code i}, kills it {@code delayMs} after its checkpoint of step {@code waitFor} appears, and
     * resumes it; null when the fit finished before the kill could land (a heavily loaded machine), so that the
     * caller tries another moment.
     */
    private Outcome killAndResume(int i, int attempt, int waitFor, int delayMs, String expected) throws Exception {
        Path program = program("run" + i + "-" + attempt);
        Path ck = program.resolveSibling("ck");
        Process p = start(program, "killed");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (latest(ck) < waitFor) {
            if (!p.isAlive()) {
                fail("run " + i + " ended before it was killed: " + Files.readString(ck.resolveSibling("killed.err")));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("run " + i + ": no checkpoint of step " + waitFor + " appeared in " + ck);
            }
            Thread.sleep(1);
        }
        Thread.sleep(delayMs);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        List<Integer> left = steps(ck);
        boolean caught = writing(ck);
        if (left.contains(STEPS)) {
            return null;
        }
        assertEquals("", Files.readString(ck.resolveSibling("killed")), "run " + i + " was killed before it printed");
        int last = left.get(left.size() - 1);

        String resumed = run(program, "resumed", "--resume", ck.toString(), "--summary");
        assertTrue(resumed.startsWith(expected), "run " + i + ": resumed\n" + resumed + "uninterrupted\n" + expected);
        assertTrue(resumed.contains("elbo: " + STEPS + " steps (resumed after step " + last + "), 2 particles"),
                "run " + i + " resumed from the last complete checkpoint, step " + last + ": " + resumed);
        assertTrue(steps(ck).contains(STEPS));
        return new Outcome(waitFor, delayMs, last, caught);
    }

    /** Run {@code i}: up to three seeded random moments, until one kills the fit before it ends. */
    private Outcome killAndResume(int i, Random random, String expected) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            int waitFor = EVERY * (1 + random.nextInt(STEPS / EVERY / 2));
            int delay = random.nextInt(100);
            Outcome o = killAndResume(i, attempt, waitFor, delay, expected);
            if (o != null) {
                return o;
            }
        }
        return fail("run " + i + ": the fit finished before the kill three times");
    }

    @Test
    void runsKilledAtRandomMomentsResumeToTheUninterruptedResult() throws Exception {
        String expected = run(program("uninterrupted"), "out");
        assertTrue(expected.startsWith("{g.loc: "), expected);

        Random random = new Random(SEED);
        ExecutorService pool = Executors.newFixedThreadPool(2); // two processes at a time
        List<Future<Outcome>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < RUNS; i++) {
                int run = i;
                Random own = new Random(random.nextLong()); // each run's moments, whatever the others do
                futures.add(pool.submit(() -> killAndResume(run, own, expected)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get(10, TimeUnit.MINUTES));
            }
            long caught = outcomes.stream().filter(Outcome::caughtAWrite).count();
            System.out.println("checkpoint kill test: " + RUNS + " runs killed with SIGKILL and resumed, all equal to the"
                    + " uninterrupted run; " + caught + " kills caught a checkpoint being written; resumed after steps "
                    + outcomes.stream().map(o -> Integer.toString(o.resumedAfter())).toList());
        } finally {
            pool.shutdownNow();
        }
    }
}
