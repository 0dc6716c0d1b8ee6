package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;

class ConvergenceTest {
    @Test
    void aConstantObjectiveSettlesAfterTheFirstWindowAndPatienceMore() {
        Convergence c = new Convergence(0.01, 2000); // window 100
        assertEquals(100, c.window());
        int stopped = 0;
        for (int step = 1; step <= 2000 && stopped == 0; step++) {
            stopped = c.settled(-5.0) ? step : 0;
        }
        assertEquals(100 * (1 + Convergence.PATIENCE), stopped);
    }

    @Test
    void aDriftingObjectiveNeverSettles() {
        // the window means of -100 + step / 10 change by 10 per window: at least 10 / 100 relative, over tol
        Convergence c = new Convergence(0.01, 2000);
        for (int step = 1; step <= 900; step++) {
            assertFalse(c.settled(-100 + step / 10.0), "step " + step);
        }
        assertThrows(IllegalArgumentException.class, () -> new Convergence(0, 10));
    }

    @Test
    void aFitWithTolStopsEarlyAndReportsTheStep() {
        // SGD at lr 0.01 on E[-(x - theta)^2] from theta = 0: theta reaches 3 within ~300 steps (0.98^300 < 0.003);
        // then the window means (100 steps) of the objective, mean -1.01 and sd sqrt(2) / 10 = 0.14 each, change by
        // about 0.2 / 1.01 relative: tol 0.5 is met once the objective is flat, tol 1e-6 never in 5000 steps
        ParamStore store = new ParamStore();
        FitOptions options = FitOptions.builder().steps(5000).optimizer(new Sgd(0.01)).build();
        FitHistory h = Fit.resume(FitTest.QUADRATIC, store, options, new Rng(7), new double[0], new Convergence(0.5, 5000));
        assertTrue(h.steps() < 5000 && h.steps() % 100 == 0, "stopped at " + h.steps());
        assertEquals(3.0, (Double) store.unconstrained(FitTest.THETA), 0.6);
        FitHistory full = Fit.resume(FitTest.QUADRATIC, new ParamStore(), options, new Rng(7), new double[0],
                new Convergence(1e-6, 5000));
        assertEquals(5000, full.steps());
    }
}
