package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.estimate.BaselineStore;

/**
 * The running-mean baselines' arithmetic: the warm-up (the plain mean of the first costs), the decay after it, and
 * the default's choice between its short and long averages (the long one on steady costs, seed 5, 400 costs of
 * N(-1, 1); the short one after a jump of the costs by 20, which is 20 standard deviations).
 */
class RunningMeanBaselineTest {
    static final String SITE = "q/z";

    @Test
    void plainMeanUntilTheWindowIsFullThenDecay() {
        RunningMeanBaseline b = new RunningMeanBaseline(0.9);
        BaselineStore store = new BaselineStore();
        assertEquals(0.0, b.value(SITE, store), "nothing seen yet");
        double[] costs = {3, -1, 4, 1, -5, 9, 2, 6, -5, 3, 5, 8};
        double sum = 0;
        for (int i = 0; i < 10; i++) {
            b.observe(SITE, costs[i], store);
            sum += costs[i];
            assertEquals(sum / (i + 1), b.value(SITE, store), 1e-12, "the mean of the first " + (i + 1));
        }
        double expected = sum / 10;
        for (int i = 10; i < costs.length; i++) {
            b.observe(SITE, costs[i], store);
            expected = 0.9 * expected + 0.1 * costs[i];
            assertEquals(expected, b.value(SITE, store), 1e-12, "decayed after " + (i + 1));
        }
        double before = b.value(SITE, store);
        b.observe(SITE, Double.NaN, store);
        assertEquals(before, b.value(SITE, store), 0.0, "a non-finite cost is ignored");
    }

    @Test
    void theDefaultUsesItsLongAverageOnSteadyCostsAndItsShortOneAfterAJump() {
        BaselineStore store = new BaselineStore();
        RunningMeanBaseline b = RunningMeanBaseline.ADAPTIVE;
        RunningMeanBaseline fast = new RunningMeanBaseline(RunningMeanBaseline.DEFAULT_DECAY);
        RunningMeanBaseline slow = new RunningMeanBaseline(RunningMeanBaseline.SLOW_DECAY);
        BaselineStore fastStore = new BaselineStore();
        BaselineStore slowStore = new BaselineStore();
        Random random = new Random(5);
        for (int i = 0; i < 400; i++) {
            double c = -1 + random.nextGaussian();
            b.observe(SITE, c, store);
            fast.observe(SITE, c, fastStore);
            slow.observe(SITE, c, slowStore);
        }
        assertEquals(slow.value(SITE, slowStore), b.value(SITE, store), 1e-12, "steady: the long average");
        for (int i = 0; i < 15; i++) {
            double c = 19 + random.nextGaussian();
            b.observe(SITE, c, store);
            fast.observe(SITE, c, fastStore);
            slow.observe(SITE, c, slowStore);
        }
        assertEquals(fast.value(SITE, fastStore), b.value(SITE, store), 1e-12, "after the jump: the short average");
        assertTrue(b.value(SITE, store) > 10, "it follows the jump");
    }

    @Test
    void describedAsWritten() {
        assertEquals("running_mean", RunningMeanBaseline.ADAPTIVE.describe());
        assertEquals("running_mean(0.95)", new RunningMeanBaseline(0.95).describe());
    }
}
