package org.ppl4j.bench;

import java.util.Arrays;

/** Median and quartiles of repeated measurements (quartiles by linear interpolation between order statistics). */
public record Stats(double median, double q1, double q3, int runs) {
    public static Stats of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        return new Stats(quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), s.length);
    }

    /** The p-quantile of sorted values, interpolating linearly between the two nearest ranks. */
    static double quantile(double[] sorted, double p) {
        double at = p * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The same measurements in another unit (every figure multiplied by {@code factor}). */
    public Stats times(double factor) {
        return factor >= 0 ? new Stats(median * factor, q1 * factor, q3 * factor, runs)
                : new Stats(median * factor, q3 * factor, q1 * factor, runs);
    }

    /** Reciprocals, for rates from durations: the quartiles swap ends. */
    public static Stats rates(double[] durations, double perDuration) {
        double[] r = new double[durations.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = perDuration / durations[i];
        }
        return of(r);
    }
}
