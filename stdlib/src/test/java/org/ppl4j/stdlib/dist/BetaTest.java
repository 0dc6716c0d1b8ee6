package org.ppl4j.stdlib.dist;

import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;

class BetaTest {
    /** The density x^(a-1) (1-x)^(b-1) / B(a, b), with B(a, b) given exactly by the caller. */
    private static double logPdf(double x, double a, double b, double betaFn) {
        return Math.log(Math.pow(x, a - 1) * Math.pow(1 - x, b - 1) / betaFn);
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(0.3, 2, 3, 1.0 / 12), new Beta(2.0, 3.0).logDensity(0.3)); // B(2,3) = 1!2!/4!
        assertLogDensity(logPdf(0.02, 0.5, 0.5, Math.PI), new Beta(0.5, 0.5).logDensity(0.02)); // B(1/2,1/2) = pi
        assertLogDensity(logPdf(0.7, 2.5, 1.5, Math.PI / 16), Beta.create(2.5, 1.5).logDensity(0.7));
        // at an end point with a = 1 the density is finite: beta(1, 2) has density 2 (1 - x)
        assertLogDensity(Math.log(2), new Beta(1.0, 2.0).logDensity(0.0));
        assertOutsideSupport(new Beta(2.0, 3.0), -0.1);
        assertOutsideSupport(new Beta(2.0, 3.0), 1.1);
    }

    /** Moments of beta(a, b), the fourth central one from the excess kurtosis. */
    private static void moments(double a, double b, long seed) {
        double s = a + b;
        double variance = a * b / (s * s * (s + 1));
        double excess = 6 * ((a - b) * (a - b) * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3));
        assertMoments(new Beta(a, b), seed, a / s, variance, (3 + excess) * variance * variance);
    }

    /** Seed 17, N = 20000, beta(2, 3); bounds 5 SE of mean and of sample variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(2.0, 3.0, 17);
    }

    /** Seed 18, N = 20000, beta(0.5, 0.5) (U-shaped, gamma draws below shape 1); same bounds. */
    @Test
    void sampleMomentsUShaped() {
        moments(0.5, 0.5, 18);
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("beta", "alpha", () -> new Beta(0.0, 1.0));
        assertRejects("beta", "beta", () -> new Beta(1.0, -1.0));
        assertRejects("beta", "alpha", () -> Beta.create(Double.NaN, 1.0));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments alpha, beta, x
        assertGradient(a -> new Beta(a[0], a[1]).logDensity(a[2]), 2.0, 3.0, 0.3);
        assertGradient(a -> new Beta(a[0], a[1]).logDensity(a[2]), 0.5, 1.7, 0.85);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Beta(a[0], a[1]),
                new double[][] {{0.5, 2.0, 5.0}, {1.5, 2.0, 0.7}}, new double[] {0.1, 0.5, 0.95}, true);
    }
}
