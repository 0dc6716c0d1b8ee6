package org.ppl4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Moment checks with fixed seeds. Each bound is 5 standard errors of the statistic, so a correct sampler
 * fails a given check with probability below 6e-7 (and, the seeds being fixed, the outcome never changes).
 */
class RngTest {
    static final int N = 100_000;

    @Test
    void sameSeedSameStream() {
        Rng a = new Rng(12345);
        Rng b = new Rng(12345);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.nextLong(), b.nextLong());
            assertEquals(a.nextGaussian(), b.nextGaussian());
            assertEquals(a.nextGamma(0.7), b.nextGamma(0.7));
            assertEquals(a.nextPoisson(20), b.nextPoisson(20));
        }
        Rng c = new Rng(12346);
        Rng d = new Rng(12345);
        assertNotEquals(c.nextLong(), d.nextLong());
    }

    @Test
    void stateRestoresTheStream() {
        Rng a = new Rng(9);
        a.nextGaussian();
        a.nextGaussian(); // uses the spare: nothing is pending now
        long[] s = a.state();
        double[] first = {a.nextDouble(), a.nextGaussian(), a.nextGaussian(), a.nextGamma(2.5)};
        Rng b = new Rng(0);
        b.restore(s);
        assertArrayEquals(first, new double[] {b.nextDouble(), b.nextGaussian(), b.nextGaussian(), b.nextGamma(2.5)},
                0.0);
    }

    @Test
    void stateIncludesAPendingGaussian() {
        Rng a = new Rng(9);
        a.nextGaussian(); // leaves the pair's second variate pending
        long[] s = a.state();
        double next = a.nextGaussian();
        Rng b = new Rng(0);
        b.restore(s);
        assertEquals(next, b.nextGaussian(), 0.0);
    }

    @Test
    void uniformsAreInRange() {
        Rng r = new Rng(3);
        for (int i = 0; i < N; i++) {
            double u = r.nextDouble();
            double o = r.nextOpenDouble();
            int k = r.nextInt(7);
            assertTrue(u >= 0 && u < 1);
            assertTrue(o > 0 && o < 1);
            assertTrue(k >= 0 && k < 7);
        }
    }

    @Test
    void gaussianMeanAndVariance() {
        // seed 2024, N = 1e5. Mean: sd 1/sqrt(N) = 0.00316, bound 5 sd = 0.0158.
        // Sample variance: sd sqrt(2/N) = 0.00447 (kurtosis 3), bound 5 sd = 0.0224.
        Rng r = new Rng(2024);
        double s = 0;
        double ss = 0;
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = r.nextGaussian();
            s += x[i];
        }
        double mean = s / N;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double var = ss / (N - 1);
        assertEquals(0, mean, 5 / Math.sqrt(N));
        assertEquals(1, var, 5 * Math.sqrt(2.0 / N));
    }

    @ParameterizedTest(name = "Gamma({0}, 1)")
    @ValueSource(doubles = {0.5, 2, 10})
    void gammaMean(double shape) {
        // seed 77, N = 1e5: Gamma(a, 1) has mean a and variance a, so the sample mean's bound is 5 sqrt(a / N)
        // (0.0112, 0.0224, 0.05). The variance a is checked too: Var(s^2) ~ (mu4 - a^2) / N with
        // mu4 = 3a^2 + 6a, i.e. sd sqrt((2a^2 + 6a) / N).
        Rng r = new Rng(77);
        double[] x = new double[N];
        double s = 0;
        for (int i = 0; i < N; i++) {
            x[i] = r.nextGamma(shape);
            assertTrue(x[i] > 0);
            s += x[i];
        }
        double mean = s / N;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        assertEquals(shape, mean, 5 * Math.sqrt(shape / N));
        assertEquals(shape, ss / (N - 1), 5 * Math.sqrt((2 * shape * shape + 6 * shape) / N));
    }

    @ParameterizedTest(name = "Poisson({0})")
    @ValueSource(doubles = {3, 50})
    void poissonMean(double rate) {
        // seed 5, N = 1e5: mean and variance are both the rate; the mean's bound is 5 sqrt(rate / N)
        // (0.0274, 0.112). Rate 3 uses inversion, rate 50 the PTRS rejection sampler. The variance is checked
        // with Var(s^2) ~ (mu4 - rate^2) / N, mu4 = rate (1 + 3 rate): sd sqrt((rate + 2 rate^2) / N).
        Rng r = new Rng(5);
        long[] x = new long[N];
        double s = 0;
        for (int i = 0; i < N; i++) {
            x[i] = r.nextPoisson(rate);
            assertTrue(x[i] >= 0);
            s += x[i];
        }
        double mean = s / N;
        double ss = 0;
        for (long v : x) {
            ss += (v - mean) * (v - mean);
        }
        assertEquals(rate, mean, 5 * Math.sqrt(rate / N));
        assertEquals(rate, ss / (N - 1), 5 * Math.sqrt((rate + 2 * rate * rate) / N));
    }
}
