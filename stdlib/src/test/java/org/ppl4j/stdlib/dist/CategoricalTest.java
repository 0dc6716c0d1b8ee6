package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.EXP_NEG;
import static org.ppl4j.stdlib.dist.DistTestSupport.N;
import static org.ppl4j.stdlib.dist.DistTestSupport.SQUARE;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertVectorGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertWeakDerivative;
import static org.ppl4j.stdlib.dist.DistTestSupport.exactGradient;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.ShapeException;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.dist.Distribution.WeakDerivative;
import org.ppl4j.runtime.dist.DistributionArgumentException;

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
        // the language's categorical wants probabilities: weights are a mistake it names, not normalises silently
        var unnormalised = assertThrows(IllegalArgumentException.class,
                () -> Categorical.create(Tensor.vector(0.5, 0.6), null));
        assertEquals("categorical: argument 'probs' must sum to 1, got a sum of 1.1; for weights give probs: "
                + "w / sum(w) or logits: log(w)", unnormalised.getMessage());
        Categorical.create(Tensor.vector(0.1, 0.2, 0.7 + 5e-7), null); // rounding within 1e-6 is accepted
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

    private static final double[] LOGITS = {0.2, -0.5, 1.0};
    private static final double[] WEIGHTS = {2.0, 3.0, 5.0};

    private static double[] softmax(double[] l) {
        double z = 0;
        for (double v : l) {
            z += Math.exp(v);
        }
        double[] p = new double[l.length];
        for (int k = 0; k < l.length; k++) {
            p[k] = Math.exp(l[k]) / z;
        }
        return p;
    }

    /** Analytic gradient of E[f(X)] with respect to the logits: sum_k f(k) pi_k (delta_kj - pi_j). */
    private static double[] exactLogitGradient(double[] logits, DoubleUnaryOperator f) {
        double[] pi = softmax(logits);
        return exactGradient(k -> pi[k], k -> {
            double[] d = new double[pi.length];
            for (int j = 0; j < d.length; j++) {
                d[j] = pi[k] * ((k == j ? 1 : 0) - pi[j]);
            }
            return d;
        }, f, 0, pi.length - 1);
    }

    /** With respect to unnormalised probabilities w (sum S): sum_k f(k) (delta_kj - pi_k) / S. */
    private static double[] exactWeightGradient(double[] w, DoubleUnaryOperator f) {
        double total = w[0] + w[1] + w[2];
        return exactGradient(k -> w[k] / total, k -> {
            double[] d = new double[w.length];
            for (int j = 0; j < d.length; j++) {
                d[j] = ((k == j ? 1 : 0) - w[k] / total) / total;
            }
            return d;
        }, f, 0, w.length - 1);
    }

    /**
     * Seeds 41-44, N = 20000 draws each: the mean gradient of the weak-derivative surrogate matches the exact
     * gradient within 5 standard errors (here every draw is exact, as the pi_k sum to 1: plus 1e-12).
     */
    @Test
    void weakDerivativesAreUnbiased() {
        for (DoubleUnaryOperator f : new DoubleUnaryOperator[] {SQUARE, EXP_NEG}) {
            long seed = f == SQUARE ? 41 : 42;
            assertWeakDerivative(Categorical::ofLogits, Tensor.vector(LOGITS), f, exactLogitGradient(LOGITS, f), seed);
            assertWeakDerivative(Categorical::ofProbabilities, Tensor.vector(WEIGHTS), f, exactWeightGradient(WEIGHTS, f),
                    seed + 2);
        }
    }

    @Test
    void weakDerivativeTerms() {
        Tape tape = new Tape();
        TensorVar l = tape.leaf(Tensor.vector(LOGITS));
        List<WeakDerivative> terms = Categorical.ofLogits(l).weakDerivatives(2.0, new Rng(1));
        double[] pi = softmax(LOGITS);
        assertEquals(3, terms.size());
        for (int k = 0; k < 3; k++) {
            WeakDerivative t = terms.get(k);
            assertEquals(1.0, t.constant());
            assertEquals((double) k, t.positive());
            assertEquals(2.0, t.negative());
            assertEquals(pi[k], AD.scalarValue(t.parameter()), 1e-15);
            assertTrue(AD.isTracked(t.parameter()));
        }
        var tensor = assertThrows(UnsupportedOperationException.class,
                () -> Categorical.ofLogits(Tensor.vector(LOGITS)).weakDerivatives(Tensor.vector(0, 1), new Rng(1)));
        assertTrue(tensor.getMessage().startsWith("categorical: weakDerivatives"), tensor.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Categorical.ofLogits(Tensor.vector(LOGITS)).weakDerivatives(3.0, new Rng(1)));
    }

    @Test
    void probabilitiesAreNormalised() {
        assertArrayEquals(softmax(LOGITS),
                AD.tensorValue(Categorical.ofLogits(Tensor.vector(LOGITS)).probabilities()).toArray(), 1e-15);
        assertArrayEquals(new double[] {0.2, 0.3, 0.5},
                AD.tensorValue(Categorical.ofProbabilities(Tensor.vector(WEIGHTS)).probabilities()).toArray(), 1e-15);
    }

    @Test
    void straightThroughIsOneHotWithTheGradientOfTheProbabilities() {
        Tensor w = Tensor.vector(0.7, -1.3, 2.1); // a fixed downstream weighting, to give a scalar to differentiate
        for (boolean logits : new boolean[] {false, true}) {
            double[] at = logits ? LOGITS : WEIGHTS;
            Tape tape = new Tape();
            TensorVar leaf = tape.leaf(Tensor.vector(at));
            Categorical d = logits ? Categorical.ofLogits(leaf) : Categorical.ofProbabilities(leaf);
            Object st = d.straightThrough(1.0);
            assertEquals(Tensor.vector(0, 1, 0), AD.value(st), "value exactly one-hot");
            tape.backward(AD.sum(AD.mul(w, st)));
            Tape reference = new Tape();
            TensorVar ref = reference.leaf(Tensor.vector(at));
            Categorical r = logits ? Categorical.ofLogits(ref) : Categorical.ofProbabilities(ref);
            reference.backward(AD.sum(AD.mul(w, r.probabilities())));
            assertArrayEquals(ref.adjoint().toArray(), leaf.adjoint().toArray(), 0.0, "gradient exactly that of pi");
        }
        assertEquals(Tensor.vector(0, 0, 1), Categorical.ofProbabilities(PROBS).straightThrough(2.0));
        assertThrows(IllegalArgumentException.class, () -> Categorical.ofProbabilities(PROBS).straightThrough(3.0));
    }

    /** Seed 45, N = 20000 relaxed draws at each temperature. */
    @Test
    void relaxedSamplesLieOnTheSimplexAndHardenAsTheTemperatureFalls() {
        Categorical d = Categorical.ofLogits(Tensor.vector(LOGITS));
        double[] pi = softmax(LOGITS);
        Rng rng = new Rng(45);
        double soft = 0;
        for (int i = 0; i < N; i++) {
            soft += 1 - max(simplexPoint(d.relaxedSample(rng, 1.0)));
        }
        soft /= N;
        double hard = 0;
        int[] argmax = new int[3];
        for (int i = 0; i < N; i++) {
            double[] y = simplexPoint(d.relaxedSample(rng, 0.05));
            hard += 1 - max(y);
            argmax[argmax(y)]++;
        }
        hard /= N;
        assertTrue(hard < 0.03, "mean of 1 - max_k y_k at temperature 0.05: " + hard);
        assertTrue(hard < soft / 5, hard + " vs " + soft + " at temperature 1");
        // the argmax of a Gumbel-softmax sample is the Gumbel-max sample: category k with probability pi_k
        for (int k = 0; k < 3; k++) {
            double fraction = (double) argmax[k] / N;
            assertEquals(pi[k], fraction, 5 * Math.sqrt(pi[k] * (1 - pi[k]) / N), "argmax fraction of " + k);
        }
    }

    /** The elements of a relaxed sample: a vector of length 3 in [0, 1] summing to 1 (to 1e-12). */
    private static double[] simplexPoint(Object y) {
        double[] v = AD.tensorValue(y).toArray();
        assertEquals(3, v.length);
        double total = 0;
        for (double e : v) {
            assertTrue(e >= 0 && e <= 1, "element in [0, 1]: " + e);
            total += e;
        }
        assertEquals(1.0, total, 1e-12);
        return v;
    }

    private static double max(double[] v) {
        return v[argmax(v)];
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    @Test
    void relaxedSampleGradientMatchesFiniteDifferences() {
        Tensor w = Tensor.vector(0.7, -1.3, 2.1);
        // the same seed on both sides of each difference, so the noise is fixed
        assertVectorGradient(l -> AD.sum(AD.mul(w, Categorical.ofLogits(l).relaxedSample(new Rng(46), 0.5))), LOGITS);
        assertVectorGradient(p -> AD.sum(AD.mul(w, Categorical.ofProbabilities(p).relaxedSample(new Rng(47), 2.0))),
                WEIGHTS);
        var bad = assertThrows(DistributionArgumentException.class,
                () -> Categorical.ofLogits(Tensor.vector(LOGITS)).relaxedSample(new Rng(1), -1.0));
        assertEquals("temperature", bad.argument());
    }

    @Test
    void relaxedLogDensity() {
        double[] pi = softmax(LOGITS);
        Categorical d = Categorical.ofLogits(Tensor.vector(LOGITS));
        Categorical e = Categorical.ofProbabilities(Tensor.vector(WEIGHTS));
        for (int k = 0; k < 3; k++) {
            double[] oneHot = new double[3];
            oneHot[k] = 1;
            assertLogDensity(AD.scalarValue(d.logDensity((double) k)), d.relaxedLogDensity(Tensor.vector(oneHot)));
            assertLogDensity(AD.scalarValue(e.logDensity((double) k)), e.relaxedLogDensity(Tensor.vector(oneHot)));
            // an index is read as logDensity reads it
            assertLogDensity(Math.log(pi[k]), d.relaxedLogDensity((double) k));
        }
        // sum_k y_k log pi_k
        assertLogDensity(0.2 * Math.log(pi[0]) + 0.5 * Math.log(pi[1]) + 0.3 * Math.log(pi[2]),
                d.relaxedLogDensity(Tensor.vector(0.2, 0.5, 0.3)));
        assertLogDensity(0.2 * Math.log(0.2) + 0.5 * Math.log(0.3) + 0.3 * Math.log(0.5),
                e.relaxedLogDensity(Tensor.vector(0.2, 0.5, 0.3)));
        // an impossible category with weight 0 adds nothing
        assertLogDensity(Math.log(0.5), Categorical.ofLogits(Tensor.vector(0, Double.NEGATIVE_INFINITY, 0))
                .relaxedLogDensity(Tensor.vector(1, 0, 0)));
        // off the simplex, or the wrong length
        assertEquals(Double.NEGATIVE_INFINITY, d.relaxedLogDensity(Tensor.vector(0.2, 0.5, 0.2)));
        assertEquals(Double.NEGATIVE_INFINITY, d.relaxedLogDensity(Tensor.vector(1.2, -0.2, 0.0)));
        assertThrows(ShapeException.class, () -> d.relaxedLogDensity(Tensor.vector(0.5, 0.5)));
        // differentiable in the logits, and in y along the simplex (direction e_0 - e_2)
        Tensor y = Tensor.vector(0.2, 0.5, 0.3);
        assertVectorGradient(l -> Categorical.ofLogits(l).relaxedLogDensity(y), LOGITS);
        assertVectorGradient(p -> Categorical.ofProbabilities(p).relaxedLogDensity(y), WEIGHTS);
        assertGradient(a -> d.relaxedLogDensity(AD.add(y, AD.mul(a[0], Tensor.vector(1, 0, -1)))), 0.0);
    }

    @Test
    void logDensityReadsATrackedTensorAsAOneHotValue() {
        Tape tape = new Tape();
        TensorVar l = tape.leaf(Tensor.vector(LOGITS));
        Categorical d = Categorical.ofLogits(l);
        Object st = d.straightThrough(2.0);
        Categorical model = Categorical.ofProbabilities(PROBS);
        assertLogDensity(Math.log(0.5), model.logDensity(st));
        assertTrue(AD.isTracked(model.logDensity(st)), "the one-hot value keeps its gradient path");
        assertLogDensity(Math.log(softmax(LOGITS)[2]), d.logDensity(st));
        // an untracked tensor is still a vector of indices, and so is a tracked one off the simplex or of another
        // length (indices that carry their random choices' provenance)
        assertLogDensity(Math.log(0.2) + Math.log(0.2) + Math.log(0.5), model.logDensity(Tensor.vector(0, 0, 2)));
        assertFalse(AD.isTracked(model.logDensity(Tensor.vector(0, 0, 1))));
        assertLogDensity(Math.log(0.2) + Math.log(0.2) + Math.log(0.5), model.logDensity(tape.leaf(Tensor.vector(0, 0, 2))));
        assertLogDensity(Math.log(0.3) + Math.log(0.5), model.logDensity(tape.leaf(Tensor.vector(1, 2))));
    }

    // ---------------------------------------------------------------- tensor-valued: parameters [..., K]

    private static final Tensor ROWS = new Tensor(new int[] {2, 3}, new double[] {0.3, -1.2, 2.5, 0.8, 0.0, -0.4});

    /** Row i's categorical alone, the reference for the tensor form. */
    private static Categorical row(int i) {
        double[] d = ROWS.toArray();
        return Categorical.ofLogits(Tensor.vector(d[3 * i], d[3 * i + 1], d[3 * i + 2]));
    }

    @Test
    void tensorLogitsDrawOneIndexPerRowWithEachRowsDensity() {
        Categorical d = Categorical.ofLogits(ROWS);
        assertArrayEquals(new int[] {2}, d.drawShape());
        assertArrayEquals(new double[] {0, 1, 2}, d.elementSupport());
        Tensor x = Tensor.vector(2, 0);
        double expected = AD.scalarValue(row(0).logDensity(2.0)) + AD.scalarValue(row(1).logDensity(0.0));
        assertEquals(expected, AD.scalarValue(d.logDensity(x)), 1e-12);
        Object perElement = d.logDensityPerElement(x, 1);
        assertArrayEquals(new double[] {AD.scalarValue(row(0).logDensity(2.0)),
            AD.scalarValue(row(1).logDensity(0.0))}, AD.tensorValue(perElement).toArray(), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, AD.scalarValue(d.logDensity(Tensor.vector(3, 0))));
        assertEquals(null, d.logDensityPerElement(Tensor.vector(1.5, 0), 1));
        Object draw = d.sample(new Rng(4));
        assertArrayEquals(new int[] {2}, AD.tensorValue(draw).shape());
    }

    /** Sampling frequencies per row, 20,000 draws: each within 5 standard errors of the row's probability. */
    @Test
    void tensorSamplesFollowEachRow() {
        Categorical d = Categorical.ofLogits(ROWS);
        Rng rng = new Rng(11);
        int n = 20_000;
        double[][] counts = new double[2][3];
        for (int s = 0; s < n; s++) {
            double[] x = AD.tensorValue(d.sample(rng)).toArray();
            counts[0][(int) x[0]]++;
            counts[1][(int) x[1]]++;
        }
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                double p = Math.exp(AD.scalarValue(row(i).logDensity((double) c)));
                assertEquals(p, counts[i][c] / n, 5 * Math.sqrt(p * (1 - p) / n), "row " + i + " category " + c);
            }
        }
    }

    @Test
    void tensorGradientIsTheSumOfTheRowsGradients() {
        Tape tape = new Tape();
        TensorVar leaf = tape.leaf(ROWS);
        tape.backward(Categorical.ofLogits(leaf).logDensity(Tensor.vector(1, 2)));
        double[] g = leaf.adjoint().toArray();
        for (int i = 0; i < 2; i++) {
            Tape t = new Tape();
            Tensor r = Tensor.vector(ROWS.get(3 * i), ROWS.get(3 * i + 1), ROWS.get(3 * i + 2));
            TensorVar l = t.leaf(r);
            t.backward(Categorical.ofLogits(l).logDensity((double) (i + 1)));
            for (int c = 0; c < 3; c++) {
                assertEquals(l.adjoint().get(c), g[3 * i + c], 1e-12);
            }
        }
    }

    @Test
    void tensorProbabilitiesMustSumToOneRowByRow() {
        Tensor good = new Tensor(new int[] {2, 2}, new double[] {0.5, 0.5, 0.1, 0.9});
        assertEquals(Math.log(0.9), AD.scalarValue(Categorical.create(good, null).logDensity(Tensor.vector(0, 1)))
                - Math.log(0.5), 1e-12);
        Tensor bad = new Tensor(new int[] {2, 2}, new double[] {0.5, 0.5, 0.1, 0.8});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Categorical.create(bad, null));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }

    /** Relaxed rows: a point of the simplex per row, whose density is sum_k y_k log pi_k row by row. */
    @Test
    void tensorRelaxedSamplesAreRowsOfTheSimplex() {
        Categorical d = Categorical.ofLogits(ROWS);
        Tape tape = new Tape();
        Object y = d.relaxedSample(new Rng(2), 0.5);
        Tensor v = AD.tensorValue(y);
        assertArrayEquals(new int[] {2, 3}, v.shape());
        for (int i = 0; i < 2; i++) {
            assertEquals(1, v.get(3 * i) + v.get(3 * i + 1) + v.get(3 * i + 2), 1e-12);
        }
        TensorVar tracked = tape.leaf(v);
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                expected += v.get(3 * i + c) * AD.scalarValue(row(i).logDensity((double) c));
            }
        }
        assertEquals(expected, AD.scalarValue(d.logDensity(tracked)), 1e-12);
        assertArrayEquals(new int[] {2}, AD.tensorValue(d.logDensityPerElement(tracked, 1)).shape());
        // where a relaxed site is observed (labelled data), its indices are read as indices
        assertEquals(AD.scalarValue(d.logDensity(Tensor.vector(2, 0))),
                AD.scalarValue(d.relaxedLogDensity(Tensor.vector(2, 0))), 1e-12);
    }

    /** A vector parameter shared by a tensor of draws: per element, each draw's own log probability. */
    @Test
    void vectorParameterSplitsATensorOfDrawsPerElement() {
        Categorical d = Categorical.ofProbabilities(PROBS);
        Object lp = d.logDensityPerElement(Tensor.vector(2, 0, 1), 1);
        assertArrayEquals(new double[] {Math.log(0.5), Math.log(0.2), Math.log(0.3)}, AD.tensorValue(lp).toArray(),
                1e-12);
        assertEquals(null, d.elementSupport());
    }
}
