package org.ppl4j.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.LoadedFit;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * The Java API's saved fits and draws: a fit saved by one program is loaded by another (with other text) and drawn
 * from. mu ~ N(0, 10), y ~ N(mu, 2) at y = 4: the posterior of mu is N(3.9604, 1.9901); 4000 draws put the mean
 * within four standard errors (0.126) plus 0.1 of the fit's error. The posterior predictive of y is
 * N(3.9604, sqrt(1.9901^2 + 2^2) = 2.8215): 4000 draws put its mean within four standard errors (0.178) plus 0.1 of
 * the fit's error, and its standard deviation within four standard errors of a sample sd (2.8215 / sqrt(2 * 4000)
 * * 4 = 0.126) plus 0.1 of the fit's error in the guide's scale.
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
            Map<String, Object> pp = p.predictOfLastFit(4000);
            assertEquals(java.util.Set.of("mu", "y"), pp.keySet());
            assertPredictive((double[]) pp.get("y"));
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
        // loaded from Java into a program that only defines the models: draws and predictive draws as arrays
        try (PplProgram p = Ppl.compile(MODELS, "models.ppl", PplOptions.defaults().withSeed(5))) {
            LoadedFit fit = p.run().loadFit(file);
            assertEquals("g", fit.guide());
            double[] mu = (double[]) fit.draws(4000).get("mu");
            assertEquals(4000, mu.length);
            assertEquals(3.9604, java.util.Arrays.stream(mu).average().orElseThrow(), 0.23);
            Map<String, Object> pp = fit.predict(4000, "m");
            assertPredictive((double[]) pp.get("y"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit.predict(10, "h"));
            assertTrue(e.getMessage().contains("no model 'h'"), e.getMessage());
        }
        // a program without the guide's model cannot load it
        try (PplProgram p = Ppl.compile("let x = 1\n", "empty.ppl", PplOptions.defaults())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.run().loadFit(file));
            assertTrue(e.getMessage().contains("'g'"), e.getMessage());
        }
    }

    /** 4000 posterior predictive draws of y: mean 3.9604, sd 2.8215, bounds in the class comment. */
    private static void assertPredictive(double[] y) {
        assertEquals(4000, y.length);
        double mean = java.util.Arrays.stream(y).average().orElseThrow();
        double var = java.util.Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / (y.length - 1);
        assertEquals(3.9604, mean, 0.28);
        assertEquals(2.8215, Math.sqrt(var), 0.23);
    }
}
