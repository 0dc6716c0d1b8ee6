package org.ppl4j.stdlib.dist;

import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;

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
}
