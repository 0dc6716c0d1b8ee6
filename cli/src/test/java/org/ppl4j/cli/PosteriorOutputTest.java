package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ppl run --draws FILE.csv}, {@code --predict N} and the settings and diagnostics in {@code --json}, on a
 * normal-normal model whose posterior is known: mu ~ N(0, 10), y[i] ~ N(mu, 2), observations 3.1, 5.2, 2.4, 4.8
 * give mu | y ~ N(3.8366, 0.9950).
 */
class PosteriorOutputTest {
    @TempDir
    Path dir;

    private static Cli ppl(String... args) {
        return Cli.run(args);
    }

    private Path program() throws IOException {
        Path p = dir.resolve("nn.ppl");
        Files.writeString(p, """
                model m() {
                  mu ~ normal(0, 10)
                  w ~ iid(2, normal(0, 1))
                  for i in 0..4 {
                    y[i] ~ normal(mu, 2)
                  }
                }
                model g() {
                  param loc = 0.0
                  param scale = 1.0 : positive
                  param wl = 0.0
                  mu ~ normal(loc, scale)
                  w ~ iid(2, normal(wl, 1))
                }
                let q = fit(elbo(m(), g(), choices { y: [3.1, 5.2, 2.4, 4.8] }), optimizer: adam(0.05, decay: 0.999),
                            steps: 1500, particles: 4, seed: 3)
                """);
        return p;
    }

    @Test
    void drawsInCmdStanLayoutWithSettingsAndDensities() throws IOException {
        Path csv = dir.resolve("out/draws.csv");
        Cli r = ppl("run", program().toString(), "--draws", csv.toString(), "--allow-path", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("ppl: wrote 1000 draws to " + csv + "\n", r.err());
        List<String> lines = Files.readAllLines(csv);
        List<String> comments = lines.stream().filter(l -> l.startsWith("#")).toList();
        assertTrue(comments.containsAll(List.of("# model = m", "# guide = g", "# method = variational",
                "#   objective = elbo", "#   steps = 1500", "#   particles = 4", "#   seed = 3",
                "#   output_draws = 1000")), comments.toString());
        List<String> rows = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals("mu,w.1,w.2,log_p__,log_g__", rows.get(0));
        assertEquals(1001, rows.size());
        double sum = 0;
        double sumSq = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            assertEquals(5, cells.length, row);
            double mu = Double.parseDouble(cells[0]);
            sum += mu;
            sumSq += mu * mu;
            // log q(z) of the guide's own draw: a density of three unit-ish normals is below 0 here
            assertTrue(Double.parseDouble(cells[4]) < 3, row);
        }
        double mean = sum / 1000;
        double sd = Math.sqrt((sumSq - 1000 * mean * mean) / 999);
        // 1000 draws: the mean's standard error is 0.031; four of it plus 0.1 for the fit
        assertEquals(3.8366, mean, 0.23);
        assertEquals(0.9950, sd, 0.15);
        // no temporary file left beside it
        try (var s = Files.list(csv.getParent())) {
            assertEquals(List.of(csv), s.toList());
        }
    }

    @Test
    void predictiveCheckAndPlot() throws IOException {
        Path plots = dir.resolve("plots");
        Cli r = ppl("run", program().toString(), "--predict", "400", "--plot", plots.toString(),
                "--allow-path", dir.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("posterior predictive check: 400 replicates", lines[0]);
        assertTrue(lines[1].matches(" +observed +mean +sd +5% +95% +P\\(rep >= obs\\)"), lines[1]);
        assertEquals(6, lines.length, r.out());
        assertTrue(lines[2].startsWith("y[0]     3.100  "), lines[2]);
        // each replicate of y[i] is N(mu, 2) with mu from the guide: sd sqrt(4 + 0.9950^2) = 2.234
        for (int i = 2; i < 6; i++) {
            String[] cells = lines[i].trim().split(" +");
            assertEquals(3.8366, Double.parseDouble(cells[2]), 0.5, lines[i]);
            assertEquals(2.23, Double.parseDouble(cells[3]), 0.35, lines[i]);
        }
        assertTrue(Files.size(plots.resolve("predictive.png")) > 1000);
    }

    /** The same posterior with y one tensor-valued site observed as a list: each element is checked. */
    @Test
    void predictiveCheckOfAListObservedAtATensorSite() throws IOException {
        Path p = dir.resolve("nn_tensor.ppl");
        Files.writeString(p, """
                model m() {
                  mu ~ normal(0, 10)
                  y ~ normal(mu + zeros(4), 2)
                }
                model g() {
                  param loc = 0.0
                  param scale = 1.0 : positive
                  mu ~ normal(loc, scale)
                }
                let q = fit(elbo(m(), g(), choices { y: [3.1, 5.2, 2.4, 4.8] }), optimizer: adam(0.05, decay: 0.999),
                            steps: 1500, particles: 4, seed: 3)
                """);
        Cli r = ppl("run", p.toString(), "--predict", "400", "--allow-path", dir.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(6, lines.length, r.out());
        double[] observed = {3.1, 5.2, 2.4, 4.8};
        for (int i = 2; i < 6; i++) {
            String[] cells = lines[i].trim().split(" +");
            assertEquals("y[" + (i - 2) + "]", cells[0], lines[i]);
            assertEquals(observed[i - 2], Double.parseDouble(cells[1]), 1e-9, lines[i]);
            // as above: N(mu, 2) replicates with mu from the guide, mean 3.84 and sd 2.23
            assertEquals(3.8366, Double.parseDouble(cells[2]), 0.5, lines[i]);
            assertEquals(2.23, Double.parseDouble(cells[3]), 0.35, lines[i]);
        }
    }

    @Test
    void jsonHasTheSettingsAndDiagnostics() throws IOException {
        Cli r = ppl("run", program().toString(), "--json", "--allow-path", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"settings\":{\"objective\":\"elbo\",\"steps\":1500,\"particles\":4,\"seed\":3,"),
                r.out());
        assertTrue(r.out().matches("(?s).*\"diagnostics\":\\{\"khat\":-?[0-9.E-]+,\"verdict\":\"good\",\"ess\":[0-9.]+,"
                + "\"draws\":1000}.*"), r.out());
        assertTrue(r.out().contains("\"mcse\":"), r.out());
    }
}
