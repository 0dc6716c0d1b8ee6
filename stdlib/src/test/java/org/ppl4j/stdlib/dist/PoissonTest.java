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
import static org.ppl4j.stdlib.dist.DistTestSupport.exactGradient;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution.WeakDerivative;

class PoissonTest {
    /** lambda^k e^(-lambda) / k!, with k! multiplied out, evaluated and then logged. */
    private static double logPmf(int k, double lambda) {
        double factorial = 1;
        for (int i = 2; i <= k; i++) {
            factorial *= i;
        }
        return Math.log(Math.pow(lambda, k) * Math.exp(-lambda) / factorial);
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPmf(3, 2.5), new Poisson(2.5).logDensity(3.0));
        assertLogDensity(logPmf(0, 0.7), new Poisson(0.7).logDensity(0.0));
        assertLogDensity(logPmf(30, 22.0), Poisson.create(22.0).logDensity(30));
        assertOutsideSupport(new Poisson(2.0), 2.5);
        assertOutsideSupport(new Poisson(2.0), -1.0);
    }

    /** Fourth central moment of poisson(l): l + 3 l^2. */
    private static void moments(double rate, long seed) {
        assertMoments(new Poisson(rate), seed, rate, rate, rate + 3 * rate * rate);
    }

    /** Seed 19, N = 20000, poisson(4) (inversion sampler); bounds 5 SE of mean and variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(4.0, 19);
    }

    /** Seed 20, N = 20000, poisson(35) (transformed-rejection sampler); same bounds. */
    @Test
    void sampleMomentsLargeRate() {
        moments(35.0, 20);
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("poisson", "rate", () -> new Poisson(0.0));
        assertRejects("poisson", "rate", () -> new Poisson(-1.0));
        assertRejects("poisson", "rate", () -> Poisson.create(Double.POSITIVE_INFINITY));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // the count is discrete: the gradient is with respect to the rate only
        assertGradient(a -> new Poisson(a[0]).logDensity(3.0), 2.5);
        assertGradient(a -> new Poisson(a[0]).logDensity(0.0), 0.7);
        assertGradient(a -> new Poisson(a[0]).logDensity(30.0), 22.0);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Poisson(a[0]),
                new double[][] {{0.5, 3.0, 12.0}}, new double[] {0.0, 2.0, 15.0}, true);
    }

    /** Analytic d/d rate E[f(N)] = sum_k f(k) P(k) (k / rate - 1), P(k) from {@link #logPmf}. */
    private static double[] exactGradient(double rate, DoubleUnaryOperator f) {
        return DistTestSupport.exactGradient(k -> Math.exp(logPmf(k, rate)),
                k -> new double[] {Math.exp(logPmf(k, rate)) * (k / rate - 1)}, f, rate, -1);
    }

    /**
     * Seeds 51-54, N = 20000 draws each: the mean gradient of the weak-derivative surrogate, f(x + 1) - f(x),
     * matches the exact gradient within 5 standard errors.
     */
    @Test
    void weakDerivativesAreUnbiased() {
        assertWeakDerivative(Poisson::new, 2.5, SQUARE, exactGradient(2.5, SQUARE), 51);
        assertWeakDerivative(Poisson::new, 2.5, EXP_NEG, exactGradient(2.5, EXP_NEG), 52);
        assertWeakDerivative(Poisson::new, 0.4, SQUARE, exactGradient(0.4, SQUARE), 53);
        assertWeakDerivative(Poisson::new, 0.4, EXP_NEG, exactGradient(0.4, EXP_NEG), 54);
        // the analytic gradient itself: d/d rate E[N^2] = d/d rate (rate + rate^2) = 1 + 2 rate
        assertEquals(6.0, exactGradient(2.5, SQUARE)[0], 1e-12);
    }

    @Test
    void weakDerivativeTerm() {
        List<WeakDerivative> terms = new Poisson(2.5).weakDerivatives(3.0, new Rng(1));
        assertEquals(List.of(new WeakDerivative(2.5, 1.0, 4.0, 3.0)), terms);
        var tensor = assertThrows(UnsupportedOperationException.class,
                () -> new Poisson(Tensor.vector(1, 2)).weakDerivatives(Tensor.vector(0, 1), new Rng(1)));
        assertTrue(tensor.getMessage().startsWith("poisson: weakDerivatives"), tensor.getMessage());
        var iid = assertThrows(UnsupportedOperationException.class,
                () -> new Poisson(2.0).weakDerivatives(Tensor.vector(0, 1), new Rng(1)));
        assertTrue(iid.getMessage().contains("tensor"), iid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Poisson(2.0).weakDerivatives(1.5, new Rng(1)));
    }
}
