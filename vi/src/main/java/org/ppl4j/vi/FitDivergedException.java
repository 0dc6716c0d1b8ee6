package org.ppl4j.vi;

import java.util.Collections;
import java.util.Map;
import org.ppl4j.runtime.param.ParamKey;

/**
 * A fit produced a non-finite objective or gradient. The store is left with the parameter values the failing
 * step started from (its update is not applied); they are also kept here, constrained.
 */
public final class FitDivergedException extends RuntimeException {
    private final int step;
    private final ParamKey parameter;
    private final double lastFiniteObjective;
    private final Map<ParamKey, Object> lastGoodValues;
    private final double[] history;

    FitDivergedException(String message, int step, ParamKey parameter, double lastFiniteObjective,
            Map<ParamKey, Object> lastGoodValues, double[] history) {
        super(message);
        this.step = step;
        this.parameter = parameter;
        this.lastFiniteObjective = lastFiniteObjective;
        this.lastGoodValues = Collections.unmodifiableMap(lastGoodValues);
        this.history = history.clone();
    }

    /** The 1-based step that failed. */
    public int step() {
        return step;
    }

    /** The parameter whose gradient was not finite, or {@code null} if the objective value itself was not. */
    public ParamKey parameter() {
        return parameter;
    }

    /** The objective of the last completed step, NaN if none completed. */
    public double lastFiniteObjective() {
        return lastFiniteObjective;
    }

    /** The constrained parameter values the failing step started from ({@code Double} or {@code Tensor}). */
    public Map<ParamKey, Object> lastGoodValues() {
        return lastGoodValues;
    }

    /** The objectives of the completed steps (step - 1 of them). */
    public FitHistory history() {
        return new FitHistory(history);
    }
}
