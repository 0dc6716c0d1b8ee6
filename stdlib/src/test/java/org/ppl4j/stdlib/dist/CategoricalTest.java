package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertVectorGradient;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;

class CategoricalTest {
    private static final Tensor PROBS = Tensor.vector(0.2, 0.3, 0.5);

    @Test
    void logDensityFromProbabilitiesMatchesClosedForm() {
        assertLogDensity(Math.log(0.3), Categorical.create(PROBS, null).logDensity(1.0));
        assertLogDensity(Math.log(0.5), Categorical.create(PROBS, null).logDensity(2));
        // unnormalised probabilities are divided by their sum: 3 / 10
        assertLogDensity(Math.log(0.3), Categorical.ofProbabilities(Tensor.vector(2, 3, 5)).logDensity(1.0));
        assertLogDensity(Double.NEGATIVE_INFINITY, Categorical.ofProbabilities(Tensor.vector(0.5, 0, 0.5)).logDensity(1.0));
        for (double x : new double[] {3.0, -1.0, 1.5}) {
            assertOutsideSupport(Categorical.ofProbabilities(PROBS), x);
        }
    }

    @Test
    void logDensityFromLogitsMatchesClosedForm() {
        double e = Math.E;
        assertLogDensity(Math.log(e * e / (e + e * e + e * e * e)),
                Categorical.create(null, Tensor.vector(1, 2, 3)).logDensity(1.0));
        assertLogDensity(Math.log(e / (e + e * e + e * e * e)),
                Categorical.ofLogits(Tensor.vector(1, 2, 3)).logDensity(0.0));
        // exp(1000) overflows: the log-sum-exp is shifted, log p(1) = -1000 - log(1 + e^-1000) = -1000
        assertLogDensity(-1000.0, Categorical.ofLogits(Tensor.vector(1000, 0)).logDensity(1.0));
        // an impossible category (logit -inf)
        assertLogDensity(Double.NEGATIVE_INFINITY,
                Categorical.ofLogits(Tensor.vector(0, Double.NEGATIVE_INFINITY)).logDensity(1.0));
        assertOutsideSupport(Categorical.ofLogits(Tensor.vector(1, 2, 3)), 3.0);
    }

    /** Moments of the index: sums over k of p_k k, p_k (k - m)^2, p_k (k - m)^4. */
    private static void moments(Categorical d, double[] p, long seed) {
        double m = 0;
        for (int k = 0; k < p.length; k++) {
            m += p[k] * k;
        }
        double v = 0;
        double mu4 = 0;
        for (int k = 0; k < p.length; k++) {
            v += p[k] * Math.pow(k - m, 2);
            mu4 += p[k] * Math.pow(k - m, 4);
        }
        assertMoments(d, seed, m, v, mu4);
    }

    /** Seed 23, N = 20000, probs (0.1, 0.2, 0.3, 0.4); bounds 5 SE of mean and of variance, as in assertMoments. */
    @Test
    void sampleMoments() {
        moments(Categorical.ofProbabilities(Tensor.vector(0.1, 0.2, 0.3, 0.4)), new double[] {0.1, 0.2, 0.3, 0.4}, 23);
    }

    /** Seed 24, N = 20000, logits (0, 1, -1), p_k = e^l_k / sum e^l; same bounds. */
    @Test
    void sampleMomentsFromLogits() {
        double z = 1 + Math.E + 1 / Math.E;
        moments(Categorical.ofLogits(Tensor.vector(0, 1, -1)), new double[] {1 / z, Math.E / z, 1 / Math.E / z}, 24);
    }

