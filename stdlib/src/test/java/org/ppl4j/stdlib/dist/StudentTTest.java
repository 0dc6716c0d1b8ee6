package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertFractionBelow;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;
import static org.ppl4j.stdlib.dist.DistTestSupport.draw;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;

class StudentTTest {
    private static final double SQRT_PI = Math.sqrt(Math.PI);

    /**
     * The density Gamma((v + 1) / 2) / (Gamma(v / 2) sqrt(v pi) s) (1 + z^2 / v)^(-(v + 1) / 2), z = (x - m) / s,
     * with the gamma ratio given exactly by the caller; evaluated and then logged.
     */
    private static double logPdf(double x, double v, double m, double s, double gammaRatio) {
        double z = (x - m) / s;
        return Math.log(gammaRatio / (Math.sqrt(v * Math.PI) * s) * Math.pow(1 + z * z / v, -(v + 1) / 2));
    }

    @Test
    void logDensityMatchesClosedForm() {
        // Gamma(2) / Gamma(3/2) = 1 / (sqrt(pi) / 2)
        assertLogDensity(logPdf(1.7, 3, 0.5, 2.0, 2 / SQRT_PI), new StudentT(3.0, 0.5, 2.0).logDensity(1.7));
        // Gamma(5/2) / Gamma(2) = 3 sqrt(pi) / 4
        assertLogDensity(logPdf(-4.0, 4, 1.0, 0.3, 0.75 * SQRT_PI), StudentT.create(4.0, 1.0, 0.3).logDensity(-4.0));
        // one degree of freedom: the Cauchy
        assertLogDensity(AD.scalarValue(new Cauchy(0.5, 2.0).logDensity(3.0)), new StudentT(1.0, 0.5, 2.0).logDensity(3.0));
        assertOutsideSupport(new StudentT(3.0, 0.0, 1.0), Double.NaN);
    }

    /**
     * Seed 141, N = 20000, studentt(9, 1, 2): mean loc, variance s^2 v / (v - 2), fourth central moment
     * 3 s^4 v^2 / ((v - 2) (v - 4)) (finite for v > 4). Bounds as in assertMoments.
     */
    @Test
    void sampleMoments() {
        double v = 9;
        double s = 2;
        double mu4 = 3 * Math.pow(s, 4) * v * v / ((v - 2) * (v - 4));
        assertMoments(new StudentT(v, 1.0, s), 141, 1.0, s * s * v / (v - 2), mu4);
    }

    /**
     * Seed 142, N = 20000, studentt(2, 0, 1), whose variance is infinite: P(T <= t) = 1/2 + t / (2 sqrt(2 + t^2));
     * the fractions at or below t = -2, 0 and 1 match within 5 binomial standard errors sqrt(P (1 - P) / N).
     */
    @Test
    void sampleQuantilesWithTwoDegreesOfFreedom() {
        double[] xs = draw(new StudentT(2.0, 0.0, 1.0), 142);
        for (double t : new double[] {-2.0, 0.0, 1.0}) {
            assertFractionBelow(xs, t, 0.5 + t / (2 * Math.sqrt(2 + t * t)));
        }
    }

    @Test
    void momentsWhereUndefinedOrInfinite() {
        var mean = assertThrows(UnsupportedOperationException.class, () -> new StudentT(1.0, 0.0, 1.0).mean());
        assertEquals("studentt: the mean is undefined for df <= 1, got df = 1.0", mean.getMessage());
        assertEquals(3.0, new StudentT(1.5, 3.0, 1.0).mean());
        var infinite = assertThrows(UnsupportedOperationException.class, () -> new StudentT(1.5, 0.0, 1.0).variance());
        assertEquals("studentt: the variance is infinite for 1 < df <= 2, got df = 1.5", infinite.getMessage());
        var undefined = assertThrows(UnsupportedOperationException.class, () -> new StudentT(0.5, 0.0, 1.0).variance());
        assertEquals("studentt: the variance is undefined for df <= 1, got df = 0.5", undefined.getMessage());
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("studentt", "df", () -> new StudentT(0.0, 0.0, 1.0));
        assertEquals("studentt: argument 'df' must be a positive finite number, got 0", e.getMessage());
        assertRejects("studentt", "df", () -> new StudentT(Double.POSITIVE_INFINITY, 0.0, 1.0));
        assertRejects("studentt", "loc", () -> new StudentT(3.0, Double.NaN, 1.0));
        assertRejects("studentt", "scale", () -> StudentT.create(3.0, 0.0, -1.0));
        var missing = assertThrows(IllegalArgumentException.class, () -> StudentT.create(3.0, 0.0));
        assertEquals("studentt: missing argument 'scale'", missing.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments df, loc, scale, x
        assertGradient(a -> new StudentT(a[0], a[1], a[2]).logDensity(a[3]), 3.0, 0.5, 2.0, 1.7);
        assertGradient(a -> new StudentT(a[0], a[1], a[2]).logDensity(a[3]), 0.7, 1.0, 0.3, -4.0);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new StudentT(a[0], a[1], a[2]),
                new double[][] {{1.0, 4.0, 30.0}, {0.0}, {0.5, 1.2, 3.0}}, new double[] {0.3, 0.2, -10.0}, true);
    }
}
