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

class CauchyTest {
    /** The density 1 / (pi s (1 + ((x - m) / s)^2)), evaluated and then logged. */
    private static double logPdf(double x, double m, double s) {
        double z = (x - m) / s;
        return Math.log(1 / (Math.PI * s * (1 + z * z)));
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(1.7, 0.5, 2.0), new Cauchy(0.5, 2.0).logDensity(1.7));
        assertLogDensity(logPdf(-30.0, 1.0, 0.3), Cauchy.create(1.0, 0.3).logDensity(-30.0));
        assertLogDensity(logPdf(0.0, 0.0, 1.0), new Cauchy(0.0, 1.0).logDensity(0.0));
        assertOutsideSupport(new Cauchy(0.0, 1.0), Double.NaN);
    }

    /**
     * Seed 121, N = 20000, cauchy(1.5, 0.8), which has no mean or variance: the fraction of draws at or below the
     * median loc is 1/2, and at or below loc + scale (the upper quartile) 3/4, each within 5 binomial standard
     * errors sqrt(P (1 - P) / N).
     */
    @Test
    void sampleQuantiles() {
        double[] xs = draw(new Cauchy(1.5, 0.8), 121);
        assertFractionBelow(xs, 1.5, 0.5);
        assertFractionBelow(xs, 1.5 + 0.8, 0.75);
        assertFractionBelow(xs, 1.5 - 3 * 0.8, 0.5 + Math.atan(-3) / Math.PI);
    }

    @Test
    void momentsAreUndefined() {
        var mean = assertThrows(UnsupportedOperationException.class, () -> new Cauchy(0.0, 1.0).mean());
        assertEquals("cauchy: the mean is undefined", mean.getMessage());
        var variance = assertThrows(UnsupportedOperationException.class, () -> new Cauchy(0.0, 1.0).variance());
        assertEquals("cauchy: the variance is undefined", variance.getMessage());
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("cauchy", "scale", () -> new Cauchy(0.0, 0.0));
        assertRejects("cauchy", "scale", () -> new Cauchy(0.0, -1.0));
        assertRejects("cauchy", "loc", () -> new Cauchy(Double.NaN, 1.0));
        var e = assertRejects("cauchy", "loc", () -> Cauchy.create(Double.NEGATIVE_INFINITY, 1.0));
        assertEquals("cauchy: argument 'loc' must be a finite number, got -Infinity", e.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments loc, scale, x
        assertGradient(a -> new Cauchy(a[0], a[1]).logDensity(a[2]), 0.5, 2.0, 1.7);
        assertGradient(a -> new Cauchy(a[0], a[1]).logDensity(a[2]), 1.0, 0.3, -30.0);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new Cauchy(a[0], a[1]), 42, 0.3, 1.7);
        assertReparamGradient(a -> new Cauchy(a[0], a[1]), 122, -1.0, 0.2);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Cauchy(a[0], a[1]),
                new double[][] {{0.1, -0.4, 2.0}, {0.5, 1.2, 3.0}}, new double[] {0.3, 0.2, -10.0}, true);
    }
}
