package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ppl run --summary, --plot, --resume, --quiet} and the builtins behind them, through the launcher's
 * entry point: checkpoints resume to exactly the uninterrupted result.
 */
class FitToolsTest {
    @TempDir
    Path dir;

    /** The command line {@code args}; a {@code run} may use the test's temporary directory (--allow-path). */
    private Cli ppl(String... args) {
        if (args[0].equals("run")) {
            args = Stream.concat(java.util.Arrays.stream(args), Stream.of("--allow-path", dir.toString()))
                    .toArray(String[]::new);
        }
        return Cli.run(args);
    }

    /**
     * Two fits with checkpoints: Adam on a reparameterised and a score-function choice (a running-mean
     * baseline), then SGD with momentum; both fits' parameters, the second's history and a posterior mean are
     * printed in full.
     */
    private String program(Path checkpoints) throws IOException {
        String text = """
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
                let obs = choices { x: 1.5 }
                let a = fit(elbo(m(), g(), obs), optimizer: adam(0.05), steps: 300, particles: 2, seed: 4,
                            samples: 50, checkpoint: "DIR", every: 100)
                let b = fit(elbo(m(), g(), obs), optimizer: sgd(0.01, momentum: 0.9), steps: 200, seed: 5,
                            samples: 50, checkpoint: "DIR", every: 100)
                print(a.params, a.posterior.mu.mean)
                print(b.params, b.objective.history)
                """.replace("DIR", checkpoints.toString());
        Path p = dir.resolve("two_fits.ppl");
        Files.writeString(p, text);
        return p.toString();
    }

    private static List<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOneExactly() throws IOException {
        Path ck = dir.resolve("ck");
        String file = program(ck);
        Cli full = ppl("run", file);
        assertEquals(0, full.code(), full.err());
        // each fit keeps its latest two checkpoints
        assertEquals(List.of("fit1-step200.ckpt", "fit1-step300.ckpt", "fit2-step100.ckpt", "fit2-step200.ckpt"),
                files(ck));

        // killed after fit 2's checkpoint at step 100: fit 1 is restored whole, fit 2 continues
        Files.delete(ck.resolve("fit2-step200.ckpt"));
        Cli resumed = ppl("run", file, "--resume", ck.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(full.out(), resumed.out());

        // killed inside fit 1 after step 200: fit 1 continues, fit 2 starts afresh
        Files.delete(ck.resolve("fit1-step300.ckpt"));
        for (String f : files(ck)) {
            if (f.startsWith("fit2")) {
                Files.delete(ck.resolve(f));
            }
        }
        Files.writeString(ck.resolve(".fit1-step300.ckpt.tmp"), "half a checkpoint"); // killed while writing
        resumed = ppl("run", file, "--resume", ck.toString(), "--summary");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().startsWith(full.out()), resumed.out());
        assertTrue(resumed.out().contains("elbo: 200 steps, 1 particle, objective "), resumed.out());

        Files.delete(ck.resolve("fit1-step300.ckpt"));
        Files.delete(ck.resolve("fit1-step200.ckpt"));
        // a checkpoint that cannot be read is passed over for the one before it
        Files.writeString(ck.resolve("fit1-step250.ckpt"), "not a checkpoint");
        resumed = ppl("run", file, "--resume", ck.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(full.out(), resumed.out());
    }

    @Test
    void aResumeIsRefusedForAnotherProgramOrOtherSettings() throws IOException {
        Path ck = dir.resolve("ck");
        String file = program(ck);
        assertEquals(0, ppl("run", file).code());

        Path other = dir.resolve("other.ppl");
        Files.writeString(other, Files.readString(Path.of(file)).replace("seed: 4", "seed: 6"));
        Cli r = ppl("run", other.toString(), "--resume", ck.toString());
        assertEquals(Main.USAGE, r.code(), r.err());
        assertTrue(r.err().startsWith("ppl: cannot resume " + other + " from " + ck + ": its checkpoints were written "
                + "by another program (" + file + ", SHA-256 "), r.err());
        assertEquals("", r.out());

        r = ppl("run", file, "--resume", ck.toString(), "--estimator", "k=enum");
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith(file + ":14:9: error: fit: cannot resume from " + ck + "/fit1-step300.ckpt: it "
                + "was written by this fit with other settings (objective elbo, steps 300, particles 2, seed 4; now "
                + "objective elbo, steps 300, particles 2, seed 4, --estimator k=enum)"), r.err());

        r = ppl("run", file, "--resume", dir.resolve("none").toString());
        assertEquals(Main.NO_INPUT, r.code());
        assertEquals("ppl: --resume " + dir.resolve("none") + ": no such directory\n", r.err());
        Files.createDirectories(dir.resolve("empty"));
        r = ppl("run", file, "--resume", dir.resolve("empty").toString());
        assertEquals(Main.NO_INPUT, r.code());
        assertTrue(r.err().contains("no checkpoints there"), r.err());
    }

    @Test
    void checkpointArgumentsAreChecked() throws IOException {
        Path p = dir.resolve("bad.ppl");
        Files.writeString(p, """
                model m() { mu ~ normal(0, 1) }
                model g() { param l = 0.0
                  mu ~ normal(l, 1) }
                let q = fit(elbo(m(), g(), choices {}), steps: 10, every: 5)
                """);
        Cli r = ppl("run", p.toString());
        assertEquals(Main.RUNTIME_ERROR, r.code());
        assertTrue(r.err().contains("error: fit: 'every' needs 'checkpoint', the directory to write to"), r.err());
    }

