package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertFractionBelow;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertReparamGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;
import static org.ppl4j.stdlib.dist.DistTestSupport.draw;

import org.junit.jupiter.api.Test;

class HalfCauchyTest {
    /** The density 2 / (pi s (1 + (x / s)^2)) on x >= 0, evaluated and then logged. */
    private static double logPdf(double x, double s) {
        return Math.log(2 / (Math.PI * s * (1 + (x / s) * (x / s))));
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(1.7, 2.0), new HalfCauchy(2.0).logDensity(1.7));
        assertLogDensity(logPdf(30.0, 0.3), HalfCauchy.create(0.3).logDensity(30.0));
        assertLogDensity(logPdf(0.0, 1.0), new HalfCauchy(1.0).logDensity(0.0));
        assertOutsideSupport(new HalfCauchy(1.0), -0.5);
    }

    /**
     * Seed 131, N = 20000, halfcauchy(0.8), which has an infinite mean: P(X <= x) = (2 / pi) atan(x / s), so the
     * median is s; the fractions at or below s, 0.2 s and 5 s match within 5 binomial standard errors
     * sqrt(P (1 - P) / N). Every draw is non-negative (checked by draw).
     */
    @Test
    void sampleQuantiles() {
        double s = 0.8;
        double[] xs = draw(new HalfCauchy(s), 131);
        assertFractionBelow(xs, s, 0.5);
        assertFractionBelow(xs, 0.2 * s, 2 / Math.PI * Math.atan(0.2));
        assertFractionBelow(xs, 5 * s, 2 / Math.PI * Math.atan(5));
    }

    @Test
    void momentsAreInfinite() {
        var mean = assertThrows(UnsupportedOperationException.class, () -> new HalfCauchy(1.0).mean());
        assertEquals("halfcauchy: the mean is infinite", mean.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> new HalfCauchy(1.0).variance());
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("halfcauchy", "scale", () -> new HalfCauchy(-2.0));
        assertEquals("halfcauchy: argument 'scale' must be a positive finite number, got -2", e.getMessage());
        assertRejects("halfcauchy", "scale", () -> new HalfCauchy(0.0));
        assertRejects("halfcauchy", "scale", () -> HalfCauchy.create(Double.POSITIVE_INFINITY));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments scale, x
        assertGradient(a -> new HalfCauchy(a[0]).logDensity(a[1]), 2.0, 1.7);
        assertGradient(a -> new HalfCauchy(a[0]).logDensity(a[1]), 0.3, 30.0);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new HalfCauchy(a[0]), 42, 1.7);
        assertReparamGradient(a -> new HalfCauchy(a[0]), 132, 0.2);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new HalfCauchy(a[0]),
                new double[][] {{0.5, 1.0, 4.0}}, new double[] {2.0, 0.1, 0.0}, true);
    }
}
