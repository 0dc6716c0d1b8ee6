package org.ppl4j.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Posterior;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * The embedding API from 8 threads at once: the same program, fitted with the same seed in each thread, gives
 * exactly (bit for bit) the result of a run on one thread, whether each program has its own engine or all
 * share one; and two runs on one thread agree with each other. The fit mixes a reparameterised choice, a
 * score-function one with a running-mean baseline, and a vector parameter, so that every part of the estimator
 * runs concurrently.
 */
class ConcurrencyTest {
    static final int THREADS = 8;
    /** Rounds of 8 + 8 concurrent fits; 2 in the build, more with -Dppl.concurrency.rounds=N (docs/reliability.md). */
    static final int ROUNDS = Integer.getInteger("ppl.concurrency.rounds", 2);

    private static final String PROGRAM = """
            model m(n) {
              mu ~ normal(0, 2)
              k ~ bernoulli(0.3)
              for i in 0..n {
                x[i] ~ normal(mu + k, 1)
              }
            }
            model g(n) {
              param loc = 0.0
              param scale = 1.0 : positive
              param pk = 0.5 : unit_interval
              param w = zeros(3)
              mu ~ normal(loc + sum(w), scale)
              k ~ bernoulli(pk)
            }
            let q = fit(elbo(m(3), g(3), choices { x: [1.2, 0.4, 2.0] }), optimizer: adam(0.05), steps: 150,
                        particles: 2, samples: 50)
            """;

    /** Everything a fit returns, as text that is equal exactly when every double is equal bit for bit. */
    private static String fingerprint(FitResult f) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : f.params().entrySet()) {
            Object v = e.getValue();
            sb.append(e.getKey()).append('=').append(v instanceof double[] a ? java.util.Arrays.toString(a) : v)
                    .append(';');
        }
        sb.append("objective=").append(Double.doubleToRawLongBits(f.objective())).append(';');
        for (double h : f.history()) {
            sb.append(Double.doubleToRawLongBits(h)).append(',');
        }
        for (Map.Entry<String, Posterior> e : f.posteriors().entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append(';');
        }
        return sb.toString();
    }

    private static String fit(PplOptions options) {
        try (PplProgram p = Ppl.compile(PROGRAM, "concurrent.ppl", options)) {
            return fingerprint(p.run().lastFit());
        }
    }

    private static List<String> inThreads(PplOptions options) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    start.await(1, TimeUnit.MINUTES); // all compile and fit at the same time
                    return fit(options);
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : futures) {
                results.add(f.get(10, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eightThreadsGiveTheSingleThreadedResultBitForBit() throws Exception {
        PplOptions options = PplOptions.defaults().withSeed(11);
        String reference = fit(options);
        assertEquals(reference, fit(options), "two runs with the same seed");
        assertTrue(reference.contains("g.w=[") && reference.contains("k=Posterior["), reference);
        assertTrue(!reference.equals(fit(PplOptions.defaults().withSeed(12))), "the seed matters");

        for (int round = 0; round < ROUNDS; round++) {
            List<String> separate = inThreads(options);
            for (int t = 0; t < THREADS; t++) {
                assertEquals(reference, separate.get(t), "round " + round + ", thread " + t + " (own engine)");
            }
            try (Engine engine = Engine.newBuilder("ppl").option("engine.WarnInterpreterOnly", "false").build()) {
                List<String> shared = inThreads(options.withEngine(engine));
                for (int t = 0; t < THREADS; t++) {
                    assertEquals(reference, shared.get(t), "round " + round + ", thread " + t + " (shared engine)");
                }
            }
        }
        System.out.println("concurrency test: " + ROUNDS + " rounds x " + THREADS + " threads x 2 (own engines, one "
                + "shared engine) = " + ROUNDS * THREADS * 2 + " concurrent fits, each equal bit for bit to the "
                + "single-threaded run");
    }

    @Test
    void printsOfConcurrentProgramsStayApart() throws Exception {
        // each program's print goes to its own stream, whatever runs beside it
        List<String> outs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    try (PplProgram p = Ppl.compile("for i in 0..200 {\n  print(" + id + ")\n}\n", "p" + id + ".ppl",
                            PplOptions.defaults().withOutput(out))) {
                        p.run();
                    }
                    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
                }));
            }
            for (Future<String> f : futures) {
                outs.add(f.get(5, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(java.util.Collections.nCopies(200, Integer.toString(t)).toArray(),
                    outs.get(t).split("\n"), "program " + t);
        }
    }
}
