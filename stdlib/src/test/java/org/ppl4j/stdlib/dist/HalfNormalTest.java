package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertReparamGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;

class HalfNormalTest {
    /** The density 2 (2 pi s^2)^(-1/2) exp(-x^2 / (2 s^2)) on x >= 0, evaluated and then logged. */
    private static double logPdf(double x, double s) {
        return Math.log(2 * Math.exp(-x * x / (2 * s * s)) / Math.sqrt(2 * Math.PI * s * s));
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(1.3, 2.0), new HalfNormal(2.0).logDensity(1.3));
        assertLogDensity(logPdf(0.05, 0.3), HalfNormal.create(0.3).logDensity(0.05));
        assertLogDensity(logPdf(0.0, 1.5), new HalfNormal(1.5).logDensity(0.0)); // 0 is in the support
        assertOutsideSupport(new HalfNormal(1.0), -0.1);
        assertOutsideSupport(new HalfNormal(1.0), Double.NaN);
    }

    /**
     * Seed 111, N = 20000, halfnormal(1.7). From the raw moments E X = s sqrt(2/pi), E X^2 = s^2,
     * E X^3 = 2 s^3 sqrt(2/pi), E X^4 = 3 s^4: the variance and the fourth central moment
     * E X^4 - 4 m E X^3 + 6 m^2 E X^2 - 3 m^4. Bounds as in assertMoments.
     */
    @Test
    void sampleMoments() {
        double s = 1.7;
        double m = s * Math.sqrt(2 / Math.PI);
        double m2 = s * s;
        double m3 = 2 * s * s * s * Math.sqrt(2 / Math.PI);
        double m4 = 3 * Math.pow(s, 4);
        assertMoments(new HalfNormal(s), 111, m, m2 - m * m, m4 - 4 * m * m3 + 6 * m * m * m2 - 3 * Math.pow(m, 4));
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("halfnormal", "scale", () -> new HalfNormal(0.0));
        assertEquals("halfnormal: argument 'scale' must be a positive finite number, got 0",
                e.getMessage());
        assertRejects("halfnormal", "scale", () -> new HalfNormal(-1.0));
        assertRejects("halfnormal", "scale", () -> HalfNormal.create(Double.NaN));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments scale, x
        assertGradient(a -> new HalfNormal(a[0]).logDensity(a[1]), 2.0, 1.3);
        assertGradient(a -> new HalfNormal(a[0]).logDensity(a[1]), 0.3, 0.05);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new HalfNormal(a[0]), 42, 1.7);
        assertReparamGradient(a -> new HalfNormal(a[0]), 112, 0.2);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new HalfNormal(a[0]),
                new double[][] {{0.5, 1.0, 4.0}}, new double[] {2.0, 0.1, 0.0}, true);
    }
}
