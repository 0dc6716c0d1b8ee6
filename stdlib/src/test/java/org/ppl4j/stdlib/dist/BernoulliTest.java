package org.ppl4j.stdlib.dist;

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
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertWeakDerivative;
import static org.ppl4j.stdlib.dist.DistTestSupport.exactGradient;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution.WeakDerivative;
import org.ppl4j.runtime.dist.DistributionArgumentException;

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

    private static double sigmoid(double l) {
        return 1 / (1 + Math.exp(-l));
    }

    /**
     * Analytic d/dp E[f(X)] = f(1) - f(0), by summing f(k) dP(k)/dp over {0, 1}; times dp/dl = p (1 - p) for the
     * logits.
     */
    private static double[] exactGradient(DoubleUnaryOperator f, double dpDInput) {
        return DistTestSupport.exactGradient(k -> 0, k -> new double[] {k == 1 ? dpDInput : -dpDInput}, f, 0, 1);
    }

    /**
     * Seeds 31-34, N = 20000 draws each: the mean gradient of the weak-derivative surrogate equals the exact
     * gradient within 5 standard errors (for p itself every draw gives f(1) - f(0) exactly: bound 1e-12).
     */
    @Test
    void weakDerivativesAreUnbiased() {
        double p = 0.3;
        assertWeakDerivative(Bernoulli::ofProbability, p, SQUARE, exactGradient(SQUARE, 1), 31);
        assertWeakDerivative(Bernoulli::ofProbability, p, EXP_NEG, exactGradient(EXP_NEG, 1), 32);
        double l = -0.4;
        double s = sigmoid(l) * (1 - sigmoid(l));
        assertWeakDerivative(Bernoulli::ofLogits, l, SQUARE, exactGradient(SQUARE, s), 33);
        assertWeakDerivative(Bernoulli::ofLogits, l, EXP_NEG, exactGradient(EXP_NEG, s), 34);
    }

    @Test
    void weakDerivativeTerm() {
        Tape tape = new Tape();
        Var l = tape.leaf(0.5);
        List<WeakDerivative> terms = Bernoulli.ofLogits(l).weakDerivatives(0.0, new Rng(1));
        assertEquals(1, terms.size());
        WeakDerivative t = terms.get(0);
        assertEquals(1.0, t.constant());
        assertEquals(1.0, t.positive());
        assertEquals(0.0, t.negative());
        assertEquals(sigmoid(0.5), AD.scalarValue(t.parameter()), 1e-15);
        assertTrue(AD.isTracked(t.parameter()), "the parameter keeps its gradient path");
        var tensor = assertThrows(UnsupportedOperationException.class,
                () -> Bernoulli.ofProbability(Tensor.vector(0.2, 0.4)).weakDerivatives(Tensor.vector(0, 1), new Rng(1)));
        assertTrue(tensor.getMessage().startsWith("bernoulli: weakDerivatives") && tensor.getMessage().contains("tensor"),
                tensor.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bernoulli.ofProbability(0.3).weakDerivatives(0.5, new Rng(1)));
    }

    /**
     * Large logits (a decoder's [batch, pixels] output, in ND4J) take the fused log density sum(x l - softplus(l)):
     * its value and gradient must be those of the sum of the scalar densities, element by element, in float64
     * (tails at +-40 included). Broadcast data (one row against the batch) takes the elementwise path, with
     * the same result; an infinite logit is not fused and gives its exact limit.
     */
    @Test
    void largeTensorLogitsMatchTheSumOfScalarDensities() {
        int rows = 100;
        int cols = 120; // 12000 elements: stored in ND4J
        double[] l = new double[rows * cols];
        double[] x = new double[rows * cols];
        for (int i = 0; i < l.length; i++) {
            l[i] = -40 + 80 * ((i * 37L + 11) % 101) / 100.0;
            x[i] = (i * 7919L) % 13 < 6 ? 1 : 0;
        }
        boolean was = Tensor.largeFloat64();
        Tensor.setLargeFloat64(true);
        try {
            double want = 0;
            double[] wantGrad = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                Tape t = new Tape();
                Var li = t.leaf(l[i]);
                Object lp = Bernoulli.ofLogits(li).logDensity(x[i]);
                want += AD.scalarValue(lp);
                t.backward(lp);
                wantGrad[i] = li.adjoint();
            }
            Tape tape = new Tape();
            TensorVar leaf = tape.leaf(new Tensor(new int[] {rows, cols}, l));
            Tensor data = new Tensor(new int[] {rows, cols}, x);
            assertTrue(data.isLarge());
            Object lp = Bernoulli.ofLogits(leaf).logDensity(data);
            assertEquals(want, AD.scalarValue(lp), 1e-9 * Math.abs(want));
            tape.backward(AD.mul(lp, 2.0));
            double[] got = leaf.adjoint().toArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(2 * wantGrad[i], got[i], 1e-12, "d/dl[" + i + "]");
            }
            // one row of data against every row of logits: the elementwise path, the same sum
            Tensor row = new Tensor(new int[] {cols}, java.util.Arrays.copyOf(x, cols));
            double wantRow = 0;
            for (int i = 0; i < l.length; i++) {
                wantRow += AD.scalarValue(Bernoulli.ofLogits(l[i]).logDensity(x[i % cols]));
            }
            assertEquals(wantRow, AD.scalarValue(Bernoulli.ofLogits(new Tensor(new int[] {rows, cols}, l))
                    .logDensity(row)), 1e-9 * Math.abs(wantRow));
            // an infinite logit where the data agrees: log p = 0 there, no NaN
            double[] inf = l.clone();
            inf[0] = x[0] == 1 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            double wantInf = want - AD.scalarValue(Bernoulli.ofLogits(l[0]).logDensity(x[0]));
            assertEquals(wantInf, AD.scalarValue(Bernoulli.ofLogits(new Tensor(new int[] {rows, cols}, inf))
                    .logDensity(data)), 1e-9 * Math.abs(wantInf));
        } finally {
            Tensor.setLargeFloat64(was);
        }
    }

    @Test
    void straightThroughHasTheHardValueAndTheGradientOfP() {
        for (double h : new double[] {0.0, 1.0}) {
            for (boolean logits : new boolean[] {false, true}) {
                double at = logits ? -0.7 : 0.3;
                Tape tape = new Tape();
                Var leaf = tape.leaf(at);
                Bernoulli d = logits ? Bernoulli.ofLogits(leaf) : Bernoulli.ofProbability(leaf);
                Object st = d.straightThrough(h);
                assertEquals(h, AD.scalarValue(st), 0.0, "value exactly h");
                tape.backward(st);
                Tape reference = new Tape();
                Var ref = reference.leaf(at);
                reference.backward((logits ? Bernoulli.ofLogits(ref) : Bernoulli.ofProbability(ref)).p());
                assertEquals(ref.adjoint(), leaf.adjoint(), 0.0, "gradient exactly that of p");
            }
        }
        // constant parameters: the hard value itself; tensors elementwise
        assertEquals(1.0, Bernoulli.ofProbability(0.3).straightThrough(1.0));
        assertEquals(Tensor.vector(1, 0),
                AD.value(Bernoulli.ofLogits(Tensor.vector(0.1, 2)).straightThrough(Tensor.vector(1, 0))));
        assertThrows(IllegalArgumentException.class, () -> Bernoulli.ofProbability(0.3).straightThrough(0.5));
    }

    /** Seed 35, N = 20000 relaxed draws at each temperature. */
    @Test
    void relaxedSamplesLieInTheUnitIntervalAndHardenAsTheTemperatureFalls() {
        double l = 0.4;
        double p = sigmoid(l);
        Bernoulli d = Bernoulli.ofLogits(l);
        Rng rng = new Rng(35);
        double softSum = 0;
        for (int i = 0; i < N; i++) {
            double y = (Double) d.relaxedSample(rng, 1.0);
            assertTrue(y > 0 && y < 1, "in (0, 1) at temperature 1: " + y);
            softSum += Math.min(y, 1 - y);
        }
        double softness = softSum / N;
        double hardSum = 0;
        int ones = 0;
        for (int i = 0; i < N; i++) {
            double y = (Double) d.relaxedSample(rng, 0.05);
            assertTrue(y >= 0 && y <= 1, "in [0, 1]: " + y);
            hardSum += Math.min(y, 1 - y);
            ones += y > 0.5 ? 1 : 0;
        }
        double hardness = hardSum / N;
        // at temperature t the mean of min(y, 1 - y) is about 2 log(2) t times the logistic density of
        // l + L at 0 (at most 1/4): 0.017 at t = 0.05
        assertTrue(hardness < 0.03, "mean of min(y, 1 - y) at temperature 0.05: " + hardness);
        assertTrue(hardness < softness / 5, hardness + " vs " + softness + " at temperature 1");
        // y > 1/2 exactly when l + L > 0, which has probability p: 5 binomial standard errors
        double fraction = (double) ones / N;
        assertEquals(p, fraction, 5 * Math.sqrt(p * (1 - p) / N), "fraction of y > 1/2");
    }

    @Test
    void relaxedSampleGradientMatchesFiniteDifferences() {
        // the same seed on both sides of each difference, so the noise is fixed
        assertGradient(a -> Bernoulli.ofLogits(a[0]).relaxedSample(new Rng(36), 0.5), 0.4);
        assertGradient(a -> Bernoulli.ofLogits(a[0]).relaxedSample(new Rng(37), 2.0), -1.3);
        assertGradient(a -> Bernoulli.ofProbability(a[0]).relaxedSample(new Rng(38), 0.5), 0.3);
        Object tensor = Bernoulli.ofLogits(Tensor.vector(0.1, -2, 3)).relaxedSample(new Rng(39), 0.5);
        assertEquals(3, AD.tensorValue(tensor).size());
        var bad = assertThrows(DistributionArgumentException.class,
                () -> Bernoulli.ofLogits(0.0).relaxedSample(new Rng(1), 0.0));
        assertEquals("temperature", bad.argument());
    }

    @Test
    void relaxedLogDensity() {
        for (double y : new double[] {0.0, 1.0}) {
            assertLogDensity(AD.scalarValue(Bernoulli.ofProbability(0.3).logDensity(y)),
                    Bernoulli.ofProbability(0.3).relaxedLogDensity(y));
            assertLogDensity(AD.scalarValue(Bernoulli.ofLogits(-800.0).logDensity(y)),
                    Bernoulli.ofLogits(-800.0).relaxedLogDensity(y));
            assertLogDensity(AD.scalarValue(Bernoulli.ofLogits(0.8).logDensity(y)),
                    Bernoulli.ofLogits(0.8).relaxedLogDensity(y));
        }
        // y log p + (1 - y) log(1 - p)
        assertLogDensity(0.25 * Math.log(0.3) + 0.75 * Math.log(0.7), Bernoulli.ofProbability(0.3).relaxedLogDensity(0.25));
        double p = sigmoid(1.5);
        assertLogDensity(0.6 * Math.log(p) + 0.4 * Math.log(1 - p), Bernoulli.ofLogits(1.5).relaxedLogDensity(0.6));
        assertLogDensity(0.6 * Math.log(p) + 0.4 * Math.log(1 - p) + 0.1 * Math.log(p) + 0.9 * Math.log(1 - p),
                Bernoulli.ofLogits(1.5).relaxedLogDensity(Tensor.vector(0.6, 0.1)));
        assertOutsideRelaxedSupport(Bernoulli.ofProbability(0.3), 1.2);
        assertOutsideRelaxedSupport(Bernoulli.ofLogits(0.3), -0.1);
        // differentiable in the parameter and in y: arguments p (or logits), y
        assertGradient(a -> Bernoulli.ofProbability(a[0]).relaxedLogDensity(a[1]), 0.3, 0.25);
        assertGradient(a -> Bernoulli.ofLogits(a[0]).relaxedLogDensity(a[1]), 1.5, 0.6);
        // the strict density stays strict
        assertOutsideSupport(Bernoulli.ofProbability(0.3), 0.25);
    }

    private static void assertOutsideRelaxedSupport(Bernoulli d, double y) {
        assertEquals(Double.NEGATIVE_INFINITY, AD.scalarValue(d.relaxedLogDensity(y)));
        assertFalse(AD.isTracked(d.relaxedLogDensity(y)));
    }

    @Test
    void logitsAccessor() {
        assertEquals(Math.log(0.3 / 0.7), AD.scalarValue(Bernoulli.ofProbability(0.3).logits()), 1e-15);
        assertEquals(0.8, Bernoulli.ofLogits(0.8).logits());
        Tape tape = new Tape();
        TensorVar l = tape.leaf(Tensor.vector(0.5));
        assertTrue(AD.isTracked(Bernoulli.ofLogits(l).logits()));
    }
}
