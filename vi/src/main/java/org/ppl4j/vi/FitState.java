package org.ppl4j.vi;

import java.util.Arrays;
import org.ppl4j.runtime.Rng;

/**
 * The whole state of a fit after a completed step, as {@link FitListener#onStep(FitState)} sees it: what a
 * checkpoint saves. A view, valid during the call: the store, the optimiser and the random source are the
 * fit's own (read them, do not change them).
 */
public final class FitState {
    private final int step;
    private final int steps;
    private final double[] history;
    private final ParamStore store;
    private final Optimizer optimizer;
    private final Rng rng;

    FitState(int step, int steps, double[] history, ParamStore store, Optimizer optimizer, Rng rng) {
        this.step = step;
        this.steps = steps;
        this.history = history;
        this.store = store;
        this.optimizer = optimizer;
        this.rng = rng;
    }

    /** The step just completed, 1-based. */
    public int step() {
        return step;
    }

    /** The number of steps the fit runs in all. */
    public int steps() {
        return steps;
    }

    /** The objective of the step just completed. */
    public double objective() {
        return history[step - 1];
    }

    /** The objective of steps 1 to {@link #step()} (a copy). */
    public double[] history() {
        return Arrays.copyOf(history, step);
    }

    public ParamStore store() {
        return store;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The random source, positioned where the next step starts. */
    public Rng rng() {
        return rng;
    }
}
