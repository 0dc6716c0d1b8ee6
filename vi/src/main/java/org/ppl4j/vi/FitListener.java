package org.ppl4j.vi;

/** Told after each completed step of {@link Fit#run}: the step number (1-based) and its objective value. */
@FunctionalInterface
public interface FitListener {
    void onStep(int step, double objective);

    /**
     * Told after each completed step with the whole state of the fit (for progress displays and checkpoints);
     * by default calls {@link #onStep(int, double)}.
     */
    default void onStep(FitState state) {
        onStep(state.step(), state.objective());
    }

    /** Told once when the fit ends, normally or not (a progress display closes here). */
    default void onEnd() {
    }

    /** A listener told the whole state after each step, and nothing else. */
    static FitListener ofState(java.util.function.Consumer<FitState> onState) {
        return new FitListener() {
            @Override
            public void onStep(int step, double objective) {
            }

            @Override
            public void onStep(FitState state) {
                onState.accept(state);
            }
        };
    }

    /** A listener that tells {@code first}, then {@code second}; either may be null. */
    static FitListener both(FitListener first, FitListener second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        return new FitListener() {
            @Override
            public void onStep(int step, double objective) {
                first.onStep(step, objective);
                second.onStep(step, objective);
            }

            @Override
            public void onStep(FitState state) {
                first.onStep(state);
                second.onStep(state);
            }

            @Override
            public void onEnd() {
                try {
                    first.onEnd();
                } finally {
                    second.onEnd();
                }
            }
        };
    }
}
