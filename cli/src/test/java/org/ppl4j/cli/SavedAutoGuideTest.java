package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit of an automatic guide saved with {@code save_fit} is enough on its own: {@code load_fit} rebuilds the guide
 * from the saved entry (kind, options, the model's sites) and the model from the program by name, so a second
 * program's {@code draws} and {@code predict} equal, draw for draw, the first program's (same seed), tracked
 * quantities included. And {@code track} values reach a minibatch fit's summary.
 */
class SavedAutoGuideTest {
    @TempDir
    Path dir;

    private static final String MODEL = """
            model m() {
              mu ~ normal(0, 10)
              tau ~ halfnormal(5)
              w ~ dirichlet(tensor([1, 1, 1]))
              k ~ bernoulli(0.3)
              track sq = mu * mu
              for i in 0..4 {
                let v = y[i] ~ normal(mu + k, tau)
                track r[i] = v - mu
              }
            }
            model kguide() {
              param pk = 0.5 : unit_interval
              k ~ bernoulli(pk)
            }
            """;

    private Cli run(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, MODEL + body);
        Cli r = Cli.run("run", p.toString(), "--allow-path", dir.toString());
        assertEquals(0, r.code(), name + ": " + r.err());
        return r;
    }

    @Test
    void drawsAndPredictFromALoadedAutoGuideEqualTheFittedOnes() throws IOException {
        for (String guide : List.of("auto_normal", "auto_mvnormal", "auto_lowrank", "auto_flow", "auto_delta")) {
            String file = dir.resolve(guide + ".npz").toString();
            String use = """
                    let d = draws(q, 5)
                    let p = predict(m(), q, samples: 5, vectorise: false)
                    print(d)
                    print(p)
                    """;
            Cli fitted = run(guide + "_fit.ppl", """
                    let obs = choices { y: [3.1, 5.2, 2.4, 4.8] }
                    let q = fit(elbo(m(), %s(m(), obs, rest: kguide()), obs), optimizer: adam(0.05), steps: 200,
                                particles: 2, seed: 3, samples: 20)
                    save_fit(q, "%s")
                    """.formatted(guide, file) + use);
            Cli loaded = run(guide + "_load.ppl", "let q = load_fit(\"" + file + "\")\n" + use);
            assertEquals(fitted.out(), loaded.out(), guide);
            String[] lines = loaded.out().split("\n");
            assertTrue(lines[0].contains("sq: [") && lines[0].contains("r[3]: [") && lines[0].contains("w: ["),
                    guide + ": draws with the tracked quantities: " + lines[0]);
            assertTrue(lines[1].contains("y[0]: [") && lines[1].contains("r[0]: ["), guide + ": " + lines[1]);
        }
    }

    /** The draws are of the saved parameters: a fit saved after other steps draws otherwise. */
    @Test
    void theLoadedGuideHasTheSavedParameters() throws IOException {
        String[] outs = new String[2];
        for (int steps : new int[] {0, 200}) {
            String file = dir.resolve("s" + steps + ".npz").toString();
            run("s" + steps + ".ppl", """
                    let obs = choices { y: [3.1, 5.2, 2.4, 4.8] }
                    let q = fit(elbo(m(), auto_normal(m(), obs, rest: kguide()), obs), optimizer: adam(0.05),
                                steps: %d, seed: 3, samples: 2)
                    save_fit(q, "%s")
                    """.formatted(steps, file));
            outs[steps == 0 ? 0 : 1] = run("l" + steps + ".ppl", "print(mean(draws(load_fit(\"" + file
                    + "\"), 2000).mu))\n").out().trim();
        }
        assertNotEquals(outs[0], outs[1]);
        // 200 steps of adam(0.05) move mu's location from 0 towards the posterior mean 3.9: far beyond 4 standard
        // errors (scale 0.1 at the start, 2000 draws)
        assertTrue(Math.abs(Double.parseDouble(outs[0])) < 4 * 0.1 / Math.sqrt(2000), outs[0]);
        assertTrue(Double.parseDouble(outs[1]) > 2, outs[1]);
    }

    /**
     * An amortised guide's encoder is a function of the data: load_fit says to build the guide again, and the route
     * it names (the guide built on new data, fit with init: load_fit(...), steps: 0) has the saved encoder.
     */
    @Test
    void anAmortisedGuideIsRebuiltByTheProgram() throws IOException {
        String file = dir.resolve("amortised.npz").toString();
        Path fit = dir.resolve("a.ppl");
        String latent = """
                model latent(x) {
                  local {
                    let zs = z ~ normal(zeros(len(x)), 1)
                    y ~ normal(zs, 0.5)
                  }
                }
                model enc(x) {
                  param w = 0.0
                  return { z: { loc: w * x, log_scale: zeros(len(x)) } }
                }
                """;
        Files.writeString(fit, latent + """
                let d = tensor([1.0, -0.5])
                let q = fit(elbo(latent(d), auto_normal(latent(d), choices { y: d }, amortise: enc(d)),
                                 choices { y: d }), steps: 5, samples: 2)
                save_fit(q, "%s")
                """.formatted(file));
        assertEquals(0, Cli.run("run", fit.toString(), "--allow-path", dir.toString()).code());
        Path load = dir.resolve("b.ppl");
        Files.writeString(load, latent + "let s = draws(load_fit(\"" + file + "\"), 3)\n");
        Cli r = Cli.run("run", load.toString(), "--allow-path", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("b.ppl:11:") && r.err().contains("is amortised by the encoder enc")
                && r.err().contains("init: load_fit(...)"), r.err());
        Path again = dir.resolve("c.ppl");
        Files.writeString(again, latent + """
                let e = tensor([3.0, -1.0, 0.5])
                let r = fit(elbo(latent(e), auto_normal(latent(e), choices { y: e }, amortise: enc(e)), choices { y: e }),
                            init: load_fit("%s"), steps: 0, samples: 2)
                print(r.params["enc.w"] == load_fit("%s").params["enc.w"], r.params["enc.w"] != 0, shape(draws(r, 4).z))
                """.formatted(file, file));
        Cli c = Cli.run("run", again.toString(), "--allow-path", dir.toString());
        assertEquals(0, c.code(), c.err());
        assertEquals("true true [4, 3]", c.out().trim());
    }

    /**
     * A minibatch fit's summary has the tracked quantities, computed by running the model on the whole data at S =
     * 400 guide draws: track twice = 2 * mu, so half its mean is mu's mean (from S other draws, the batches') within
     * 4 standard errors of the difference, sqrt(sd(mu)^2 / S + (sd(twice) / 2)^2 / S); a per-datum track has one
     * row per data point of the whole data set (dz[7]; a batch has 4), as draws(q, n) has.
     */
    @Test
    void aMinibatchFitsSummaryHasTheTrackedQuantities() throws IOException {
        Path p = dir.resolve("mb.ppl");
        Files.writeString(p, """
                model h(x) {
                  mu ~ normal(0, 5)
                  track twice = 2 * mu
                  local {
                    let zs = z ~ normal(mu + zeros(len(x)), 1)
                    track dz = zs - mu
                    y ~ normal(zs, 0.5)
                  }
                }
                let d = tensor([1.0, -0.5, 0.3, 2.0, 1.4, 0.2, 2.5, 0.9])
                let q = fit(fn(x) { elbo(h(x), auto_normal(h(x), choices { y: x }), choices { y: x }) }, data: d,
                            batch: 4, optimizer: adam(0.02), steps: 300, seed: 1, samples: 400)
                print(q.posterior.twice.mean, q.posterior.twice.sd, q.posterior.mu.mean, q.posterior.mu.sd)
                print(shape(draws(q, 7).dz))
                """);
        Cli r = Cli.run("run", p.toString(), "--summary");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        double[] v = java.util.Arrays.stream(lines[0].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        double se = Math.sqrt(v[3] * v[3] / 400 + v[1] * v[1] / 4 / 400);
        assertEquals(v[2], v[0] / 2, 4 * se, r.out());
        assertEquals(2 * v[3], v[1], 0.5 * v[3], "sd(twice) is about twice sd(mu): " + r.out());
        assertEquals("[7, 8]", lines[1].trim(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("dz[7]")), r.out());
    }
}
