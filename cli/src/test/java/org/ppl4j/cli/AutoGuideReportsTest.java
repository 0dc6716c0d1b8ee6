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
 * A fit with an automatic guide is reported as one with a hand-written guide: the ESS and PSIS k-hat lines of
 * {@code --summary}, {@code diagnostics} in {@code --json}, {@code --draws}, {@code draws} and {@code predict}.
 * Normal-normal (mu ~ N(0, 10), y[i] ~ N(mu, 2), 4 observations): the posterior N(3.8366, 0.9950) is in both
 * guides' families, so k-hat is below 0.5.
 */
class AutoGuideReportsTest {
    @TempDir
    Path dir;

    private Path program(String guide) throws IOException {
        Path p = dir.resolve(guide + ".ppl");
        Files.writeString(p, """
                model m() {
                  mu ~ normal(0, 10)
                  for i in 0..4 {
                    y[i] ~ normal(mu, 2)
                  }
                }
                let obs = choices { y: [3.1, 5.2, 2.4, 4.8] }
                let q = fit(elbo(m(), %s(m(), obs), obs), optimizer: adam(0.05, decay: 0.999), steps: 1500,
                            particles: 4, seed: 3)
                let d = draws(q, 2000)
                let p = predict(m(), q, samples: 2000)
                print(shape(d.mu), mean(d.mu), shape(p["y[3]"]), q.diagnostics.khat < 0.5)
                """.formatted(guide));
        return p;
    }

    @Test
    void summaryJsonAndDrawsOfAutoGuides() throws IOException {
        for (String guide : List.of("auto_normal", "auto_mvnormal")) {
            Path csv = dir.resolve(guide + ".csv");
            Cli r = Cli.run("run", program(guide).toString(), "--summary", "--draws", csv.toString(), "--allow-path",
                    dir.toString());
            assertEquals(0, r.code(), r.err());
            String[] printed = r.out().lines().findFirst().orElseThrow().split(" ");
            assertEquals("[2000]", printed[0], r.out());
            // 2000 draws: the mean's standard error is 0.022; four of it plus 0.1 for the fit
            assertEquals(3.8366, Double.parseDouble(printed[1]), 0.19, r.out());
            assertEquals("[2000]", printed[2], r.out());
            assertEquals("true", printed[3], r.out());
            assertTrue(r.out().contains("ESS of the importance weights p(x, z) / q(z): "), guide + ":\n" + r.out());
            assertTrue(r.out().contains("PSIS k-hat of the weights: "), guide + ":\n" + r.out());
            List<String> rows = Files.readAllLines(csv).stream().filter(l -> !l.startsWith("#")).toList();
            assertEquals("mu,log_p__,log_g__", rows.get(0), guide);
            assertEquals(1001, rows.size(), guide);
            assertTrue(Files.readAllLines(csv).contains("# guide = " + guide + "(m)"), guide);
        }
    }
}