    @Test
    void neverSamplesAnImpossibleCategory() {
        Categorical d = Categorical.ofProbabilities(Tensor.vector(0.5, 0.0, 0.5, 0.0));
        Rng rng = new Rng(25);
        for (int i = 0; i < 2000; i++) {
            double k = (Double) d.sample(rng);
            assertTrue(k == 0.0 || k == 2.0, "sampled " + k);
        }
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("categorical", "probs", () -> Categorical.create(Tensor.vector(0.5, -0.1, 0.6), null));
        assertRejects("categorical", "probs", () -> Categorical.create(Tensor.vector(0.0, 0.0), null));
        assertRejects("categorical", "probs", () -> Categorical.create(Tensor.vector(0.5, Double.NaN), null));
        assertRejects("categorical", "logits", () -> Categorical.create(null, Tensor.vector(0.0, Double.NaN)));
        assertRejects("categorical", "logits", () -> Categorical.create(null, Tensor.vector(0.0, Double.POSITIVE_INFINITY)));
        assertRejects("categorical", "logits",
                () -> Categorical.create(null, Tensor.vector(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)));
        var scalar = assertThrows(IllegalArgumentException.class, () -> Categorical.create(0.5, null));
        assertTrue(scalar.getMessage().startsWith("categorical:") && scalar.getMessage().contains("'probs'"),
                scalar.getMessage());
        var both = assertThrows(IllegalArgumentException.class, () -> Categorical.create(PROBS, PROBS));
        assertTrue(both.getMessage().contains("'probs'") && both.getMessage().contains("'logits'"), both.getMessage());
        var neither = assertThrows(IllegalArgumentException.class, () -> Categorical.create(null, null));
        assertTrue(neither.getMessage().startsWith("categorical:") && neither.getMessage().contains("neither"),
                neither.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        double[] probs = {0.2, 0.3, 0.5};
        assertVectorGradient(p -> Categorical.ofProbabilities(p).logDensity(1.0), probs);
        assertVectorGradient(p -> Categorical.ofProbabilities(p).logDensity(2.0), new double[] {2.0, 3.0, 5.0});
        assertVectorGradient(l -> Categorical.ofLogits(l).logDensity(0.0), new double[] {1.0, 2.0, 3.0});
        assertVectorGradient(l -> Categorical.ofLogits(l).logDensity(2.0), new double[] {-0.5, 0.7, 0.1});
    }

    /** A vector of independent indices: the log density is the sum over elements, and so is the gradient. */
    @Test
    void vectorOfIndicesSumsScalarLogDensities() {
        double[] logits = {0.3, -1.0, 2.0};
        double[] xs = {0, 2, 2, 1};
        double expected = 0;
        double[] expectedGrad = new double[3];
        for (double x : xs) {
            expected += (Double) Categorical.ofLogits(Tensor.vector(logits)).logDensity(x);
            Tape t = new Tape();
            TensorVar leaf = t.leaf(Tensor.vector(logits));
            t.backward(Categorical.ofLogits(leaf).logDensity(x));
            for (int k = 0; k < 3; k++) {
                expectedGrad[k] += leaf.adjoint().get(k);
            }
        }
        assertLogDensity(expected, Categorical.ofLogits(Tensor.vector(logits)).logDensity(Tensor.vector(xs)));
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(Tensor.vector(logits));
        tape.backward(Categorical.ofLogits(leaf).logDensity(Tensor.vector(xs)));
        for (int k = 0; k < 3; k++) {
            assertEquals(expectedGrad[k], leaf.adjoint().get(k), 1e-12);
        }
        assertOutsideSupport(Categorical.ofLogits(Tensor.vector(logits)), Tensor.vector(0, 3));
    }

    @Test
    void enumeratesItsSupport() {
        Categorical d = Categorical.ofProbabilities(PROBS);
        assertEquals(List.of(0.0, 1.0, 2.0), d.enumerateSupport());
        assertEquals(3, d.size());
        assertTrue(d.support().contains(2.0) && !d.support().contains(3.0));
    }

    @Test
    void acceptsAListOfNumbers() {
        Categorical d = (Categorical) Categorical.create(List.of(0.2, 0.3, 0.5), null);
        assertLogDensity(Math.log(0.3), d.logDensity(1));
        Object lp = Categorical.ofProbabilities(List.of(1, 3)).logDensity(1.0);
        assertLogDensity(Math.log(0.75), lp);
        assertTrue(AD.isNumeric(lp));
    }
}
