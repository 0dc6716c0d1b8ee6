package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;

class OptimizerTest {
    static final ParamKey A = new ParamKey("m", "a");
    static final ParamKey W = new ParamKey("m", "w");

    /** f(a, w) = -(a - 2)^2 - sum_i c_i (w_i - t_i)^2, maximised at a = 2, w = t. */
    static Object quadratic(TrackedParams p) {
        Object a = p.lookup(A);
        Object w = p.lookup(W);
        Object fa = AD.neg(AD.square(AD.sub(a, 2.0)));
        Object dw = AD.sub(w, Tensor.vector(-1, 0.5, 4));
        Object fw = AD.neg(AD.sum(AD.mul(Tensor.vector(1, 3, 0.2), AD.square(dw))));
        return AD.add(fa, fw);
    }

    static ParamStore quadraticStore() {
        ParamStore s = new ParamStore();
        s.constants().create(A, 10.0, Constraint.REAL);
        s.constants().create(W, Tensor.vector(0, 0, 0), Constraint.REAL);
        return s;
    }

    static void runDeterministic(ParamStore store, Optimizer opt, int steps) {
        for (int i = 0; i < steps; i++) {
            Tape tape = new Tape();
            TrackedParams p = store.tracked(tape);
            tape.backward(quadratic(p));
            opt.step(store, p.gradients());
        }
    }

    @Test
    void adamConvergesToTheMaximiserOfAConcaveQuadratic() {
        ParamStore store = quadraticStore();
        runDeterministic(store, new Adam(0.1), 3000);
        assertEquals(2.0, (Double) store.unconstrained(A), 1e-4);
        assertArrayEquals(new double[] {-1, 0.5, 4}, ((Tensor) store.unconstrained(W)).toArray(), 1e-4);
    }

    @Test
    void sgdConvergesToTheMaximiserOfAConcaveQuadratic() {
        ParamStore store = quadraticStore();
        // heavy ball with alpha = 2 lr c in {0.02, 0.1, 0.3} and beta = 0.5 is stable (alpha < 2 (1 + beta));
        // the slowest mode contracts by about 1 - alpha / (1 - beta) = 0.96 a step, so 5000 steps reach 1e-9
        runDeterministic(store, new Sgd(0.05, 0.5), 5000);
        assertEquals(2.0, (Double) store.unconstrained(A), 1e-9);
        assertArrayEquals(new double[] {-1, 0.5, 4}, ((Tensor) store.unconstrained(W)).toArray(), 1e-9);
    }

    @Test
    void sgdStepIsExact() {
        ParamStore store = new ParamStore();
        store.put(A, Constraint.REAL, 1.0);
        store.put(W, Constraint.REAL, Tensor.vector(1, 2));
        Sgd sgd = new Sgd(0.25);
        sgd.step(store, Map.of(A, 0.5, W, Tensor.vector(-4, 8)));
        assertEquals(1.125, (Double) store.unconstrained(A), 0.0); // 1 + 0.25 * 0.5, ascent
        assertArrayEquals(new double[] {0, 4}, ((Tensor) store.unconstrained(W)).toArray(), 0.0);
    }

    @Test
    void sgdMomentumIsExact() {
        ParamStore store = new ParamStore();
        store.put(A, Constraint.REAL, 1.0);
        Sgd sgd = new Sgd(0.5, 0.5);
        sgd.step(store, Map.of(A, 1.0)); // buf = 1, a = 1.5
        assertEquals(1.5, (Double) store.unconstrained(A), 0.0);
        sgd.step(store, Map.of(A, 2.0)); // buf = 0.5 + 2 = 2.5, a = 1.5 + 1.25
        assertEquals(2.75, (Double) store.unconstrained(A), 0.0);
    }

    @Test
    void adamFirstStepsMatchTheFormula() {
        ParamStore store = new ParamStore();
        store.put(A, Constraint.REAL, 0.0);
        Adam adam = new Adam(0.1);
        adam.step(store, Map.of(A, 3.0));
        // t = 1: m = 0.3, v = 0.009, mhat = 3, vhat = 9 -> step 0.1 * 3 / (3 + 1e-8)
        double a1 = 0.1 * 3 / (3 + 1e-8);
        assertEquals(a1, (Double) store.unconstrained(A), 1e-15);
        adam.step(store, Map.of(A, -1.0));
        double m = 0.9 * 0.3 + 0.1 * -1;
        double v = 0.999 * 0.009 + 0.001 * 1;
        double a2 = a1 + 0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        assertEquals(a2, (Double) store.unconstrained(A), 1e-15);
    }

