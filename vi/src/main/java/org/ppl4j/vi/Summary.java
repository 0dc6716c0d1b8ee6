package org.ppl4j.vi;

import java.util.Arrays;

/**
 * A summary of samples: mean, sample standard deviation (n - 1 denominator; NaN for one sample) and the 5%,
 * 50% and 95% quantiles, interpolated linearly between order statistics as numpy's default ("linear",
 * Hyndman and Fan type 7) does.
 */
public record Summary(double mean, double sd, double q05, double q50, double q95) {
    public static Summary of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("cannot summarise zero samples");
        }
        int n = samples.length;
        double mean = 0;
        for (double x : samples) {
            mean += x;
        }
        mean /= n;
        double ss = 0;
        for (double x : samples) {
            ss += (x - mean) * (x - mean);
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Summary(mean, sd, quantileSorted(sorted, 0.05), quantileSorted(sorted, 0.5),
                quantileSorted(sorted, 0.95));
    }

    /** The q-quantile of samples (numpy's linear interpolation); the array is not modified. */
    public static double quantile(double[] samples, double q) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return quantileSorted(sorted, q);
    }

    /** The q-quantile of samples already sorted ascending. */
    public static double quantileSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("cannot take a quantile of zero samples");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("the quantile must be in [0, 1], got " + q);
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        if (lo >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double frac = pos - lo;
        return frac == 0 ? sorted[lo] : sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    }

    /**
     * Kish's effective sample size of importance weights given as logs: {@code (sum w)^2 / sum w^2}, computed
     * stably (the weights are scaled by the largest). Between 1 (one weight dominates) and the number of
     * weights (all equal); weights of zero ({@code -Infinity}) count as draws that got none. NaN when a log
     * weight is NaN or {@code +Infinity}, or all are {@code -Infinity}.
     */
    public static double effectiveSampleSize(double[] logWeights) {
        double max = Double.NEGATIVE_INFINITY;
        for (double lw : logWeights) {
            if (Double.isNaN(lw) || lw == Double.POSITIVE_INFINITY) {
                return Double.NaN;
            }
            max = Math.max(max, lw);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        double sum = 0;
        double sumSq = 0;
        for (double lw : logWeights) {
            double w = Math.exp(lw - max);
            sum += w;
            sumSq += w * w;
        }
        return sum * sum / sumSq;
    }
}
