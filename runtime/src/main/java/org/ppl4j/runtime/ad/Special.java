package org.ppl4j.runtime.ad;

/** Special functions needed by log densities and their derivatives. */
public final class Special {
    private Special() {
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** log |Gamma(x)|, Lanczos approximation (g = 7, n = 9), about 15 significant digits. */
    public static double lgamma(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < 0.5) {
            // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
        }
        if (x > 1e7) {
            // Stirling; the Lanczos sum loses nothing here but the series is cheaper and exact enough
            return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
        }
        x -= 1;
        double a = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += LANCZOS[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** The digamma function psi(x) = d/dx log Gamma(x): recurrence up to x >= 12, then the asymptotic series. */
    public static double digamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.NaN;
        }
        double result = 0;
        if (x < 0) {
            // reflection: psi(1 - x) - psi(x) = pi cot(pi x)
            result -= Math.PI / Math.tan(Math.PI * x);
            x = 1 - x;
        }
        while (x < 12) {
            result -= 1 / x;
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        result += Math.log(x) - 0.5 * inv
                - inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
        return result;
    }
}
