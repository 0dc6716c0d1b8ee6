package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.Var;

class BinomialTest {
    /** log C(n, k) as the sum of log((n - k + i) / i), i = 1..k: no gamma function involved. */
    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log((double) (n - k + i) / i);
        }
        return s;
    }

    private static double logPmf(int k, int n, double p) {
        return logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p);
    }

    @Test
    void logDensityMatchesClosedForm() {
        // C(10, 3) = 120
        assertLogDensity(Math.log(120 * Math.pow(0.3, 3) * Math.pow(0.7, 7)),
                Binomial.ofProbability(10, 0.3).logDensity(3.0));
        assertLogDensity(logPmf(300, 1000, 0.3), Binomial.create(1000, 0.3, null).logDensity(300));
        double l = -0.6;
        double p = 1 / (1 + Math.exp(-l));
        assertLogDensity(logPmf(2, 5, p), Binomial.create(5, null, l).logDensity(2.0));
        // the ends: no trials, or a certain outcome. log C(n, x) = 0 there comes from lgamma, whose value at 1 is
        // within 1e-15 of 0, so these are compared to 0 with an absolute 1e-14
        assertEquals(0.0, AD.scalarValue(Binomial.ofProbability(0, 0.3).logDensity(0.0)), 1e-14);
        assertEquals(0.0, AD.scalarValue(Binomial.ofProbability(4, 0.0).logDensity(0.0)), 1e-14);
        assertEquals(0.0, AD.scalarValue(Binomial.ofProbability(4, 1.0).logDensity(4.0)), 1e-14);
        assertLogDensity(Double.NEGATIVE_INFINITY, Binomial.ofProbability(4, 1.0).logDensity(3.0));
        assertLogDensity(-800.0 * 4, Binomial.ofLogits(4, -800.0).logDensity(4.0));
        for (double x : new double[] {11.0, -1.0, 2.5}) {
            assertOutsideSupport(Binomial.ofProbability(10, 0.3), x);
        }
    }

    /** Fourth central moment of binomial(n, p): n p q (1 + 3 (n - 2) p q), q = 1 - p. */
    private static void moments(Binomial d, int n, double p, long seed) {
        double npq = n * p * (1 - p);
        assertMoments(d, seed, n * p, npq, npq * (1 + 3 * (n - 2) * p * (1 - p)));
    }

    /** Seed 71, N = 20000, binomial(10, 0.3) (direct trials); bounds 5 SE of mean and variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(Binomial.ofProbability(10, 0.3), 10, 0.3, 71);
    }

    /** Seed 72, N = 20000, binomial(1000, 0.3) (beta splitting, then direct trials); same bounds. */
    @Test
    void sampleMomentsManyTrials() {
        moments(Binomial.ofProbability(1000, 0.3), 1000, 0.3, 72);
    }

    /** Seed 73, N = 20000, binomial(200, logits = 1.5), p = 1 / (1 + e^-1.5); same bounds. */
    @Test
    void sampleMomentsFromLogits() {
        moments(Binomial.ofLogits(200, 1.5), 200, 1 / (1 + Math.exp(-1.5)), 73);
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("binomial", "n", () -> Binomial.ofProbability(2.5, 0.3));
        assertEquals("binomial: argument 'n' must be a whole number (0, 1, 2, ...), got 2.5", e.getMessage());
        assertRejects("binomial", "n", () -> Binomial.ofProbability(-1, 0.3));
        assertRejects("binomial", "n", () -> Binomial.create(Double.POSITIVE_INFINITY, 0.3, null));
        assertRejects("binomial", "n", () -> Binomial.create(Double.NaN, 0.3, null));
        assertRejects("binomial", "p", () -> Binomial.create(3, 1.5, null));
        assertRejects("binomial", "logits", () -> Binomial.create(3, null, Double.NaN));
        var both = assertThrows(IllegalArgumentException.class, () -> Binomial.create(3, 0.5, 0.0));
        assertEquals("binomial: give exactly one of 'p' or 'logits', got both 'p' and 'logits'", both.getMessage());
        var neither = assertThrows(IllegalArgumentException.class, () -> Binomial.create(3));
        assertEquals("binomial: give exactly one of 'p' or 'logits', got neither", neither.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Binomial.create());
        assertEquals("binomial: missing argument 'n'", missing.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // n and x are counts: the gradient is with respect to p (or the logits) only
        assertGradient(a -> Binomial.ofProbability(10, a[0]).logDensity(3.0), 0.3);
        assertGradient(a -> Binomial.ofProbability(1000, a[0]).logDensity(300.0), 0.31);
        assertGradient(a -> Binomial.ofLogits(5, a[0]).logDensity(2.0), -0.6);
        assertGradient(a -> Binomial.ofLogits(5, a[0]).logDensity(5.0), 4.0);
    }

    @Test
    void trialCountHasNoGradient() {
        Tape tape = new Tape();
        Var n = tape.leaf(4.0);
        Binomial d = Binomial.ofProbability(n, 0.3);
        assertEquals(4.0, AD.scalarValue(d.n()));
        tape.backward(d.logDensity(1.0));
        assertEquals(0.0, n.adjoint(), "n is detached");
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> Binomial.ofProbability(a[0], a[1]),
                new double[][] {{3.0, 10.0, 0.0}, {0.2, 0.5, 0.9}}, new double[] {1.0, 7.0, 0.0}, true);
        assertTensorMatchesScalars(a -> Binomial.ofLogits(a[0], a[1]),
                new double[][] {{6.0}, {-1.0, 0.5, 2.0}}, new double[] {0.0, 3.0, 6.0}, true);
        // each element has its own n: 4 is inside the hull of the supports but outside element 0's
        assertOutsideSupport(Binomial.ofProbability(Tensor.vector(3, 10), 0.5), Tensor.vector(4, 4));
    }

    @Test
    void enumeratesItsSupport() {
        Binomial d = Binomial.ofProbability(3, 0.4);
        List<Object> values = d.enumerateSupport();
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0), values);
        double total = 0;
        for (Object v : values) {
            total += Math.exp(AD.scalarValue(d.logDensity(v)));
        }
        assertEquals(1.0, total, 1e-12);
        assertEquals(List.of(0.0), Binomial.ofProbability(0, 0.4).enumerateSupport());
        assertThrows(UnsupportedOperationException.class,
                () -> Binomial.ofProbability(Tensor.vector(2, 3), 0.4).enumerateSupport());
        assertTrue(d.support().contains(3.0) && !d.support().contains(4.0) && !d.support().contains(1.5));
    }

    /** A tensor binomial's elements share 0..n when they share n; with different n there is no common support. */
    @Test
    void tensorElementsShareTheirSupportWhenTheyShareN() {
        assertArrayEquals(new double[] {0, 1, 2}, Binomial.ofProbability(2, Tensor.vector(0.1, 0.7)).elementSupport());
        assertNull(Binomial.ofProbability(Tensor.vector(2, 3), 0.4).elementSupport());
        assertNull(Binomial.ofProbability(2, 0.4).elementSupport());
    }
}
