package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Special;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.DistributionArgumentException;

/**
 * Extreme but legal parameters give finite log densities, equal to closed forms or asymptotic expansions
 * derived independently of the implementation (each tolerance says what limits it), or a clear error where
 * double precision cannot hold the answer.
 */
class ExtremeParametersTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private static double lp(String dist, Object x, Object... args) {
        double v = AD.scalarValue(Distributions.create(dist, args).logDensity(x));
        return v;
    }

    /** Finite and within {@code rtol} (relative) of {@code expected}. */
    private static void near(double expected, double actual, double rtol, String what) {
        assertTrue(Double.isFinite(actual), what + ": " + actual);
        assertEquals(expected, actual, rtol * Math.abs(expected) + 1e-300, what);
    }

    private static Tensor vec(double... v) {
        return new Tensor(new int[] {v.length}, v);
    }

    @Test
    void tinyScales() {
        // log density at the mode: -log sigma - log(2 pi) / 2; at x = sigma, 1/2 less
        near(-Math.log(1e-300) - 0.5 * LOG_2PI, lp("normal", 0.0, 0.0, 1e-300), 1e-14, "normal");
        near(-Math.log(1e-300) - 0.5 * LOG_2PI - 0.5, lp("normal", 1e-300, 0.0, 1e-300), 1e-14, "normal at sigma");
        // one unit away is -5e599: below the smallest double, so -infinity is the correctly rounded answer
        assertEquals(Double.NEGATIVE_INFINITY, lp("normal", 1.0, 0.0, 1e-300));
        near(-Math.log(1e-300) - 0.5 * LOG_2PI, lp("lognormal", 1.0, 0.0, 1e-300), 1e-14, "lognormal");
        near(Math.log(2) - Math.log(1e-300) - 0.5 * LOG_2PI, lp("halfnormal", 0.0, 1e-300), 1e-14, "halfnormal");
        near(-Math.log(Math.PI * 1e-300), lp("cauchy", 0.0, 0.0, 1e-300), 1e-14, "cauchy");
        near(-Math.log(Math.PI * 1e-300), lp("studentt", 0.0, 1.0, 0.0, 1e-300), 1e-14, "studentt with df 1");
        near(Math.log(1e-300) - 1e-300, lp("exponential", 1.0, 1e-300), 1e-14, "exponential");
    }

    @Test
    void probabilitiesNextToZeroAndOne() {
        double p = 1 - 1e-16; // the double nearest is 1 - 2^-53
        double q = 1 - p; // exactly 2^-53
        assertEquals(Math.pow(2, -53), q);
        near(Math.log(q), lp("bernoulli", 0.0, p, null), 1e-14, "bernoulli(1 - 1e-16) at 0");
        near(-q, lp("bernoulli", 1.0, p, null), 1e-14, "bernoulli(1 - 1e-16) at 1");
        near(Math.log(1e-16), lp("bernoulli", 1.0, 1e-16, null), 1e-14, "bernoulli(1e-16) at 1");
        near(-1e-16, lp("bernoulli", 0.0, 1e-16, null), 1e-14, "bernoulli(1e-16) at 0");
        near(Math.log(1e-300), lp("bernoulli", 1.0, 1e-300, null), 1e-14, "bernoulli(1e-300) at 1");
        near(-800, lp("bernoulli", 0.0, null, 800.0), 1e-14, "bernoulli(logits: 800) at 0");
        near(Math.log(1e-16) - 1e9 * 1e-16, lp("geometric", 1e9, 1e-16), 1e-14, "geometric(1e-16) at 1e9");
        // categorical: a probability of 1e-300 next to one of 1 - 1e-300 (= 1), and logits 2000 apart
        near(Math.log(1e-300), lp("categorical", 0.0, vec(1e-300, 1 - 1e-300), null), 1e-14, "categorical, p 1e-300");
        assertEquals(0.0, lp("categorical", 1.0, vec(1e-300, 1 - 1e-300), null), 1e-300);
        // normalised through logs of 1e-300 (690): 1e-13 absolute
        // (weights that do not sum to 1 are refused by the language's categorical; the Java API normalises them)
        near(-Math.log(3), AD.scalarValue(Categorical.ofProbabilities(vec(1e-300, 1e-300, 1e-300)).logDensity(0.0)),
                1e-12, "tiny equal weights");
        near(-2000, lp("categorical", 0.0, null, vec(-1000, 1000)), 1e-14, "categorical, logits -1000, 1000");
    }

    @Test
    void countsOfABillion() {
        // binomial(2m, 1/2) at m: log C(2m, m) - 2m log 2 = -log(pi m) / 2 - 1/(8m) + O(1/m^3) (Stirling). The
        // pmf is a difference of lgamma terms of 2e10: 2e10 x 2^-52 = 4e-6 absolute is what double precision keeps
        double m = 5e8;
        assertEquals(-0.5 * Math.log(Math.PI * m) - 1 / (8 * m), lp("binomial", m, 2 * m, 0.5, null), 1e-5);
        double q = Math.pow(2, -53);
        near(1e9 * Math.log1p(-q), lp("binomial", 1e9, 1e9, 1 - q, null), 1e-12, "binomial(1e9, 1 - 2^-53) at n");
        near(1e9 * Math.log1p(-1e-16), lp("binomial", 0.0, 1e9, 1e-16, null), 1e-12, "binomial(1e9, 1e-16) at 0");
        // binomial(1e9, 1e-9) at 3 is poisson(1) at 3 up to O(1/n)
        assertEquals(-1 - Math.log(6), lp("binomial", 3.0, 1e9, 1e-9, null), 1e-5);
        // poisson(n) at n: -log(2 pi n) / 2 - 1/(12 n) + O(1/n^2)
        assertEquals(-0.5 * Math.log(2 * Math.PI * 1e9) - 1 / 12e9, lp("poisson", 1e9, 1e9), 1e-5); // as above
        assertEquals(0.0, lp("poisson", 0.0, 1e-300), 1e-12);
        double far = lp("poisson", 1e9, 1e-300);
        assertTrue(Double.isFinite(far) && far < 1e9 * Math.log(1e-300), "poisson(1e-300) at 1e9: " + far);
    }

    @Test
    void gammaShapesFromTinyToHuge() {
        // lgamma(a) = -log a - euler a + O(a^2) for a tiny: at x = 1, rate 1: log a - 1
        near(Math.log(1e-300) - 1, lp("gamma", 1.0, 1e-300, 1.0), 1e-14, "gamma(1e-300)");
        near(Math.log(1e-300) - 1e-300, lp("gamma", 1.0, 1.0, 1e-300), 1e-14, "gamma(1, 1e-300): exponential");
        // gamma(a, a) at its mean 1: log(a) / 2 - log(2 pi) / 2 - 1/(12 a) + O(1/a^3) (Stirling)
        for (double a : new double[] {1e10, 1e15, 1e100, 1e300}) {
            near(0.5 * Math.log(a) - 0.5 * LOG_2PI - 1 / (12 * a), lp("gamma", 1.0, a, a), 1e-12, "gamma(" + a + ")");
        }
        // either side of the switch to Stirling's series, against the formula as written (exact enough there)
        for (double a : new double[] {9999.5, 10000.5, 2.5}) {
            double rate = a / 2;
            double x = 2.3;
            double direct = a * Math.log(rate) - Special.lgamma(a) + (a - 1) * Math.log(x) - rate * x;
            near(direct, lp("gamma", x, a, rate), 1e-9, "gamma(" + a + ")");
        }
        assertGradient(v -> Gamma.create(v[0], v[1]).logDensity(v[2]), 2e4, 1e4, 2.5);
        assertGradient(v -> Gamma.create(v[0], v[1]).logDensity(v[2]), 2.5, 1.5, 0.7);
    }

    @Test
    void studentTFromTinyToHugeDegreesOfFreedom() {
        // df -> infinity is the normal: -log(2 pi) / 2 at 0, and -1/2 less at 1
        near(-0.5 * LOG_2PI, lp("studentt", 0.0, 1e300, 0.0, 1.0), 1e-14, "studentt(1e300) at 0");
        near(-0.5 * LOG_2PI - 0.5, lp("studentt", 1.0, 1e300, 0.0, 1.0), 1e-14, "studentt(1e300) at 1");
        // df 1e-300: lgamma(1/2) - lgamma(df / 2) - log(pi df) / 2 at 0
        double df = 1e-300;
        near(Special.lgamma(0.5) + Math.log(df / 2) - 0.5 * Math.log(Math.PI * df), lp("studentt", 0.0, df, 0.0, 1.0),
                1e-12, "studentt(1e-300)");
        // either side of the switch to the asymptotic series, against the closed form
        for (double nu : new double[] {9999.5, 10000.5, 3.0}) {
            double x = 0.8;
            double direct = Special.lgamma((nu + 1) / 2) - Special.lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI)
                    - (nu + 1) / 2 * Math.log1p(x * x / nu);
            near(direct, lp("studentt", x, nu, 0.0, 1.0), 1e-10, "studentt(" + nu + ")");
        }
        assertGradient(v -> StudentT.create(v[0], 0.0, 1.0).logDensity(v[1]), 2e4, 0.8);
        assertGradient(v -> StudentT.create(v[0], 0.0, 1.0).logDensity(v[1]), 3.0, 0.8);
    }

    @Test
    void betaAndDirichletConcentrations() {
        // tiny: lgamma(a) = -log a for a -> 0, so -log B(a, a) = 2 log a - log(2a) = log(a / 2); plus 2 log 2 at 1/2
        double a = 1e-300;
        near(Math.log(a / 2) + 2 * Math.log(2), lp("beta", 0.5, a, a), 1e-12, "beta(1e-300, 1e-300)");
        near(Math.log(a / 2) + 2 * Math.log(2), lp("dirichlet", vec(0.5, 0.5), vec(a, a)), 1e-12, "dirichlet(1e-300)");
        // large: beta(c, c) at 1/2 is log(c) / 2 + (3/2) log 2 - log(2 pi) / 2 - 1/(8c) + O(1/c^3) (Stirling); the
        // lgamma terms of 2e11 cancel, so 1e-5 absolute is what double precision leaves at 1e10
        double c = 1e10;
        assertEquals(0.5 * Math.log(c) + 1.5 * Math.log(2) - 0.5 * LOG_2PI - 1 / (8 * c), lp("beta", 0.5, c, c), 1e-4);
        // beyond 1e10: refused, naming the argument and the bound
        DistributionArgumentException e = assertThrows(DistributionArgumentException.class,
                () -> Distributions.create("beta", new Object[] {1e300, 1.0}));
        assertEquals("beta: argument 'alpha' must be a positive number at most 1e10 (beyond it the log density cannot"
                + " be computed in double precision), got 1.0E300", e.getMessage());
        assertThrows(DistributionArgumentException.class,
                () -> Distributions.create("dirichlet", new Object[] {vec(1, 2e10)}));
    }
}
