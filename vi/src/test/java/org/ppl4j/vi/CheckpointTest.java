package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

/** Checkpoints: the file format, and a fit resumed from one ending exactly as an uninterrupted fit. */
class CheckpointTest {
    static final ParamKey MU = new ParamKey("g", "mu");
    static final ParamKey SIGMA = new ParamKey("g", "sigma");
    static final ParamKey W = new ParamKey("g", "w");
    static final ParamKey LATE = new ParamKey("g", "late");
    static final Checkpoint.Identity ID = new Checkpoint.Identity("p.ppl", "abc123", 1, "objective t, steps 300");

    static Object param(ParamProvider p, ParamKey key, Object init, Constraint c) {
        Object v = p.lookup(key);
        return v != null ? v : p.create(key, init, c);
    }

    /**
     * A noisy objective that uses everything a checkpoint must carry: a number, a positive and a tensor
     * parameter, one created part-way through, single Gaussians (so that the random source often has a spare
     * Gaussian pending between steps) and a running-mean baseline kept in a {@link BaselineStore}.
     */
    static StochasticObjective objective(BaselineStore baselines, int[] evaluations) {
        return (p, rng) -> {
            evaluations[0]++;
            Object mu = param(p, MU, 0.0, Constraint.REAL);
            Object sigma = param(p, SIGMA, 1.0, Constraint.POSITIVE);
            Object w = param(p, W, new Tensor(new int[] {3}, new double[] {0.5, -0.5, 1}), Constraint.REAL);
            double eps = rng.nextGaussian();
            Object x = AD.add(mu, AD.mul(sigma, eps));
            Object f = AD.neg(AD.square(AD.sub(x, 2.0)));
            f = AD.sub(f, AD.sum(AD.square(AD.sub(w, rng.nextGaussian()))));
            double[] b = baselines.state("g/x", 1);
            double value = AD.scalarValue(f);
            b[0] = 0.9 * b[0] + 0.1 * value;
            f = AD.add(f, AD.mul(1e-3 * b[0], sigma));
            if (evaluations[0] > 200) {
                f = AD.add(f, AD.neg(AD.square(param(p, LATE, 0.3, Constraint.UNIT_INTERVAL))));
            }
            return new Evaluation(f, value);
        };
    }

    record Run(ParamStore store, FitHistory history, long[] rng, Map<String, double[]> baselines) {
    }

    /** A full fit of {@code steps}, optionally capturing checkpoints on the way. */
    static Run fit(Supplier<Optimizer> optimizer, int steps, List<Checkpoint> captured, int every) {
        BaselineStore baselines = new BaselineStore();
        ParamStore store = new ParamStore();
        Rng rng = new Rng(11);
        FitListener listener = captured == null ? null : new FitListener() {
            @Override
            public void onStep(int step, double objective) {
            }

            @Override
            public void onStep(FitState s) {
                if (s.step() % every == 0) {
                    // through the bytes, as a file would carry it
                    captured.add(Checkpoint.decode(Checkpoint.capture(ID, s, baselines).encode()));
                }
            }
        };
        FitHistory h = Fit.run(objective(baselines, new int[1]), store,
                FitOptions.builder().steps(steps).particles(2).optimizer(optimizer.get()).listener(listener).build(),
                rng);
        return new Run(store, h, rng.state(), baselines.snapshot());
    }

    static Run resume(Supplier<Optimizer> optimizer, Checkpoint c) {
        BaselineStore baselines = new BaselineStore();
        ParamStore store = new ParamStore();
        Rng rng = new Rng(999); // overwritten by the checkpoint
        Optimizer opt = optimizer.get();
        c.restore(store, opt, rng, baselines);
        // the objective counts evaluations to create a parameter late: continue the count
        int[] evaluations = {2 * c.step()};
        FitHistory h = Fit.resume(objective(baselines, evaluations), store,
                FitOptions.builder().steps(c.steps()).particles(2).optimizer(opt).build(), rng, c.history());
        return new Run(store, h, rng.state(), baselines.snapshot());
    }

    static void assertSameRun(Run expected, Run actual) {
        assertEquals(expected.store().keys(), actual.store().keys());
        for (ParamKey k : expected.store().keys()) {
            Object e = expected.store().unconstrained(k);
            Object a = actual.store().unconstrained(k);
            if (e instanceof Tensor t) {
                assertArrayEquals(t.toArray(), ((Tensor) a).toArray(), 0.0, k.toString());
            } else {
                assertEquals(Double.doubleToRawLongBits((Double) e), Double.doubleToRawLongBits((Double) a),
                        k + ": " + e + " vs " + a);
            }
        }
        assertArrayEquals(expected.history().objective(), actual.history().objective(), 0.0);
        assertArrayEquals(expected.rng(), actual.rng());
        assertEquals(expected.baselines().keySet(), actual.baselines().keySet());
        expected.baselines().forEach((k, v) -> assertArrayEquals(v, actual.baselines().get(k), 0.0));
    }

