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
 * {@code track name = expr} in a model: never scored (a fit with it is the fit without it, bit for bit), and its
 * value at each guide draw reaches {@code --summary}, {@code --json}, {@code --draws} and {@code predict}.
 */
class TrackTest {
    @TempDir
    Path dir;

    private static final String GUIDE = """
            model g() {
              param loc = 0.0
              param scale = 1.0 : positive
              mu ~ normal(loc, scale)
            }
            """;

    private Path program(String name, String tracks) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, """
                model m() {
                  mu ~ normal(0, 10)
                  %s
                  for i in 0..4 {
                    let v = y[i] ~ normal(mu, 2)
                    %s
                  }
                }
                """.formatted(tracks.isEmpty() ? "" : "track sq = mu * mu",
                tracks.isEmpty() ? "" : "track r[i] = v - mu") + GUIDE + """
                let q = fit(elbo(m(), g(), choices { y: [3.1, 5.2, 2.4, 4.8] }), optimizer: adam(0.05), steps: 300,
                            particles: 2, seed: 3, samples: 500)
                print(q.params)
                """);
        return p;
    }

    @Test
    void aTrackedQuantityChangesNothingOfTheFit() throws IOException {
        Cli with = Cli.run("run", program("with.ppl", "yes").toString());
        Cli without = Cli.run("run", program("without.ppl", "").toString());
        assertEquals(0, with.code(), with.err());
        assertEquals(0, without.code(), without.err());
        // the same parameters printed to the last digit: track adds no density term and draws nothing
        assertEquals(without.out(), with.out());
        assertTrue(with.out().contains("g.loc"), with.out());
    }

    @Test
    void summaryAndJsonHaveTheTrackedQuantities() throws IOException {
        Cli r = Cli.run("run", program("s.ppl", "yes").toString(), "--summary");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().map(String::trim).toList();
        for (String row : List.of("mu ", "sq ", "r[0] ", "r[3] ")) {
            assertTrue(rows.stream().anyMatch(l -> l.startsWith(row)), row + " in\n" + r.out());
        }
        Cli j = Cli.run("run", program("j.ppl", "yes").toString(), "--json");
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().contains("\"sq\":{\"mean\":"), j.out());
        assertTrue(j.out().contains("\"r[2]\":{\"mean\":"), j.out());
    }

    @Test
    void drawsHaveOneColumnPerTrackedElementComputedAtEachDraw() throws IOException {
        Path csv = dir.resolve("draws.csv");
        Cli r = Cli.run("run", program("d.ppl", "yes").toString(), "--draws", csv.toString(), "--allow-path",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(csv).stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals("mu,sq,r.1,r.2,r.3,r.4,log_p__,log_g__", rows.get(0));
        double[] y = {3.1, 5.2, 2.4, 4.8};
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");
            double mu = Double.parseDouble(c[0]);
            assertEquals(mu * mu, Double.parseDouble(c[1]), 1e-12 * Math.max(1, mu * mu), row);
            for (int i = 0; i < 4; i++) {
                assertEquals(y[i] - mu, Double.parseDouble(c[2 + i]), 1e-12, row);
            }
        }
    }

    @Test
    void predictiveRunsTrackTheirOwnDraws() throws IOException {
        Path p = dir.resolve("p.ppl");
        Files.writeString(p, """
                model m() {
                  mu ~ normal(0, 10)
                  let v = y ~ normal(mu, 2)
                  track r = v - mu
                }
                let d = predict(m(), samples: 400)
                print(shape(d.r), max(abs(d.r - (d.y - d.mu))))
                """);
        Cli r = Cli.run("run", p.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[400] 0", r.out().trim());
    }
}
