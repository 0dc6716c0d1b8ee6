package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

class FitTest {
    static final ParamKey THETA = new ParamKey("m", "theta");
    static final ParamKey A = new ParamKey("coin_guide", "a");

    /** Returns the parameter, creating it from init on first use (as compiled models do). */
    static Object param(ParamProvider p, ParamKey key, Object init, Constraint c) {
        Object v = p.lookup(key);
        return v != null ? v : p.create(key, init, c);
    }

    /** E[-(x - theta)^2] with x ~ N(3, 1): maximised at theta = 3, where it is -1. */
    static final StochasticObjective QUADRATIC = (p, rng) -> {
        Object theta = param(p, THETA, 0.0, Constraint.REAL);
        double x = 3 + rng.nextGaussian();
        Object f = AD.neg(AD.square(AD.sub(x, theta)));
        return new Evaluation(f, AD.scalarValue(f));
    };

    @Test
    void sgdConvergesWithinTheDerivedBound() {
        // With learning rate eta the update is theta' = (1 - 2 eta) theta + 2 eta x, an AR(1) process with mean 3
        // and stationary variance 4 eta^2 / (1 - (1 - 2 eta)^2) = eta / (1 - eta). For eta = 0.01: sd 0.1005, so
        // the final iterate is within 5 sd = 0.503 of 3. The mean of K iterates of that AR(1) has variance
        // (eta / (1 - eta)) (1 + rho) / (1 - rho) / K = 1 / K (rho = 1 - 2 eta), so the mean of the last
        // 1000 is within 5 / sqrt(1000) = 0.158 of 3. The start (theta = 0) decays as 3 * 0.98^1000 < 1e-8.
        ParamStore store = new ParamStore();
        List<Double> iterates = new ArrayList<>();
        FitOptions options = FitOptions.builder().steps(2000).optimizer(new Sgd(0.01))
                .listener((step, value) -> iterates.add((Double) store.unconstrained(THETA))).build();
        FitHistory h = Fit.run(QUADRATIC, store, options, new Rng(42));
        assertEquals(2000, h.steps());
        double last = (Double) store.unconstrained(THETA);
        assertEquals(3.0, last, 0.503);
        double tail = iterates.subList(1000, 2000).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertEquals(3.0, tail, 0.158);
        // at the optimum the objective is -Var(x) - (theta - 3)^2 ~ -1; its per-step sd is sqrt(2), so the mean of
        // 1000 steps is within 5 sqrt(2 / 1000) = 0.224 of -1 - E(theta - 3)^2 = -1.01
        assertEquals(-1.01, h.tailMean(1000), 0.224);
    }

    @Test
    void adamConvergesWithSeveralParticles() {
        // Adam has no closed-form stationary spread. Its normalised step m / sqrt(v) acts roughly like SGD with
        // eta ~ lr / |g| ~ 0.01 (|g| = 2 |mean of 4 (x - theta)| ~ 1), giving sd ~ sqrt(eta / 4) ~ 0.05; over 200
        // seeds the final error had sd 0.038. The bound 0.25 is over 6 of those sds.
        ParamStore store = new ParamStore();
        Fit.run(QUADRATIC, store, FitOptions.builder().steps(2000).particles(4).optimizer(new Adam(0.01)).seed(7)
                .build());
        assertEquals(3.0, (Double) store.unconstrained(THETA), 0.25);
    }

    @Test
    void sameSeedSameFit() {
        ParamStore s1 = new ParamStore();
        ParamStore s2 = new ParamStore();
        FitHistory h1 = Fit.run(QUADRATIC, s1, FitOptions.defaults().withSteps(50).withSeed(3));
        FitHistory h2 = Fit.run(QUADRATIC, s2, FitOptions.defaults().withSteps(50).withSeed(3));
        assertArrayEquals(h1.objective(), h2.objective(), 0.0);
        assertEquals(s1.unconstrained(THETA), s2.unconstrained(THETA));
    }

    @Test
    void historyIsTheMeanOfTheParticlesAndTheSurrogateIsAveraged() {
        int[] calls = {0};
        StochasticObjective obj = (p, rng) -> {
            Object a = param(p, THETA, 0.0, Constraint.REAL);
            calls[0]++;
            int k = (calls[0] - 1) % 4 + 1; // 1, 2, 3, 4 within each step
            return new Evaluation(AD.mul((double) k, a), k);
        };
        ParamStore store = new ParamStore();
        FitHistory h = Fit.run(obj, store, FitOptions.builder().steps(3).particles(4).optimizer(new Sgd(0.1))
                .build(), new Rng(0));
        assertEquals(12, calls[0]);
        assertArrayEquals(new double[] {2.5, 2.5, 2.5}, h.objective(), 0.0);
        // the mean surrogate's gradient is (1 + 2 + 3 + 4) / 4 = 2.5 per step
        assertEquals(3 * 0.1 * 2.5, (Double) store.unconstrained(THETA), 1e-15);
    }

    @Test
    void parametersCreatedDuringAStepAreOptimisedFromThatStep() {
        ParamKey late = new ParamKey("m", "late");
        int[] step = {0};
        StochasticObjective obj = (p, rng) -> {
            step[0]++;
            Object a = param(p, THETA, 0.0, Constraint.REAL);
            Object f = a;
            if (step[0] >= 3) {
                f = AD.add(f, AD.mul(2.0, param(p, late, 1.0, Constraint.POSITIVE)));
            }
            return new Evaluation(f, AD.scalarValue(f));
        };
        ParamStore store = new ParamStore();
        Fit.run(obj, store, FitOptions.builder().steps(3).optimizer(new Sgd(0.5)).build(), new Rng(0));
        assertEquals(List.of(THETA, late), store.keys());
        assertEquals(1.5, (Double) store.unconstrained(THETA), 0.0);
        // one step at u = 0: d/du 2 e^u = 2, u = 0 + 0.5 * 2
        assertEquals(1.0, (Double) store.unconstrained(late), 0.0);
    }