    @Test
    void adamBiasCorrectsALateParameterFromItsOwnFirstStep() {
        ParamStore store = new ParamStore();
        store.put(A, Constraint.REAL, 0.0);
        Adam adam = new Adam(0.1);
        for (int i = 0; i < 10; i++) {
            adam.step(store, Map.of(A, 1.0));
        }
        store.put(W, Constraint.REAL, Tensor.vector(0, 0));
        adam.step(store, Map.of(A, 1.0, W, Tensor.vector(2, -5)));
        assertArrayEquals(new double[] {0.1 * 2 / (2 + 1e-8), -0.1 * 5 / (5 + 1e-8)},
                ((Tensor) store.unconstrained(W)).toArray(), 1e-15);
    }

    @Test
    void stateRestoresToAnIdenticalTrajectory() {
        for (Optimizer[] pair : new Optimizer[][] {{new Adam(0.05), new Adam(0.05)},
                {new Sgd(0.01, 0.9), new Sgd(0.01, 0.9)}}) {
            ParamStore s1 = quadraticStore();
            runDeterministic(s1, pair[0], 7);
            ParamStore s2 = s1.copy();
            pair[1].restore(pair[0].state());
            runDeterministic(s1, pair[0], 5);
            runDeterministic(s2, pair[1], 5);
            assertEquals(s1.unconstrained(A), s2.unconstrained(A));
            assertEquals(s1.unconstrained(W), s2.unconstrained(W));
        }
    }

    @Test
    void stateIsACopy() {
        ParamStore store = quadraticStore();
        Adam adam = new Adam(0.1);
        runDeterministic(store, adam, 2);
        Map<String, Object> before = adam.state();
        runDeterministic(store, adam, 2);
        @SuppressWarnings("unchecked")
        Map<ParamKey, Long> t = (Map<ParamKey, Long>) before.get("t");
        assertEquals(2L, t.get(A));
    }

