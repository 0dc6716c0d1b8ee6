package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.ppl4j.runtime.ad.Tensor;

class BernoulliTest {
    @Test
    void logDensityFromProbabilityMatchesClosedForm() {
        assertLogDensity(Math.log(0.3), Bernoulli.create(0.3, null).logDensity(1.0));
        assertLogDensity(Math.log(0.7), Bernoulli.create(0.3, null).logDensity(0.0));
        assertLogDensity(Double.NEGATIVE_INFINITY, Bernoulli.ofProbability(0.0).logDensity(1.0));
        for (double x : new double[] {0.5, 2.0, -1.0}) {
            assertOutsideSupport(Bernoulli.ofProbability(0.3), x);
        }
    }

    @Test
    void logDensityFromLogitsMatchesClosedForm() {
        double l = 0.8;
        assertLogDensity(Math.log(1 / (1 + Math.exp(-l))), Bernoulli.create(null, l).logDensity(1.0));
        assertLogDensity(Math.log(1 / (1 + Math.exp(l))), Bernoulli.create(null, l).logDensity(0.0));
        // far tails, where sigmoid then log would give log(0) = -inf: log sigmoid(l) -> l as l -> -inf
        assertLogDensity(-800.0, Bernoulli.ofLogits(-800.0).logDensity(1.0));
        assertLogDensity(-800.0, Bernoulli.ofLogits(800.0).logDensity(0.0));
        assertLogDensity(0.0, Bernoulli.ofLogits(800.0).logDensity(1.0));
        assertOutsideSupport(Bernoulli.ofLogits(0.0), 0.5);
    }

    /** Fourth central moment of bernoulli(p): p q (p^3 + q^3), q = 1 - p. */
    private static void moments(Bernoulli d, double p, long seed) {
        double q = 1 - p;
        assertMoments(d, seed, p, p * q, p * q * (p * p * p + q * q * q));
    }

    /** Seed 21, N = 20000, bernoulli(p = 0.3); bounds 5 SE of mean and of sample variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(Bernoulli.ofProbability(0.3), 0.3, 21);
    }

    /** Seed 22, N = 20000, bernoulli(logits = -1.2), p = 1 / (1 + e^1.2); same bounds. */
    @Test
    void sampleMomentsFromLogits() {
        moments(Bernoulli.ofLogits(-1.2), 1 / (1 + Math.exp(1.2)), 22);
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("bernoulli", "p", () -> Bernoulli.create(1.5, null));
        assertRejects("bernoulli", "p", () -> Bernoulli.create(-0.1, null));
        assertRejects("bernoulli", "p", () -> Bernoulli.create(Double.NaN, null));
        assertRejects("bernoulli", "p", () -> Bernoulli.create(Tensor.vector(0.5, 1.2), null));
        assertRejects("bernoulli", "logits", () -> Bernoulli.create(null, Double.NaN));
    }

    @Test
    void requiresExactlyOneOfPAndLogits() {
        var both = assertThrows(IllegalArgumentException.class, () -> Bernoulli.create(0.5, 0.0));
        assertTrue(both.getMessage().startsWith("bernoulli:"), both.getMessage());
        assertTrue(both.getMessage().contains("'p'") && both.getMessage().contains("'logits'"), both.getMessage());
        assertTrue(both.getMessage().contains("both"), both.getMessage());
        var neither = assertThrows(IllegalArgumentException.class, () -> Bernoulli.create(null, null));
        assertTrue(neither.getMessage().contains("neither") && neither.getMessage().startsWith("bernoulli:"),
                neither.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> Bernoulli.create());
        assertTrue(none.getMessage().contains("neither"), none.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        assertGradient(a -> Bernoulli.ofProbability(a[0]).logDensity(1.0), 0.3);
        assertGradient(a -> Bernoulli.ofProbability(a[0]).logDensity(0.0), 0.3);
        assertGradient(a -> Bernoulli.ofLogits(a[0]).logDensity(1.0), 0.8);
        assertGradient(a -> Bernoulli.ofLogits(a[0]).logDensity(0.0), 0.8);
        assertGradient(a -> Bernoulli.ofLogits(a[0]).logDensity(1.0), -5.0);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> Bernoulli.ofLogits(a[0]),
                new double[][] {{-2.0, 0.5, 3.0, 0.0}}, new double[] {1.0, 0.0, 1.0, 0.0}, true);
        assertTensorMatchesScalars(a -> Bernoulli.ofProbability(a[0]),
                new double[][] {{0.1, 0.5, 0.9}}, new double[] {0.0, 1.0, 1.0}, true);
    }

    @Test
    void enumeratesItsSupport() {
        assertEquals(List.of(0.0, 1.0), Bernoulli.ofProbability(0.3).enumerateSupport());
        assertEquals(List.of(0.0, 1.0), Bernoulli.ofLogits(2.0).enumerateSupport());
        assertThrows(UnsupportedOperationException.class,
                () -> Bernoulli.ofProbability(Tensor.vector(0.1, 0.2)).enumerateSupport());
    }

    @Test
    void meanAndVarianceFromLogits() {
        Bernoulli d = Bernoulli.ofLogits(0.0);
        assertEquals(0.5, d.mean(), 0.0);
        assertEquals(0.25, d.variance(), 0.0);
    }
}