    @Test
    void summaryAndPlotsOfTheLastFit() throws IOException {
        String file = program(dir.resolve("ck"));
        Path plots = dir.resolve("plots");
        Cli r = ppl("run", file, "--summary", "--plot", plots.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        int at = lines.length - 6;
        assertTrue(lines[at].startsWith("elbo: 200 steps, 1 particle, objective "), r.out());
        assertTrue(lines[at + 1].matches(" +mean +mcse +sd +5% +50% +95%"), lines[at + 1]);
        assertTrue(lines[at + 2].matches("mu +-?[0-9]+\\.[0-9]{3}( +-?[0-9]+\\.[0-9]{3}){5}"), lines[at + 2]);
        assertTrue(lines[at + 3].matches("k +[01]\\.[0-9]{3}( +[01]\\.[0-9]{3}){5}"), lines[at + 3]);
        assertTrue(lines[at + 4].matches("ESS of the importance weights p\\(x, z\\) / q\\(z\\): [0-9.]+ of 50 guide "
                + "draws"), lines[at + 4]);
        assertTrue(lines[at + 5].matches("PSIS k-hat of the weights: .*"), lines[at + 5]);
        assertEquals("ppl: wrote 3 plots to " + plots + "\n", r.err());
        assertEquals(List.of("objective.png", "posterior-k.png", "posterior-mu.png"), files(plots));
        for (String f : files(plots)) {
            byte[] png = Files.readAllBytes(plots.resolve(f));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), f);
            BufferedImage image = ImageIO.read(plots.resolve(f).toFile());
            assertEquals(800, image.getWidth());
            assertEquals(500, image.getHeight());
        }
        // no progress bar: the error stream is not a terminal here
        assertFalse(r.err().contains("\r"));
    }

    @Test
    void summaryAndPlotBuiltins() throws IOException {
        Path plots = dir.resolve("builtin-plots");
        Path p = dir.resolve("b.ppl");
        Files.writeString(p, """
                model m() {
                  mu ~ normal(0, 1)
                  x ~ normal(mu, 1)
                }
                model g() {
                  param l = 0.0
                  mu ~ normal(l, 1)
                }
                let q = fit(elbo(m(), g(), choices { x: 1 }), steps: 20, samples: 30)
                summary(q)
                print(plot(q, "DIR"))
                summary(m)
                """.replace("DIR", plots.toString()));
        Cli r = ppl("run", p.toString());
        assertEquals(Main.RUNTIME_ERROR, r.code());
        assertTrue(r.out().startsWith("elbo: 20 steps, 1 particle, objective "), r.out());
        assertTrue(r.out().contains("\nESS of the importance weights p(x, z) / q(z): "), r.out());
        assertTrue(r.out().contains("[\"" + plots.resolve("objective.png") + "\", \"" + plots.resolve("posterior-mu.png")
                + "\"]"), r.out());
        assertTrue(r.err().contains("error: summary: expected the result of fit(...), got model 'm'"), r.err());

        Cli none = ppl("run", p.toString().replace("b.ppl", "none.ppl"));
        assertEquals(Main.NO_INPUT, none.code());
        Files.writeString(dir.resolve("nofit.ppl"), "print(1)\n");
        Cli nofit = ppl("run", dir.resolve("nofit.ppl").toString(), "--summary");
        assertEquals(0, nofit.code());
        assertEquals("ppl: --summary: the program ran no fit\n", nofit.err());
    }

    @Test
    void aSandboxedProgramCannotWriteCheckpointsOrPlots() {
        String model = """
                model m() {
                  mu ~ normal(0, 1)
                  x ~ normal(mu, 1)
                }
                model g() {
                  param l = 0.0
                  mu ~ normal(l, 1)
                }
                """;
        Path ck = dir.resolve("sandboxed");
        org.ppl4j.embed.PplException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.ppl4j.embed.PplException.class, () -> {
                    try (var p = org.ppl4j.embed.Ppl.compile(model + "fit(elbo(m(), g(), choices { x: 1 }), steps: 5, "
                            + "checkpoint: \"" + ck + "\", every: 1)\n", "s.ppl")) {
                        p.run();
                    }
                });
        assertTrue(e.getMessage().contains("fit: access to " + ck + " is not allowed: it is outside the paths this "
                + "program may use (no path is allowed); allow it with PplOptions.withAllowedPath(path)"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.ppl4j.embed.PplException.class, () -> {
            try (var p = org.ppl4j.embed.Ppl.compile(model + "let q = fit(elbo(m(), g(), choices { x: 1 }), steps: 5)\n"
                    + "plot(q, \"" + ck + "\")\n", "s.ppl")) {
                p.run();
            }
        });
        assertTrue(e.getMessage().contains("plot: access to " + ck + " is not allowed: it is outside the paths this "
                + "program may use (no path is allowed); allow it with PplOptions.withAllowedPath(path)"), e.getMessage());
        assertFalse(Files.exists(ck));
    }
}
