package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplProgram;

/**
 * A fit that diverges part-way stops with the parameter and step named, and keeps its last good step as the
 * result: the parameters equal, bit for bit, those of the same fit (same seed) stopped one step before.
 */
class DivergedFitTest {
    @TempDir
    Path dir;

    /**
     * The ELBO is -a^2/2 + const; plain SGD with step 100 multiplies a by about -99 each step, until x^2 (x ~ a)
     * overflows and the objective is not finite, a still is (about 80 steps in). STEPS is replaced by the
     * number of steps.
     */
    private static final String PROGRAM = """
            model m() {
              x ~ normal(0, 1)
              y ~ normal(0, 1)
            }
            model g() {
              param a = 1.0
              x ~ normal(a, 1)
              y ~ normal(0, 1)
            }
            let q = fit(elbo(m(), g(), choices {}), optimizer: sgd(100), steps: STEPS, seed: 3, samples: 20)
            print(q.params)
            """;

    private static final Pattern DIVERGED = Pattern.compile(
            "fit diverged at step (\\d+): the (objective|gradient of g\\.a) is (NaN|-?Infinity)");

    @Test
    void theResultKeepsTheLastGoodStep() {
        int step;
        FitResult kept;
        try (PplProgram p = Ppl.compile(PROGRAM.replace("STEPS", "1000"), "diverges.ppl")) {
            PplException e = assertThrows(PplException.class, p::run);
            Matcher m = DIVERGED.matcher(e.reason());
            assertTrue(m.find(), e.getMessage());
            step = Integer.parseInt(m.group(1));
            assertTrue(step > 1, "diverged before any step completed: " + e.reason());
            assertTrue(e.reason().endsWith("; the last fit's result keeps the parameters from before step " + step),
                    e.reason());
            assertEquals(10, e.line());
            kept = p.lastFit();
        }
        assertEquals(step, kept.divergedAtStep());
        assertNotNull(kept.divergence());
        assertEquals(step - 1, kept.history().length);
        for (double v : kept.history()) {
            assertTrue(Double.isFinite(v), "history " + java.util.Arrays.toString(kept.history()));
        }
        // the same fit stopped before the step that diverged
        FitResult before;
        try (PplProgram p = Ppl.compile(PROGRAM.replace("STEPS", Integer.toString(step - 1)), "stops.ppl")) {
            before = p.run().lastFit();
        }
        assertEquals(0, before.divergedAtStep());
        assertEquals(before.param("g.a"), kept.param("g.a"), 0.0);
        assertTrue(Double.isFinite(kept.param("g.a")) && Math.abs(kept.param("g.a")) > 1e100,
                "the kept parameter is the last good one: " + kept.param("g.a"));
        assertEquals(java.util.Arrays.toString(before.history()), java.util.Arrays.toString(kept.history()));
        // y's draws depend on the random source alone: equal only if it is put back as the failing step found it
        assertEquals(before.posterior("y").mean(), kept.posterior("y").mean(), 0.0);
        assertEquals(before.posterior("y").q95(), kept.posterior("y").q95(), 0.0);
    }

    @Test
    void theCommandLineReportsTheLastGoodStep() throws IOException {
        Path p = dir.resolve("diverges.ppl");
        Files.writeString(p, PROGRAM.replace("STEPS", "1000"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(new String[] {"run", p.toString(), "--json", "--summary"}, o, e);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        String json = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals(Main.RUNTIME_ERROR, code, stderr);
        assertTrue(stderr.startsWith(p + ":10:9: error: fit diverged at step "), stderr);
        Matcher m = DIVERGED.matcher(stderr);
        assertTrue(m.find(), stderr);
        int step = Integer.parseInt(m.group(1));
        // the JSON of the last good step on standard output, the summary table on standard error
        assertTrue(json.startsWith("{\"params\":{\"g.a\":"), json);
        assertTrue(json.contains("\"diverged\":{\"step\":" + step + ","), json);
        assertTrue(stderr.contains("elbo: 1000 steps (diverged at step " + step + "; the parameters from before it), 1 "
                + "particle, objective "), stderr);
        assertTrue(stderr.matches("(?s).*\nx +-?[0-9.]+(e[-+][0-9]+)? .*"), stderr);
    }

    /**
     * SGD with step 1 from a = 1 moves a by d/da E[-(x + 5)^2 / 2] = -(log a + 5) / a = -5 to a = -4, so the second
     * step gives normal a NaN mean (log of a negative number): a divergence at step 2 naming the argument and the
     * user's line, with the parameters of step 1 kept.
     */
    private static final String NAN_ARGUMENT = """
            model m() {
              x ~ normal(-5, 1)
            }
            model g() {
              param a = 1.0
              x ~ normal(log(a), 1)
            }
            let q = fit(elbo(m(), g(), choices {}), optimizer: sgd(1), steps: STEPS, seed: 3, samples: 20)
            print(q.params)
            """;

    @Test
    void aNonFiniteDistributionArgumentIsADivergence() {
        FitResult kept;
        try (PplProgram p = Ppl.compile(NAN_ARGUMENT.replace("STEPS", "50"), "nan_argument.ppl")) {
            PplException e = assertThrows(PplException.class, p::run);
            assertTrue(e.reason().startsWith("fit diverged at step 2: the argument 'mu' of normal is NaN at "
                    + "nan_argument.ppl:6:7 (last finite objective: "), e.reason());
            assertEquals(8, e.line());
            kept = p.lastFit();
        }
        assertEquals(2, kept.divergedAtStep());
        // the parameters step 1 left (negative: log(a) is NaN there, so the summary runs fail and it has no posterior)
        assertTrue(kept.param("g.a") < 0 && Double.isFinite(kept.param("g.a")), "kept " + kept.param("g.a"));
        assertEquals(1, kept.history().length);
        assertTrue(Double.isFinite(kept.history()[0]));
    }

    /** sgd(1e308) moves mu by about 5e308: infinite, although the objective at the start was finite. */
    @Test
    void aParameterMadeInfiniteByTheUpdateIsADivergence() throws IOException {
        Path p = dir.resolve("inf.ppl");
        Files.writeString(p, """
                model m() {
                  x ~ normal(5, 1)
                }
                model g() {
                  param mu = 0.0
                  x ~ normal(mu, 1)
                }
                let q = fit(elbo(m(), g(), choices {}), optimizer: sgd(1e308), steps: 10, seed: 3, samples: 20)
                print(q.params)
                """);
        Cli r = CommandsTest.ppl("run", p.toString(), "--json");
        String stderr = r.err();
        String json = r.out().trim();
        assertEquals(Main.RUNTIME_ERROR, r.code(), stderr);
        assertTrue(stderr.startsWith(p + ":8:9: error: fit diverged at step 1: the update makes g.mu Infinity "
                + "(no step completed)"), stderr);
        assertTrue(json.startsWith("{\"params\":{\"g.mu\":0"), json);
        assertTrue(json.contains("\"diverged\":{\"step\":1,"), json);
    }
}
