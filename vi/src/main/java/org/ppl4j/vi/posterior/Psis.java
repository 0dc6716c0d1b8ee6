package org.ppl4j.vi.posterior;

import java.util.Arrays;

/**
 * Pareto-smoothed importance sampling's diagnostic (Yao, Vehtari, Simpson and Gelman 2018, "Yes, but did it
 * work?"; Vehtari et al. 2024): the shape k of a generalised Pareto distribution fitted to the largest importance
 * weights {@code p(x, z) / q(z)} of guide draws z. The weights' distribution has finite variance for k < 0.5; the
 * estimate of k says how heavy its right tail is, so how far the guide is from the posterior where it matters.
 *
 * <p>The tail is the M = ceil(min(S / 5, 3 sqrt(S))) largest of S weights, as exceedances over the next one. The
 * shape is fitted by Zhang and Stephens's (2009) method: an empirical-Bayes posterior mean of the profile
 * likelihood over a grid of {@code 30 + sqrt(M)} values of {@code theta = -k / sigma}, then shrunk towards 0.5 with
 * the weight of ten pseudo-observations, as the PSIS papers do.
 */
public final class Psis {
    private Psis() {
    }

    /** The verdicts: k below 0.5 good, below 0.7 usable, else untrustworthy. */
    public static String verdict(double k) {
        if (Double.isNaN(k)) {
            return "unknown";
        }
        return k < 0.5 ? "good" : k < 0.7 ? "usable" : "untrustworthy";
    }

    /** The tail size for S draws: ceil(min(S / 5, 3 sqrt(S))). */
    static int tailSize(int draws) {
        return (int) Math.ceil(Math.min(draws / 5.0, 3 * Math.sqrt(draws)));
    }

    /**
     * k-hat of importance weights given as logs. NaN when there are too few finite weights to fit a tail (fewer
     * than 5 tail draws above the threshold, or fewer than 25 draws), or when a weight is NaN or +Infinity.
     */
    public static double khat(double[] logWeights) {
        double[] lw = logWeights.clone();
        for (double v : lw) {
            if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                return Double.NaN;
            }
        }
        Arrays.sort(lw);
        int s = lw.length;
        if (s < 25 || lw[s - 1] == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        int m = tailSize(s);
        double max = lw[s - 1];
        double threshold = Math.exp(lw[s - m - 1] - max);
        double[] tail = new double[m];
        int n = 0;
        for (int i = s - m; i < s; i++) {
            double x = Math.exp(lw[i] - max) - threshold;
            if (x > 0) {
                tail[n++] = x;
            }
        }
        if (n < 5) {
            return Double.NaN;
        }
        return gpdShape(Arrays.copyOf(tail, n));
    }

    /**
     * The shape k of a generalised Pareto distribution with location 0 fitted to positive values (sorted here),
     * by Zhang and Stephens's method, shrunk towards 0.5 by ten pseudo-observations. The parameterisation is
     * the usual one: k > 0 a heavy (power-law) tail, k = 0 exponential, k < 0 bounded.
     */
    public static double gpdShape(double[] exceedances) {
        double[] x = exceedances.clone();
        Arrays.sort(x);
        int n = x.length;
        int grid = 30 + (int) Math.sqrt(n);
        double quartile = x[Math.max(0, (int) (n / 4.0 + 0.5) - 1)];
        double[] theta = new double[grid];
        double[] logLik = new double[grid];
        for (int j = 0; j < grid; j++) {
            theta[j] = 1 / x[n - 1] + (1 - Math.sqrt(grid / (j + 0.5))) / (3 * quartile);
            double k = meanLog1p(x, -theta[j]);
            logLik[j] = n * (Math.log(-theta[j] / k) - k - 1);
        }
        // the posterior weight of each grid point: 1 / sum_i exp(logLik_i - logLik_j)
        double mean = 0;
        for (int j = 0; j < grid; j++) {
            double sum = 0;
            for (int i = 0; i < grid; i++) {
                sum += Math.exp(logLik[i] - logLik[j]);
            }
            mean += theta[j] / sum;
        }
        double k = meanLog1p(x, -mean);
        return (n * k + 10 * 0.5) / (n + 10);
    }

    private static double meanLog1p(double[] x, double a) {
        double s = 0;
        for (double v : x) {
            s += Math.log1p(a * v);
        }
        return s / x.length;
    }
}
