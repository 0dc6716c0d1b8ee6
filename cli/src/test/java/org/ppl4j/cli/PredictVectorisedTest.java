package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} runs the guide and the model once for all draws where they allow ({@code vectorise: false}
 * loops): the same random stream where each run makes one choice, the loop's exact draws where the model cannot
 * run batched (the stream put back), and the same distribution otherwise.
 */
class PredictVectorisedTest {
    @TempDir
    Path dir;

    private String[] run(String name, String program) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, program);
        Cli r = Cli.run("run", p.toString(), "--seed", "11");
        assertEquals(0, r.code(), r.err());
        return r.out().trim().split("\\s+");
    }

    @Test
    void oneChoicePerRunDrawsTheLoopsValues() throws IOException {
        String program = """
                model m() {
                  mu ~ normal(1, 10)
                  track twice = 2 * mu
                }
                let d = predict(m(), samples: 50, vectorise: %s)
                print(d.mu[0], d.mu[17], d.mu[49], sum(d.twice))
                """;
        String[] batched = run("a.ppl", program.formatted("true"));
        String[] looped = run("b.ppl", program.formatted("false"));
        assertEquals(String.join(" ", looped), String.join(" ", batched));
    }

    @Test
    void aModelWithoutBatchingRuleFallsBackToTheLoopExactly() throws IOException {
        String program = """
                model m() {
                  mu ~ normal(0, 1)
                  if mu > 0 {
                    y ~ normal(mu, 1)
                  } else {
                    y ~ normal(-mu, 2)
                  }
                }
                let d = predict(m(), samples: 40, vectorise: %s)
                print(sum(d.mu), sum(d.y), d.y[39])
                """;
        assertEquals(String.join(" ", run("b.ppl", program.formatted("false"))),
                String.join(" ", run("a.ppl", program.formatted("true"))));
    }

    /**
     * Normal-normal, posterior predictive, N = 4000 draws each way (seed 11): mu and y[0] have the same mean within
     * 5 standard errors of the difference (from the two sample variances) and the same variance within 5 standard
     * errors of the difference of two sample variances of normals (sd of s^2 is s^2 sqrt(2 / (N - 1))).
     */
    @Test
    void posteriorPredictiveHasTheLoopsDistribution() throws IOException {
        String program = """
                model m(n) {
                  mu ~ normal(0, 10)
                  for i in 0..n {
                    y[i] ~ normal(mu, 2)
                  }
                }
                model g(n) {
                  param loc = 0.0
                  param scale = 1.0 : positive
                  mu ~ normal(loc, scale)
                }
                let q = fit(elbo(m(4), g(4), choices { y: [3.1, 5.2, 2.4, 4.8] }), optimizer: adam(0.05), steps: 400,
                            particles: 2, seed: 3)
                let d = predict(m(4), q, samples: 4000, vectorise: %s)
                fn var(x) { sum((x - mean(x)) ^ 2) / (len(x) - 1) }
                print(mean(d.mu), var(d.mu), mean(d["y[0]"]), var(d["y[0]"]), d["y[1]"][0])
                """;
        String[] a = run("a.ppl", program.formatted("true"));
        String[] b = run("b.ppl", program.formatted("false"));
        int n = 4000;
        for (int k = 0; k < 4; k += 2) {
            double ma = Double.parseDouble(a[k]);
            double va = Double.parseDouble(a[k + 1]);
            double mb = Double.parseDouble(b[k]);
            double vb = Double.parseDouble(b[k + 1]);
            double se = Math.sqrt(va / n + vb / n);
            assertTrue(Math.abs(ma - mb) < 5 * se, "means " + ma + " and " + mb + ", 5 se = " + 5 * se);
            double seVar = Math.sqrt(2.0 / (n - 1)) * Math.sqrt(va * va + vb * vb);
            assertTrue(Math.abs(va - vb) < 5 * seVar, "variances " + va + " and " + vb + ", 5 se = " + 5 * seVar);
        }
        // both draw the guide's values first; then the loop draws y[0], y[1], ... of the first draw, the batched run
        // all draws of y[0] before those of y[1]: y[1] of the first draw differs, so it did run batched
        assertNotEquals(a[4], b[4]);
    }
}