    @Test
    void nanGradientIsReportedWithParameterStepAndLastObjective() {
        int[] calls = {0};
        StochasticObjective obj = (p, rng) -> {
            calls[0]++;
            Object a = param(p, A, 2.0, Constraint.POSITIVE);
            Object s = calls[0] == 37 ? AD.mul(a, Double.NaN) : AD.log(a);
            return new Evaluation(s, -6.12);
        };
        ParamStore store = new ParamStore();
        List<Integer> seen = new ArrayList<>();
        FitOptions options = FitOptions.builder().steps(100).optimizer(new Sgd(0.01)).progress(seen::add).build();
        FitDivergedException e = assertThrows(FitDivergedException.class,
                () -> Fit.run(obj, store, options, new Rng(1)));
        assertEquals("fit diverged at step 37: the gradient of coin_guide.a is NaN (last finite objective: -6.12)",
                e.getMessage());
        assertEquals(37, e.step());
        assertEquals(A, e.parameter());
        assertEquals(-6.12, e.lastFiniteObjective());
        assertEquals(36, e.history().steps());
        assertEquals(36, seen.size());
        // 36 updates of u by 0.01 * d/du log(e^u) = 0.01 each; the failing step is not applied
        double expected = Math.exp(Math.log(2.0) + 36 * 0.01);
        assertEquals(expected, (Double) e.lastGoodValues().get(A), 1e-12);
        assertEquals(e.lastGoodValues().get(A), store.constrained(A));
    }

    @Test
    void infiniteTensorGradientNamesTheElement() {
        ParamKey w = new ParamKey("m", "w");
        StochasticObjective obj = (p, rng) -> {
            Object v = param(p, w, Tensor.vector(1, 0, 2), Constraint.REAL);
            Object s = AD.sum(AD.mul(v, Tensor.vector(1, Double.POSITIVE_INFINITY, 1)));
            return new Evaluation(AD.scalarValue(AD.index(v, 0)) > 1.005 ? s : AD.sum(v), 1.0);
        };
        ParamStore store = new ParamStore();
        FitDivergedException e = assertThrows(FitDivergedException.class,
                () -> Fit.run(obj, store, FitOptions.builder().optimizer(new Sgd(0.01)).build(), new Rng(1)));
        // step 1 moves v[0] from 1 to 1.01; step 2 has an infinite gradient for element 1
        assertEquals("fit diverged at step 2: the gradient of m.w is Infinity at element 1 "
                + "(last finite objective: 1)", e.getMessage());
    }

    @Test
    void nanObjectiveIsReported() {
        StochasticObjective obj = (p, rng) -> {
            Object a = param(p, A, 0.5, Constraint.UNIT_INTERVAL);
            return new Evaluation(AD.log(a), Double.NaN);
        };
        FitDivergedException e = assertThrows(FitDivergedException.class,
                () -> Fit.run(obj, new ParamStore(), FitOptions.defaults(), new Rng(1)));
        assertEquals("fit diverged at step 1: the objective is NaN (no step completed)", e.getMessage());
        assertNull(e.parameter());
        assertTrue(Double.isNaN(e.lastFiniteObjective()));
        assertEquals(0.5, (Double) e.lastGoodValues().get(A), 1e-15);
    }

    @Test
    void optionsDefaultsAndValidation() {
        FitOptions o = FitOptions.defaults();
        assertEquals(1000, o.steps());
        assertEquals(1, o.particles());
        assertEquals(0L, o.seed());
        assertNull(o.listener());
        Adam adam = (Adam) o.optimizer();
        assertEquals(0.01, adam.lr());
        assertNotEquals(System.identityHashCode(adam), System.identityHashCode(FitOptions.defaults().optimizer()));
        assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().particles(0).build());
        assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().steps(-1).build());
        assertThrows(IllegalArgumentException.class,
                () -> Fit.run((p, r) -> new Evaluation(Tensor.vector(1, 2), 0), new ParamStore(),
                        FitOptions.defaults(), new Rng(0)));
    }

    @Test
    void formatsObjectivesCompactly() {
        assertEquals("-6.12", Fit.format(-6.12));
        assertEquals("1234.57", Fit.format(1234.5678));
        assertEquals("1", Fit.format(1.0));
        assertEquals("1.5E-7", Fit.format(1.5e-7));
    }

    /**
     * A fit of 10^9 steps starts at once: its history grows with the steps run instead of reserving 8 GB up front
     * (which failed with "out of memory" before step 1). The listener stops it after 3000 steps, past two growths.
     */
    @Test
    void theHistoryIsGrownNotReserved() {
        ParamStore store = new ParamStore();
        int[] seen = {0};
        FitListener stopAfter = (step, value) -> {
            seen[0] = step;
            if (step == 3000) {
                throw new IllegalStateException("stopped at " + step);
            }
        };
        FitOptions options = FitOptions.builder().steps(1_000_000_000).optimizer(new Sgd(0.01)).listener(stopAfter)
                .build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Fit.run(QUADRATIC, store, options, new Rng(1)));
        assertEquals("stopped at 3000", e.getMessage());
        assertEquals(3000, seen[0]);
    }
}
