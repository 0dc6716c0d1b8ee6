package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecialTest {
    static void close(double expected, double actual, double rtol, String what) {
        assertEquals(expected, actual, rtol * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void lgammaKnownValues() {
        close(Math.log(Math.sqrt(Math.PI)), Special.lgamma(0.5), 1e-14, "lgamma(0.5)");
        close(Math.log(362880), Special.lgamma(10), 1e-14, "lgamma(10)");
        close(0.0, Special.lgamma(1), 1e-14, "lgamma(1)");
        close(0.0, Special.lgamma(2), 1e-14, "lgamma(2)");
        close(Math.log(2), Special.lgamma(3), 1e-14, "lgamma(3)");
        // Gamma(1.5) = sqrt(pi) / 2; Gamma(-0.5) = -2 sqrt(pi)
        close(Math.log(Math.sqrt(Math.PI) / 2), Special.lgamma(1.5), 1e-14, "lgamma(1.5)");
        close(Math.log(2 * Math.sqrt(Math.PI)), Special.lgamma(-0.5), 1e-14, "lgamma(-0.5)");
        // log(99!) by summation
        double log99 = 0;
        for (int k = 2; k <= 99; k++) {
            log99 += Math.log(k);
        }
        close(log99, Special.lgamma(100), 1e-14, "lgamma(100)");
        // the Stirling branch (x > 1e7) against the Lanczos branch just below it
        close(Special.lgamma(1e7) + Math.log(1e7), Special.lgamma(1e7 + 1), 1e-14, "lgamma(1e7 + 1)");
        assertEquals(Double.POSITIVE_INFINITY, Special.lgamma(0));
        assertEquals(Double.POSITIVE_INFINITY, Special.lgamma(-3));
        assertTrue(Double.isNaN(Special.lgamma(Double.NaN)));
    }

    @Test
    void lgammaRecurrence() {
        for (double x : new double[] {0.01, 0.3, 0.77, 1.4, 4.5, 17.2, 333.3}) {
            close(Special.lgamma(x) + Math.log(x), Special.lgamma(x + 1), 1e-13, "lgamma recurrence at " + x);
        }
    }

    /**
     * digamma recurses up to x >= 6 and then sums the asymptotic series through the x^-10 term. The first omitted
     * term is 691 / (32760 x^12) <= 691 / (32760 * 6^12) = 9.7e-12, so results are accurate to about 1e-11
     * absolute (not to full double precision); the checks below allow 2e-11.
     */
    static final double DIGAMMA_ATOL = 2e-11;

    static void digammaClose(double expected, double actual, String what) {
        assertEquals(expected, actual, DIGAMMA_ATOL + 1e-14 * Math.abs(expected), what);
    }

    @Test
    void digammaToFullPrecision() {
        close(-0.5772156649015329, Special.digamma(1), 1e-14, "digamma(1)");
        close(-1.9635100260214235, Special.digamma(0.5), 1e-14, "digamma(0.5)");
    }

    @Test
    void digammaKnownValues() {
        double eulerGamma = 0.5772156649015329;
        digammaClose(-eulerGamma, Special.digamma(1), "digamma(1)");
        digammaClose(-1.9635100260214235, Special.digamma(0.5), "digamma(0.5)");
        digammaClose(1 - eulerGamma, Special.digamma(2), "digamma(2)");
        // psi(n) = H_{n-1} - gamma
        double h = 0;
        for (int k = 1; k < 10; k++) {
            h += 1.0 / k;
        }
        digammaClose(h - eulerGamma, Special.digamma(10), "digamma(10)");
        // reflection psi(1 - x) - psi(x) = pi cot(pi x); at x = -0.5 the cotangent is 0
        digammaClose(Special.digamma(1.5), Special.digamma(-0.5), "digamma(-0.5)");
        digammaClose(2 - eulerGamma - 2 * Math.log(2), Special.digamma(1.5), "digamma(1.5)");
        assertTrue(Double.isNaN(Special.digamma(0)));
        assertTrue(Double.isNaN(Special.digamma(-2)));
    }

    @Test
    void digammaRecurrence() {
        for (double x : new double[] {0.01, 0.3, 0.77, 1.4, 4.5, 5.9, 6.1, 17.2, 333.3, -1.3}) {
            digammaClose(Special.digamma(x) + 1 / x, Special.digamma(x + 1), "digamma recurrence at " + x);
        }
    }
}