    @Test
    void resumedAdamFitEqualsAnUninterruptedOneBitForBit() {
        Supplier<Optimizer> adam = () -> new Adam(0.05, 0.9, 0.999, 1e-8, 0.999);
        List<Checkpoint> checkpoints = new ArrayList<>();
        Run full = fit(adam, 300, checkpoints, 70);
        assertEquals(4, checkpoints.size());
        for (Checkpoint c : checkpoints) {
            assertSameRun(full, resume(adam, c));
        }
        // the late parameter exists only in the later checkpoints; restoring keeps the creation order
        assertEquals(List.of(MU, SIGMA, W), checkpoints.get(0).params().stream().map(Checkpoint.Param::key).toList());
        assertEquals(List.of(MU, SIGMA, W, LATE),
                checkpoints.get(3).params().stream().map(Checkpoint.Param::key).toList());
    }

    @Test
    void resumedSgdWithMomentumEqualsAnUninterruptedOne() {
        Supplier<Optimizer> sgd = () -> new Sgd(0.01, 0.9);
        List<Checkpoint> checkpoints = new ArrayList<>();
        Run full = fit(sgd, 120, checkpoints, 50);
        assertSameRun(full, resume(sgd, checkpoints.get(1)));
    }

    @Test
    void aPendingGaussianIsPartOfTheState() {
        Rng a = new Rng(5);
        a.nextGaussian(); // leaves the second of the pair pending
        Rng b = new Rng(0);
        b.restore(a.state());
        assertEquals(Double.doubleToRawLongBits(a.nextGaussian()), Double.doubleToRawLongBits(b.nextGaussian()));
        assertEquals(a.nextLong(), b.nextLong());
    }

    @Test
    void anOptimiserWithOtherSettingsIsRefused() {
        List<Checkpoint> checkpoints = new ArrayList<>();
        fit(() -> new Adam(0.05), 20, checkpoints, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> checkpoints.get(0).restore(new ParamStore(), new Adam(0.1), new Rng(0), new BaselineStore()));
        assertTrue(e.getMessage().startsWith("the checkpoint was written with the optimiser adam(lr: 0.05"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> checkpoints.get(0).restore(new ParamStore(), new Sgd(0.05), new Rng(0), new BaselineStore()));
    }

    @Test
    void formatRoundTripsAndRejectsDamage() {
        List<Checkpoint> checkpoints = new ArrayList<>();
        fit(() -> new Adam(0.05), 20, checkpoints, 20);
        Checkpoint c = checkpoints.get(0);
        byte[] bytes = c.encode();
        Checkpoint d = Checkpoint.decode(bytes);
        assertEquals(ID, d.identity());
        assertEquals(20, d.step());
        assertEquals(20, d.steps());
        assertTrue(d.complete());
        assertArrayEquals(c.rngState(), d.rngState());
        assertArrayEquals(bytes, d.encode());
        byte[] damaged = bytes.clone();
        damaged[damaged.length / 2] ^= 1;
        assertEquals("the checkpoint is damaged (checksum mismatch)",
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.decode(damaged)).getMessage());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 9);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.decode(cut));
        assertEquals("not a ppl4j checkpoint", assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.decode("{\"params\": 1}".getBytes())).getMessage());
    }

    @Test
    void filesAreNamedByFitAndStep() {
        assertEquals("fit2-step500.ckpt", Checkpoint.fileName(2, 500));
        assertEquals(500, Checkpoint.stepOf("fit2-step500.ckpt", 2));
        assertEquals(-1, Checkpoint.stepOf("fit2-step500.ckpt", 1));
        assertEquals(-1, Checkpoint.stepOf(".fit2-step500.ckpt.tmp", 2));
        assertTrue(Checkpoint.isCheckpointName("fit12-step0.ckpt"));
    }

    @Test
    void effectiveSampleSizeOfImportanceWeights() {
        assertEquals(4.0, Summary.effectiveSampleSize(new double[] {-3, -3, -3, -3}), 1e-12);
        assertEquals(1.0, Summary.effectiveSampleSize(new double[] {0, -1000, -1000}), 1e-12);
        // weights 1 and 2 (shifted logs give the same answer): (1 + 2)^2 / (1 + 4) = 1.8
        assertEquals(1.8, Summary.effectiveSampleSize(new double[] {500, 500 + Math.log(2)}), 1e-12);
        assertEquals(1.0, Summary.effectiveSampleSize(new double[] {Double.NEGATIVE_INFINITY, 0}), 1e-12);
        assertTrue(Double.isNaN(Summary.effectiveSampleSize(new double[] {Double.NaN, 0})));
    }
}