    @Test
    void rejectsGradientsForUnknownParametersOrOfTheWrongShape() {
        ParamStore store = new ParamStore();
        store.put(W, Constraint.REAL, Tensor.vector(0, 0));
        Map<ParamKey, Object> unknown = new LinkedHashMap<>();
        unknown.put(A, 1.0);
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1).step(store, unknown));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(0.1).step(store, Map.of(W, Tensor.vector(1, 2, 3))));
        assertTrue(e.getMessage().contains("m.w"), e.getMessage());
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        ParamStore store = quadraticStore();
        new Adam(0.1).step(store, Map.of(A, 1.0));
        assertEquals(Tensor.vector(0, 0, 0), store.unconstrained(W));
    }

    /**
     * A parameter of 12000 elements is updated by ND4J's fused Adam kernel; the same gradients on a split copy
     * (120 parameters of 100 elements, below the ND4J threshold) take the Java update. In float64 the two
     * trajectories agree to 1e-12 over 20 steps with a restore from a checkpointed state in the middle.
     */
    @Test
    void largeParametersTakeTheSameAdamStepsAsSmallOnes() {
        Tensor.setLargeFloat64(true);
        try {
            int rows = 120;
            int cols = 100;
            ParamKey big = new ParamKey("m", "big");
            ParamStore large = new ParamStore();
            double[] init = new double[rows * cols];
            for (int i = 0; i < init.length; i++) {
                init[i] = Math.sin(i);
            }
            large.constants().create(big, new Tensor(new int[] {rows, cols}, init), Constraint.REAL);
            ParamStore small = new ParamStore();
            for (int r = 0; r < rows; r++) {
                small.constants().create(new ParamKey("m", "row" + r),
                        new Tensor(new int[] {cols}, java.util.Arrays.copyOfRange(init, r * cols, (r + 1) * cols)),
                        Constraint.REAL);
            }
            assertTrue(((Tensor) large.unconstrained(big)).isLarge());
            Adam a1 = new Adam(0.01, 0.9, 0.999, 1e-8, 0.99);
            Adam a2 = new Adam(0.01, 0.9, 0.999, 1e-8, 0.99);
            for (int step = 0; step < 20; step++) {
                if (step == 10) { // a checkpoint round trip moves the large moments out of ND4J and back
                    Adam restored = new Adam(0.01, 0.9, 0.999, 1e-8, 0.99);
                    restored.restore(a1.state());
                    a1 = restored;
                }
                double[] g = new double[rows * cols];
                for (int i = 0; i < g.length; i++) {
                    g[i] = Math.cos(0.37 * i + step) * (1 + step % 3) * (i % 7 == 0 ? 1e-6 : 1);
                }
                Map<ParamKey, Object> g1 = new LinkedHashMap<>();
                g1.put(big, new Tensor(new int[] {rows, cols}, g));
                a1.step(large, g1);
                Map<ParamKey, Object> g2 = new LinkedHashMap<>();
                for (int r = 0; r < rows; r++) {
                    g2.put(new ParamKey("m", "row" + r),
                            new Tensor(new int[] {cols}, java.util.Arrays.copyOfRange(g, r * cols, (r + 1) * cols)));
                }
                a2.step(small, g2);
            }
            double[] u = ((Tensor) large.unconstrained(big)).toArray();
            for (int r = 0; r < rows; r++) {
                double[] v = ((Tensor) small.unconstrained(new ParamKey("m", "row" + r))).toArray();
                for (int c = 0; c < cols; c++) {
                    assertEquals(v[c], u[r * cols + c], 1e-12, "element " + r + "," + c);
                }
            }
        } finally {
            Tensor.setLargeFloat64(false);
        }
    }

    /**
     * During fit steps a large parameter only the store holds is updated in place, and a gradient the step made
     * receives the update in its own array; the trajectory is the same as with fresh arrays (a parameter some
     * code holds, escaped from the store, must not change under it), element for element, over 12 steps.
     */
    @Test
    void largeParametersOnlyTheStoreHoldsAreUpdatedInPlaceWithTheSameSteps() {
        int rows = 120;
        int cols = 100;
        ParamKey key = new ParamKey("m", "w");
        double[] init = new double[rows * cols];
        for (int i = 0; i < init.length; i++) {
            init[i] = Math.sin(i);
        }
        ParamStore owned = new ParamStore();
        ParamStore shared = new ParamStore();
        owned.constants().create(key, new Tensor(new int[] {rows, cols}, init), Constraint.REAL);
        shared.constants().create(key, new Tensor(new int[] {rows, cols}, init), Constraint.REAL);
        Adam a1 = new Adam(0.01, 0.9, 0.999, 1e-8, 1);
        Adam a2 = new Adam(0.01, 0.9, 0.999, 1e-8, 1);
        Object first = null;
        Checkpoint checkpointed = null;
        double checkpointSum = 0;
        for (int step = 0; step < 12; step++) {
            double[] g = new double[rows * cols];
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.cos(0.37 * i + step);
            }
            Tensor.openStep();
            try {
                Tensor held = (Tensor) shared.unconstrained(key); // someone holds the old value
                double before = held.sum();
                // gradients made by a kernel during the step, as a backward pass makes them
                a1.step(owned, Map.of(key, new Tensor(new int[] {rows, cols}, g).scale(1)));
                a2.step(shared, Map.of(key, new Tensor(new int[] {rows, cols}, g).scale(1)));
                assertEquals(before, held.sum(), 0.0, "a held value never changes");
                assertNotSame(held, shared.current(key));
                if (step == 0) {
                    first = owned.current(key);
                }
                assertSame(first, owned.current(key), "updated in place at step " + step);
                if (step == 5) { // a checkpoint takes a copy: the parameter stays the store's, updated in place
                    Checkpoint c = Checkpoint.capture(new Checkpoint.Identity("t.ppl", "0", 1, "t"),
                            new FitState(step, 12, new double[12], owned, a1, new org.ppl4j.runtime.Rng(1)), null);
                    double atCapture = ((Tensor) c.params().get(0).unconstrained()).sum();
                    assertEquals(((Tensor) owned.current(key)).sum(), atCapture, 0.0);
                    checkpointed = c;
                    checkpointSum = atCapture;
                }
            } finally {
                Tensor.endStep();
            }
        }
        assertArrayEquals(((Tensor) shared.unconstrained(key)).toArray(), ((Tensor) owned.unconstrained(key)).toArray(),
                0.0);
        assertEquals(checkpointSum, ((Tensor) checkpointed.params().get(0).unconstrained()).sum(), 0.0,
                "the checkpoint's copy does not move with the parameter");
    }
}
