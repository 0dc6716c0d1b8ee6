package org.ppl4j.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * The Java API's saved fits and draws: a fit saved by one program is loaded by another (with other text) and drawn
 * from. mu ~ N(0, 10), y ~ N(mu, 2) at y = 4: the posterior of mu is N(3.9604, 1.9901); 4000 draws put the mean
 * within four standard errors (0.126) plus 0.1 of the fit's error.
 */
class SavedFitApiTest {
    @TempDir
    Path dir;

    private static final String MODELS = """
            model m() {
              mu ~ normal(0, 10)
              y ~ normal(mu, 2)
            }
            model g() {
              param loc = 0.0
              param scale = 1.0 : positive
              mu ~ normal(loc, scale)
            }
            """;

    @Test
    void savesTheLastFitForAnotherProgramAndDraws() throws Exception {
        Path file = dir.resolve("fits/fit.npz");
        PplOptions options = PplOptions.defaults().withAllowedPath(dir);
        try (PplProgram p = Ppl.compile(MODELS + "let q = fit(elbo(m(), g(), choices { y: 4 }), optimizer: adam(0.05),"
                + " steps: 1500, particles: 4, seed: 1)\n", "fit.ppl", options)) {
            p.run();
            Map<String, Object> draws = p.drawsOfLastFit(4000);
            double[] mu = (double[]) draws.get("mu");
            assertEquals(4000, mu.length);
            assertEquals(3.9604, java.util.Arrays.stream(mu).average().orElseThrow(), 0.23);
            p.saveLastFit(file);
        }
        assertTrue(Files.size(file) > 0);
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file left");
        }
        // another program, with other text: the parameters by name, draws from the loaded guide
        try (PplProgram p = Ppl.compile(MODELS + "let s = load_fit(\"" + file + "\")\nlet d = draws(s, 4000)\n"
                + "let m_mu = mean(d.mu)\n", "load.ppl", options)) {
            p.run();
            assertEquals(3.9604, (Double) p.get("m_mu"), 0.23);
        }
    }
}
