package org.ppl4j.stdlib.dist;

import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;

class GammaTest {
    private static final double SQRT_PI = Math.sqrt(Math.PI);

    /** The density rate^k x^(k-1) e^(-rate x) / Gamma(k), with Gamma(k) given exactly by the caller. */
    private static double logPdf(double x, double k, double rate, double gammaK) {
        return Math.log(Math.pow(rate, k) * Math.pow(x, k - 1) * Math.exp(-rate * x) / gammaK);
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(1.3, 3, 2, 2.0), new Gamma(3.0, 2.0).logDensity(1.3)); // Gamma(3) = 2
        assertLogDensity(logPdf(0.4, 0.5, 1.5, SQRT_PI), new Gamma(0.5, 1.5).logDensity(0.4)); // Gamma(1/2) = sqrt(pi)
        assertLogDensity(logPdf(7.0, 2.5, 0.5, 0.75 * SQRT_PI), Gamma.create(2.5, 0.5).logDensity(7.0));
        assertOutsideSupport(new Gamma(2.0, 1.0), -1.0);
        assertOutsideSupport(new Gamma(2.0, 1.0), 0.0);
    }

    /** Fourth central moment of gamma(k, r): 3 k (k + 2) / r^4 (excess kurtosis 6 / k). */
    private static void moments(double k, double r, long seed) {
        assertMoments(new Gamma(k, r), seed, k / r, k / (r * r), 3 * k * (k + 2) / Math.pow(r, 4));
    }

    /** Seed 15, N = 20000, gamma(3, 2); bounds 5 SE of mean and of sample variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(3.0, 2.0, 15);
    }

    /** Seed 16, N = 20000, gamma(0.5, 1.5): shape below 1 exercises the boosted sampler; same bounds. */
    @Test
    void sampleMomentsSmallShape() {
        moments(0.5, 1.5, 16);
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("gamma", "shape", () -> new Gamma(0.0, 1.0));
        assertRejects("gamma", "shape", () -> new Gamma(-1.0, 1.0));
        assertRejects("gamma", "rate", () -> new Gamma(1.0, -2.0));
        assertRejects("gamma", "rate", () -> Gamma.create(1.0, Double.NaN));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments shape, rate, x
        assertGradient(a -> new Gamma(a[0], a[1]).logDensity(a[2]), 3.0, 2.0, 1.3);
        assertGradient(a -> new Gamma(a[0], a[1]).logDensity(a[2]), 0.5, 1.5, 0.4);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Gamma(a[0], a[1]),
                new double[][] {{0.5, 2.0, 7.0}, {1.0, 0.5, 3.0}}, new double[] {0.2, 3.0, 2.1}, true);
    }
}
