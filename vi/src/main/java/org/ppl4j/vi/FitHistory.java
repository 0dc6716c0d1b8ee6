package org.ppl4j.vi;

import java.util.Arrays;

/** The objective value of every step of a fit (the mean over that step's particles), in order. */
public record FitHistory(double[] objective) {
    public FitHistory {
        objective = objective.clone();
    }

    @Override
    public double[] objective() {
        return objective.clone();
    }

    public int steps() {
        return objective.length;
    }

    /** The objective at a 1-based step. */
    public double at(int step) {
        return objective[step - 1];
    }

    /** The last step's objective, NaN if there were no steps. */
    public double last() {
        return objective.length == 0 ? Double.NaN : objective[objective.length - 1];
    }

    /** The mean objective over the last {@code k} steps (fewer if there were fewer), NaN if none. */
    public double tailMean(int k) {
        int n = Math.min(k, objective.length);
        if (n <= 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = objective.length - n; i < objective.length; i++) {
            s += objective[i];
        }
        return s / n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FitHistory h && Arrays.equals(objective, h.objective);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(objective);
    }

    @Override
    public String toString() {
        return "FitHistory(" + objective.length + " steps, last " + last() + ")";
    }
}
