package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.EXP_NEG;
import static org.ppl4j.stdlib.dist.DistTestSupport.SQUARE;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertWeakDerivative;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution.WeakDerivative;

class GeometricTest {
    /** (1 - p)^k p, with the power multiplied out, evaluated and then logged. */
    private static double pmf(int k, double p) {
        double q = 1;
        for (int i = 0; i < k; i++) {
            q *= 1 - p;
        }
        return q * p;
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(Math.log(pmf(4, 0.3)), new Geometric(0.3).logDensity(4.0));
        assertLogDensity(Math.log(pmf(0, 0.3)), new Geometric(0.3).logDensity(0.0));
        assertLogDensity(Math.log(pmf(25, 0.05)), Geometric.create(0.05).logDensity(25));
        // p = 1: every trial succeeds, so there are no failures
        assertLogDensity(0.0, new Geometric(1.0).logDensity(0.0));
        assertLogDensity(Double.NEGATIVE_INFINITY, new Geometric(1.0).logDensity(2.0));
        assertOutsideSupport(new Geometric(0.3), -1.0);
        assertOutsideSupport(new Geometric(0.3), 2.5);
    }

    /** Mean q / p, variance q / p^2, fourth central moment q (9 q + p^2) / p^4 (q = 1 - p). */
    private static void moments(double p, long seed) {
        double q = 1 - p;
        assertMoments(new Geometric(p), seed, q / p, q / (p * p), q * (9 * q + p * p) / Math.pow(p, 4));
    }

    /** Seed 61, N = 20000, geometric(0.3); bounds 5 SE of mean and of sample variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(0.3, 61);
    }

    /** Seed 62, N = 20000, geometric(0.05), a long tail; same bounds. */
    @Test
    void sampleMomentsSmallP() {
        moments(0.05, 62);
    }

    @Test
    void samplesWithCertainSuccessAreZero() {
        Rng rng = new Rng(63);
        for (int i = 0; i < 100; i++) {
            assertEquals(0.0, new Geometric(1.0).sample(rng));
        }
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("geometric", "p", () -> new Geometric(0.0));
        assertEquals("geometric: argument 'p' must be a probability in (0, 1], got 0", e.getMessage());
        assertRejects("geometric", "p", () -> new Geometric(1.5));
        assertRejects("geometric", "p", () -> new Geometric(-0.2));
        assertRejects("geometric", "p", () -> Geometric.create(Double.NaN));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        assertGradient(a -> new Geometric(a[0]).logDensity(4.0), 0.3);
        assertGradient(a -> new Geometric(a[0]).logDensity(0.0), 0.3);
        assertGradient(a -> new Geometric(a[0]).logDensity(25.0), 0.05);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Geometric(a[0]),
                new double[][] {{0.1, 0.5, 0.9}}, new double[] {3.0, 0.0, 1.0}, true);
    }

    /** Analytic d/dp E[f(N)] = sum_k f(k) P(k) (1 / p - k / (1 - p)). */
    private static double[] exactGradient(double p, DoubleUnaryOperator f) {
        return DistTestSupport.exactGradient(k -> pmf(k, p), k -> new double[] {pmf(k, p) * (1 / p - k / (1 - p))}, f,
                (1 - p) / p, -1);
    }

    /**
     * Seeds 64-67 (weak-derivative draws from seed + 1), N = 20000 draws each: the mean gradient of the surrogate
     * (1/p) (f(x) - f(x + 1 + G)) matches the exact gradient within 5 standard errors.
     */
    @Test
    void weakDerivativesAreUnbiased() {
        assertWeakDerivative(Geometric::new, 0.35, SQUARE, exactGradient(0.35, SQUARE), 64);
        assertWeakDerivative(Geometric::new, 0.35, EXP_NEG, exactGradient(0.35, EXP_NEG), 65);
        assertWeakDerivative(Geometric::new, 0.8, SQUARE, exactGradient(0.8, SQUARE), 66);
        assertWeakDerivative(Geometric::new, 0.8, EXP_NEG, exactGradient(0.8, EXP_NEG), 67);
        // the exact sum agrees with the derivative of the closed form of E[N^2] (central difference, h = 1e-6)
        double h = 1e-6;
        double fd = (secondMoment(0.35 + h) - secondMoment(0.35 - h)) / (2 * h);
        assertEquals(fd, exactGradient(0.35, SQUARE)[0], 1e-6);
    }

    /** E[N^2] = variance + mean^2 = q (1 + q) / p^2. */
    private static double secondMoment(double p) {
        double q = 1 - p;
        return q * (1 + q) / (p * p);
    }

    @Test
    void weakDerivativeTermDrawsFromTheAuxiliaryStream() {
        Rng aux = new Rng(68);
        List<WeakDerivative> terms = new Geometric(0.4).weakDerivatives(2.0, aux);
        double g = (Double) new Geometric(0.4).sample(new Rng(68)); // the same draw G
        assertEquals(List.of(new WeakDerivative(0.4, 1 / 0.4, 2.0, 3.0 + g)), terms);
        var tensor = assertThrows(UnsupportedOperationException.class,
                () -> new Geometric(Tensor.vector(0.2, 0.4)).weakDerivatives(Tensor.vector(0, 1), new Rng(1)));
        assertTrue(tensor.getMessage().startsWith("geometric: weakDerivatives"), tensor.getMessage());
    }
}
