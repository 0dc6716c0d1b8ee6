package org.ppl4j.vi.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;

/**
 * k-hat on draws with a known tail. The maximum-likelihood estimate of a generalised Pareto shape from n draws
 * has the asymptotic standard deviation (1 + k) / sqrt(n) (Smith 1985, for k > -0.5); each check allows four of
 * those, plus the shrinkage towards 0.5 by ten pseudo-observations (10 |k - 0.5| / (n + 10)).
 */
class PsisTest {
    /** n draws of a generalised Pareto(0, sigma, k) by inversion: sigma ((1 - u)^-k - 1) / k. */
    private static double[] gpd(int n, double k, double sigma, long seed) {
        Rng rng = new Rng(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            x[i] = k == 0 ? -sigma * Math.log1p(-u) : sigma * (Math.pow(1 - u, -k) - 1) / k;
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.2, 0.0, 0.3, 0.7, 1.2})
    void fitsTheShapeOfGeneralisedParetoDraws(double k) {
        int n = 4000; // seed 11 + index of k
        double[] x = gpd(n, k, 2.0, 11 + Math.round(k * 10));
        double bound = 4 * (1 + k) / Math.sqrt(n) + 10 * Math.abs(k - 0.5) / (n + 10);
        assertEquals(k, Psis.gpdShape(x), bound);
    }

    /**
     * Importance weights whose distribution is a generalised Pareto with shape k (shifted by 1, so all positive):
     * PSIS looks at the largest M = 3 sqrt(S) of S = 40,000 (M = 600); the bound is four asymptotic standard
     * deviations at M plus the shrinkage.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.6, 0.9})
    void khatOfWeightsWithAKnownTail(double k) {
        int s = 40_000;
        double[] lw = gpd(s, k, 1.0, 5 + Math.round(k * 10));
        for (int i = 0; i < s; i++) {
            lw[i] = Math.log(1 + lw[i]);
        }
        int m = Psis.tailSize(s);
        assertEquals(600, m);
        double bound = 4 * (1 + k) / Math.sqrt(m) + 10 * Math.abs(k - 0.5) / (m + 10);
        assertEquals(k, Psis.khat(lw), bound);
    }

    @Test
    void equalWeightsAreGoodAndTooFewAreUnknown() {
        double[] equal = new double[1000];
        // a bounded tail (uniform weights): k near -1, well below 0.5
        Rng rng = new Rng(3);
        for (int i = 0; i < equal.length; i++) {
            equal[i] = Math.log(1 + rng.nextDouble());
        }
        double k = Psis.khat(equal);
        assertTrue(k < 0.5, "k = " + k);
        assertEquals("good", Psis.verdict(k));
        assertTrue(Double.isNaN(Psis.khat(new double[10])));
        assertEquals("usable", Psis.verdict(0.6));
        assertEquals("untrustworthy", Psis.verdict(0.7));
    }
}
