package org.ppl4j.stdlib.dist;

import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertReparamGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;

class LogNormalTest {
    /** The density exp(-(log x - mu)^2 / (2 sigma^2)) / (x sigma sqrt(2 pi)), evaluated and then logged. */
    private static double logPdf(double x, double mu, double sigma) {
        double d = Math.log(x) - mu;
        return Math.log(Math.exp(-d * d / (2 * sigma * sigma)) / (x * sigma * Math.sqrt(2 * Math.PI)));
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(2.5, 0.3, 0.8), new LogNormal(0.3, 0.8).logDensity(2.5));
        assertLogDensity(logPdf(0.05, 1.0, 0.5), new LogNormal(1.0, 0.5).logDensity(0.05));
        assertOutsideSupport(new LogNormal(0.0, 1.0), 0.0);
        assertOutsideSupport(new LogNormal(0.0, 1.0), -1.0);
    }

    /**
     * Seed 12, N = 20000, lognormal(0.2, 0.4): mean e^(mu + s^2/2), variance (e^(s^2) - 1) e^(2 mu + s^2), fourth
     * central moment variance^2 (e^(4 s^2) + 2 e^(3 s^2) + 3 e^(2 s^2) - 3); bounds 5 SE as in assertMoments.
     */
    @Test
    void sampleMoments() {
        double mu = 0.2;
        double s2 = 0.4 * 0.4;
        double mean = Math.exp(mu + s2 / 2);
        double variance = (Math.exp(s2) - 1) * Math.exp(2 * mu + s2);
        double kurtosis = Math.exp(4 * s2) + 2 * Math.exp(3 * s2) + 3 * Math.exp(2 * s2) - 3;
        assertMoments(new LogNormal(mu, 0.4), 12, mean, variance, kurtosis * variance * variance);
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("lognormal", "sigma", () -> new LogNormal(0.0, -0.5));
        assertRejects("lognormal", "sigma", () -> LogNormal.create(0.0, 0.0));
        assertRejects("lognormal", "mu", () -> new LogNormal(Double.NaN, 1.0));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        assertGradient(a -> new LogNormal(a[0], a[1]).logDensity(a[2]), 0.3, 0.8, 2.5);
        assertGradient(a -> new LogNormal(a[0], a[1]).logDensity(a[2]), -1.0, 1.5, 0.2);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new LogNormal(a[0], a[1]), 42, 0.3, 0.8);
        assertReparamGradient(a -> new LogNormal(a[0], a[1]), 9, -0.5, 1.3);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new LogNormal(a[0], a[1]),
                new double[][] {{0.0, 0.5, -1.0}, {1.0, 0.3, 2.0}}, new double[] {1.2, 0.7, 3.0}, true);
    }
}
