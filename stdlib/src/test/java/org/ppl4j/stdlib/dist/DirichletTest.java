package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertSampleMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertVectorGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.column;
import static org.ppl4j.stdlib.dist.DistTestSupport.drawVectors;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.ShapeException;
import org.ppl4j.runtime.ad.Tensor;

class DirichletTest {
    @Test
    void logDensityMatchesClosedForm() {
        // Gamma(9) / (Gamma(2) Gamma(3) Gamma(4)) = 40320 / 12, times x1 x2^2 x3^3
        assertLogDensity(Math.log(40320.0 / 12 * 0.2 * 0.3 * 0.3 * Math.pow(0.5, 3)),
                new Dirichlet(Tensor.vector(2, 3, 4)).logDensity(Tensor.vector(0.2, 0.3, 0.5)));
        // Gamma(3) / (Gamma(1/2) Gamma(3/2) Gamma(1)) = 2 / (pi / 2), times x1^(-1/2) x2^(1/2)
        assertLogDensity(Math.log(4 / Math.PI / Math.sqrt(0.1) * Math.sqrt(0.6)),
                Dirichlet.create(List.of(0.5, 1.5, 1.0)).logDensity(Tensor.vector(0.1, 0.6, 0.3)));
        // two categories: the beta density x^(a-1) (1-x)^(b-1) / B(a, b), B(2.5, 1.5) = pi / 16
        assertLogDensity(Math.log(Math.pow(0.7, 1.5) * Math.sqrt(0.3) / (Math.PI / 16)),
                new Dirichlet(Tensor.vector(2.5, 1.5)).logDensity(Tensor.vector(0.7, 0.3)));
        // concentration 1 is uniform on the simplex: density Gamma(3) = 2, also at a corner
        assertLogDensity(Math.log(2), new Dirichlet(Tensor.vector(1, 1, 1)).logDensity(Tensor.vector(1, 0, 0)));
    }

    @Test
    void valuesOffTheSimplexHaveNoDensity() {
        Dirichlet d = new Dirichlet(Tensor.vector(2, 3, 4));
        assertOutsideSupport(d, Tensor.vector(0.2, 0.3, 0.4)); // sums to 0.9
        assertOutsideSupport(d, Tensor.vector(-0.1, 0.6, 0.5));
        assertOutsideSupport(d, Tensor.vector(1.1, -0.1, 0.0));
        assertOutsideSupport(d, Tensor.vector(0.2, Double.NaN, 0.5));
        var shape = assertThrows(ShapeException.class, () -> d.logDensity(Tensor.vector(0.5, 0.5)));
        assertTrue(shape.getMessage().startsWith("dirichlet: a value must be a vector of length 3"), shape.getMessage());
        assertThrows(ShapeException.class, () -> d.logDensity(1.0));
    }

    /**
     * Element k is beta(a_k, a0 - a_k): mean a_k / a0, variance a_k (a0 - a_k) / (a0^2 (a0 + 1)), fourth central
     * moment from the beta's excess kurtosis 6 ((a - b)^2 (a + b + 1) - a b (a + b + 2)) / (a b (a + b + 2) (a + b + 3)).
     */
    private static void moments(double[] alpha, long seed) {
        Dirichlet d = new Dirichlet(Tensor.vector(alpha));
        double a0 = 0;
        for (double a : alpha) {
            a0 += a;
        }
        double[][] xs = drawVectors(d, seed, alpha.length);
        for (double[] x : xs) {
            double total = 0;
            for (double v : x) {
                total += v;
            }
            assertEquals(1.0, total, 1e-12, "a draw sums to 1");
        }
        double[] means = new double[alpha.length];
        double[] variances = new double[alpha.length];
        for (int k = 0; k < alpha.length; k++) {
            double a = alpha[k];
            double b = a0 - a;
            double mean = a / a0;
            double variance = a * b / (a0 * a0 * (a0 + 1));
            double excess = 6 * ((a - b) * (a - b) * (a0 + 1) - a * b * (a0 + 2)) / (a * b * (a0 + 2) * (a0 + 3));
            assertSampleMoments(d + " element " + k, column(xs, k), mean, variance, variance * variance * (3 + excess));
            means[k] = mean;
            variances[k] = variance;
        }
        assertArrayEquals(means, d.meanVector().toArray(), 1e-15);
        assertArrayEquals(variances, d.varianceVector().toArray(), 1e-15);
    }

    /** Seed 81, N = 20000, dirichlet(1.5, 2, 3.5): each element's mean and variance within 5 SE, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(new double[] {1.5, 2.0, 3.5}, 81);
    }

    /** Seed 82, N = 20000, dirichlet(0.3, 0.5, 0.2): concentrations below 1 (boosted gamma draws); same bounds. */
    @Test
    void sampleMomentsSmallConcentrations() {
        moments(new double[] {0.3, 0.5, 0.2}, 82);
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("dirichlet", "concentration", () -> new Dirichlet(Tensor.vector(1, 0, 2)));
        assertEquals("dirichlet: argument 'concentration' must be a positive number at most 1e10 (beyond it the log density cannot be computed in double precision), got 0", e.getMessage());
        assertRejects("dirichlet", "concentration", () -> new Dirichlet(Tensor.vector(1, -2)));
        assertRejects("dirichlet", "concentration", () -> Dirichlet.create(Tensor.vector(1, Double.NaN)));
        assertRejects("dirichlet", "concentration", () -> new Dirichlet(Tensor.vector(1, Double.POSITIVE_INFINITY)));
        var scalar = assertThrows(IllegalArgumentException.class, () -> new Dirichlet(2.0));
        assertEquals("dirichlet: argument 'concentration' must be a non-empty vector, got a number", scalar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dirichlet(Tensor.vector()));
        var missing = assertThrows(IllegalArgumentException.class, () -> Dirichlet.create());
        assertEquals("dirichlet: missing argument 'concentration'", missing.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        Tensor x = Tensor.vector(0.2, 0.3, 0.5);
        assertVectorGradient(a -> new Dirichlet(a).logDensity(x), new double[] {2.0, 3.0, 4.0});
        assertVectorGradient(a -> new Dirichlet(a).logDensity(x), new double[] {0.5, 1.5, 1.0});
        // in x along the simplex: the directions e_0 - e_2 and e_1 - e_2 keep the sum at 1
        Dirichlet d = new Dirichlet(Tensor.vector(2.0, 0.7, 4.0));
        assertGradient(t -> d.logDensity(AD.add(x, AD.mul(t[0], Tensor.vector(1, 0, -1)))), 0.0);
        assertGradient(t -> d.logDensity(AD.add(x, AD.mul(t[0], Tensor.vector(0, 1, -1)))), 0.0);
    }

    @Test
    void momentsAreVectors() {
        Dirichlet d = new Dirichlet(Tensor.vector(1, 3));
        assertEquals(Tensor.vector(0.25, 0.75), d.meanVector());
        assertEquals(2, d.dimension());
        var e = assertThrows(UnsupportedOperationException.class, d::mean);
        assertTrue(e.getMessage().contains("meanVector"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, d::variance);
    }
}
