package org.ppl4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Data in from Java values, results out as arrays, progress and cancellation: the Java API without files. */
class JavaApiTest {
    /** Conjugate normal mean: mu ~ normal(0, 2), y[i] ~ normal(mu, 1); g is normal(loc, scale). */
    private static final String MEAN = """
            model m(n) {
              mu ~ normal(0, 2)
              for i in 0..n {
                y[i] ~ normal(mu, 1)
              }
            }
            model g(n) {
              param loc = 0.0
              param scale = 1.0 : positive
              mu ~ normal(loc, scale)
            }
            let q = fit(elbo(m(len(ys)), g(len(ys)), choices { y: ys }), optimizer: adam(0.05), steps: n_steps,
                        particles: 4, samples: 400)
            """;

    /** The exact posterior mean of mu: sum(y) / (n + 1/4) (prior precision 1/4, unit likelihood precision). */
    private static double exactMean(double[] ys) {
        double s = 0;
        for (double y : ys) {
            s += y;
        }
        return s / (ys.length + 0.25);
    }

    private static String printed(String source, PplOptions options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PplProgram p = Ppl.compile(source, "data.ppl", options.withOutput(out))) {
            p.run();
        }
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void javaValuesAreProgramData() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", "unit");
        record.put("scale", 2);
        record.put("tags", List.of(1.5, true));
        PplOptions options = PplOptions.defaults().withData("d", new double[] {1.5, 2.5, 3.0})
                .withData("f", new float[] {0.5f, 0.25f}).withData("i", new int[] {1, 2, 3, 4})
                .withData("m", new double[][] {{1, 2, 3}, {4, 5, 6}}).withData("l", List.of(1, 2.5, "x"))
                .withData("r", record).withData("k", 7).withData("nd", Nd4j.create(new float[] {1, 2, 3, 4, 5, 6},
                        new long[] {3, 2}, 'c'));
        String out = printed("""
                print(sum(d))
                print(sum(f))
                print(sum(i) * len(i))
                print(m[1][2] + sum(m))
                print(len(l), l[1], l[2])
                print(r.name, r.scale * k, r.tags[1])
                print(nd[2][0], sum(nd))
                """, options);
        assertEquals(List.of("7", "0.75", "40", "27", "3 2.5 x", "unit 14 true", "5 21"), out.lines().toList());
        try (PplProgram p = Ppl.compile("let two = m * 2\nlet xs = [1, 2, 3]\n", "get.ppl", options)) {
            p.run();
            assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, p.getArray("two"));
            assertArrayEquals(new double[] {1, 2, 3}, p.getArray("xs"));
            INDArray t = p.getTensor("two");
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertEquals(12.0, t.getDouble(1, 2));
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, p.getArray("nd"), "an INDArray comes in row-major");
        }
    }

    @Test
    void badDataIsRefusedWithTheReason() {
        PplOptions o = PplOptions.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.withData("x", new double[][] {{1, 2}, {3}}));
        assertEquals("data 'x': a matrix needs rows of one length; row 0 has 2 elements, row 1 has 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> o.withData("x", List.of(1, new Object())));
        assertTrue(e.getMessage().startsWith("data 'x[1]': a java.lang.Object has no ppl4j form"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> o.withData("2x", 1.0));
        assertTrue(e.getMessage().contains("got '2x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ppl.compile("print(1)", "n.ppl", o.withData("normal", 1)));
        assertEquals("data 'normal': the standard library defines 'normal'; give the data another name",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ppl.compile("print(1)", "n.ppl", o.withData("elbo", 1)));
        assertTrue(e.getMessage().contains("defines 'elbo'"), e.getMessage());
        try (PplProgram p = Ppl.compile("print(x)", "x.ppl", o.withData("x", 1).withOutput(new ByteArrayOutputStream()))) {
            e = assertThrows(IllegalArgumentException.class, () -> p.set("y", 2));
            assertTrue(e.getMessage().contains("'y' is not data of x.ppl; its data names are [x]"), e.getMessage());
        }
    }

    /**
     * A fit on data from a double[], refitted after {@link PplProgram#set}: the guide's mean is within 0.06 of the
     * exact posterior mean each time (seed 3, 1500 steps of 4 particles; the posterior sd is 1/sqrt(n + 1/4) =
     * 0.49 for n = 4, so 0.06 is an eighth of it; the value is deterministic for the seed).
     */
    @Test
    void fitsDataFromArraysAndRefitsNewData() {
        double[] ys = {1.2, 0.4, 2.0, 1.1};
        double[] other = {-0.5, -1.5, 0.2, -0.9};
        try (PplProgram p = Ppl.compile(MEAN, "mean.ppl", PplOptions.defaults().withSeed(3)
                .withData("ys", ys).withData("n_steps", 1500))) {
            FitResult fit = p.run().lastFit();
            assertEquals(exactMean(ys), fit.param("g.loc"), 0.06, fit.params().toString());
            assertEquals(exactMean(ys), fit.posteriorArray("mu", Posterior::mean)[0], 0.1);
            assertArrayEquals(new int[0], fit.paramShape("g.loc"));
            FitResult again = p.set("ys", other).run().lastFit();
            assertEquals(exactMean(other), again.param("g.loc"), 0.06, again.params().toString());
        }
    }

    @Test
    void parametersAndSummariesComeOutAsArrays() {
        String program = """
                model m() {
                  for i in 0..3 {
                    z[i] ~ normal(i, 1)
                  }
                }
                model g() {
                  param w = tensor([0.5, 1.5, 2.5])
                  param v = tensor([[1.0, 2.0], [3.0, 4.0]])
                  for i in 0..3 {
                    z[i] ~ normal(w[i], 0.01)
                  }
                }
                let q = fit(elbo(m(), g(), choices {}), steps: 0, samples: 200)
                """;
        try (PplProgram p = Ppl.compile(program, "arrays.ppl", PplOptions.defaults().withSeed(1))) {
            FitResult fit = p.run().lastFit();
            assertArrayEquals(new double[] {0.5, 1.5, 2.5}, fit.paramArray("g.w"));
            assertArrayEquals(new int[] {3}, fit.paramShape("g.w"));
            assertArrayEquals(new double[] {1, 2, 3, 4}, fit.paramArray("g.v"));
            assertArrayEquals(new int[] {2, 2}, fit.paramShape("g.v"));
            INDArray v = fit.paramTensor("g.v");
            assertArrayEquals(new long[] {2, 2}, v.shape());
            assertEquals(3.0, v.getDouble(1, 0));
            // 200 draws of normal(w[i], 0.01): each mean is within 5 standard errors (5 * 0.01 / sqrt(200)) of w[i]
            double[] means = fit.posteriorArray("z", Posterior::mean);
            assertEquals(3, means.length);
            for (int i = 0; i < 3; i++) {
                assertEquals(0.5 + i, means[i], 5 * 0.01 / Math.sqrt(200), "z[" + i + "]");
            }
            assertThrows(IllegalArgumentException.class, () -> fit.posteriorArray("y", Posterior::mean));
            assertThrows(IllegalArgumentException.class, () -> fit.paramArray("g.u"));
        }
    }

    @Test
    void theListenerHearsEveryStepAndEpoch() {
        List<ProgressListener.Step> steps = new ArrayList<>();
        List<ProgressListener.Epoch> epochs = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onStep(Step step) {
                steps.add(step);
            }

            @Override
            public void onEpoch(Epoch epoch) {
                epochs.add(epoch);
            }
        };
        String program = """
                model m(x) {
                  mu ~ normal(0, 1)
                  local { x ~ normal(mu, 1) }
                }
                model g(x) {
                  param loc = 0.0
                  mu ~ normal(loc, 1)
                }
                let a = fit(elbo(m(xs), g(xs), choices { x: xs }), steps: 30)
                let b = fit(fn(x) { elbo(m(x), g(x), choices { x: x }) }, data: xs, batch: 4, epochs: 3, samples: 10)
                """;
        try (PplProgram p = Ppl.compile(program, "listen.ppl", PplOptions.defaults()
                .withData("xs", new double[][] {{0.1}, {0.5}, {0.9}, {1.3}, {1.7}, {2.1}, {2.5}, {2.9}}).withProgressListener(listener))) {
            FitResult last = p.run().lastFit();
            assertEquals(30 + 6, steps.size(), "30 steps, then 3 epochs of 2 batches of 4");
            for (int k = 0; k < 30; k++) {
                assertEquals(new ProgressListener.Step(1, k + 1, 30, steps.get(k).objective()), steps.get(k));
                assertTrue(Double.isFinite(steps.get(k).objective()));
            }
            double[] history = last.history();
            for (int k = 0; k < 6; k++) {
                ProgressListener.Step s = steps.get(30 + k);
                assertEquals(2, s.fit());
                assertEquals(k + 1, s.step());
                assertEquals(6, s.steps());
                assertEquals(history[k], s.objective(), "the listener hears the objective the history records");
            }
            assertEquals(3, epochs.size());
            for (int e = 0; e < 3; e++) {
                assertEquals(2, epochs.get(e).fit());
                assertEquals(e + 1, epochs.get(e).epoch());
                assertEquals((history[2 * e] + history[2 * e + 1]) / 2, epochs.get(e).objective(), 1e-12);
            }
        }
    }

    /**
     * Another thread cancels a 100,000-step fit once it has reached step 20 and waits for the cancel before the
     * fit goes on: the fit stops after step 20, run() says so at the fit call, the fit's result keeps those 20 steps
     * (as {@code ppl run --timeout} keeps the step it reached), and the program runs again afterwards.
     */
    @Test
    void anotherThreadCancelsARunningFit() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        int[] lastStep = {0};
        ProgressListener listener = step -> {
            lastStep[0] = step.step();
            if (step.fit() == 1 && step.step() == 20) {
                reached.countDown();
                try {
                    assertTrue(cancelled.await(1, TimeUnit.MINUTES));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (PplProgram p = Ppl.compile(MEAN, "long.ppl", PplOptions.defaults()
                .withData("ys", new double[] {1.0, 2.0}).withData("n_steps", 100_000).withProgressListener(listener))) {
            Future<?> running = pool.submit(p::run);
            assertTrue(reached.await(5, TimeUnit.MINUTES), "the fit reached step 20");
            p.cancel();
            cancelled.countDown();
            ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.MINUTES));
            PplException cause = (PplException) e.getCause();
            assertEquals(PplException.Kind.CANCELLED, cause.kind());
            assertEquals(20, lastStep[0]);
            assertEquals("fit stopped after step 20 of 100000 (cancelled); the last fit's result keeps that step "
                    + "(PplProgram.cancel())", cause.reason());
            assertTrue(cause.getMessage().startsWith("long.ppl:12:9: error: fit stopped after step 20"),
                    cause.getMessage());
            assertEquals(20, p.lastFit().history().length, "the cancelled fit keeps the steps it reached");
            // the program is usable again: a short fit runs to its end
            assertEquals(5, p.set("n_steps", 5).run().lastFit().history().length);
            assertEquals(5, lastStep[0]);
        } finally {
            pool.shutdownNow();
        }
    }
}
