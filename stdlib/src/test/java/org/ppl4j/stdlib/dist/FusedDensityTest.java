package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.TapeNode;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;

/**
 * The one-node log densities of scalar distributions (bernoulli, normal) agree with the elementary operations
 * they replace, which a rank-0 tensor value still takes: values to 1e-12 (relative), gradients with respect to every
 * tracked parameter to 1e-12; they split into the same additive terms and constant (what Rao-Blackwellisation
 * multiplies by scores); the density of a random choice's value still depends on that choice.
 */
class FusedDensityTest {
    static final double TOLERANCE = 1e-12;

    /** log density and parameter gradients at a scalar x (fused) and at the same x as a rank-0 tensor (elementary). */
    static void assertAgree(String what, BiFunction<Object[], Tape, Distribution> build, double[] params, double x) {
        double[][] fused = evaluate(build, params, x);
        double[][] elementary = evaluate(build, params, new Tensor(new int[] {}, new double[] {x}));
        assertClose(what + ": log density", elementary[0][0], fused[0][0]);
        for (int i = 0; i < params.length; i++) {
            assertClose(what + ": d/dparam " + i, elementary[1][i], fused[1][i]);
        }
    }

    private static void assertClose(String what, double expected, double actual) {
        if (Double.isInfinite(expected) || Double.isNaN(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
        }
    }

    private static double[][] evaluate(BiFunction<Object[], Tape, Distribution> build, double[] params, Object x) {
        Tape tape = new Tape();
        Object[] leaves = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            leaves[i] = tape.leaf(params[i]);
        }
        Object lp = build.apply(leaves, tape).logDensity(x);
        double value = AD.scalarValue(lp);
        double[] gradient = new double[params.length];
        if (lp instanceof Var && Double.isFinite(value)) {
            tape.backward(lp);
            for (int i = 0; i < params.length; i++) {
                gradient[i] = ((Var) leaves[i]).adjoint();
            }
        }
        return new double[][] {{value}, gradient};
    }

    @Test
    void bernoulliFromLogits() {
        for (double l : new double[] {-40, -3.2, -0.4, 0, 0.7, 5.5, 40}) {
            for (double x : new double[] {0, 1}) {
                assertAgree("bernoulli(logits: " + l + ") at " + x, (p, t) -> Bernoulli.ofLogits(p[0]),
                        new double[] {l}, x);
            }
        }
    }

    @Test
    void bernoulliFromProbability() {
        for (double q : new double[] {1e-9, 0.05, 0.3, 0.5, 0.93, 1 - 1e-9}) {
            for (double x : new double[] {0, 1}) {
                assertAgree("bernoulli(" + q + ") at " + x, (p, t) -> Bernoulli.ofProbability(p[0]),
                        new double[] {q}, x);
            }
        }
        // p = 0 and 1: log 0 at the impossible value, 0 at the certain one
        assertEquals(Double.NEGATIVE_INFINITY, AD.scalarValue(Bernoulli.ofProbability(0.0).logDensity(1.0)));
        assertEquals(0.0, AD.scalarValue(Bernoulli.ofProbability(1.0).logDensity(1.0)));
        assertEquals(Double.NEGATIVE_INFINITY, AD.scalarValue(Bernoulli.ofProbability(0.3).logDensity(0.5)));
    }

    @Test
    void normalWithTrackedAndConstantScale() {
        for (double[] mx : new double[][] {{0.3, -0.8}, {-2.0, 1.1}, {5.0, 5.0}, {0, 40}}) {
            for (double sigma : new double[] {0.05, 1.0, 2.7}) {
                assertAgree("normal(" + mx[0] + ", " + sigma + ") at " + mx[1], (p, t) -> new Normal(p[0], p[1]),
                        new double[] {mx[0], sigma}, mx[1]);
                assertAgree("normal(" + mx[0] + ", constant " + sigma + ") at " + mx[1],
                        (p, t) -> new Normal(p[0], sigma), new double[] {mx[0]}, mx[1]);
            }
        }
    }

    @Test
    void normalGradientInTheValue() {
        // x tracked: d/dx log N(x; mu, sigma) = -(x - mu) / sigma^2, as elementary operations give it
        Tape tape = new Tape();
        Var x = tape.leaf(1.3);
        Object lp = new Normal(0.4, 1.5).logDensity(x);
        tape.backward(lp);
        assertEquals(-(1.3 - 0.4) / (1.5 * 1.5), x.adjoint(), 1e-15);
    }

    @Test
    void theDensityOfAChoiceDependsOnIt() {
        Tape tape = new Tape();
        Var logit = tape.leaf(0.2);
        Object z = tape.source(1.0, 0, null);
        Object lp = Bernoulli.ofLogits(logit).logDensity(z);
        assertInstanceOf(TapeNode.class, lp);
        BitSet d = tape.dependenciesOf((TapeNode) lp);
        assertTrue(d != null && d.get(0), "the bernoulli density depends on choice 0");
        tape.backward(lp);
        assertEquals(1 - 1 / (1 + Math.exp(-0.2)), logit.adjoint(), 1e-15);
        Object lpNormal = new Normal(z, 1.0).logDensity(0.5);
        BitSet dn = tape.dependenciesOf((TapeNode) lpNormal);
        assertTrue(dn != null && dn.get(0), "a normal whose mean is the choice depends on it");
    }

    /** The constant and the sorted values k * term of a decomposition. */
    private static double[] split(Object lp) {
        Tape.Decomposition d = Tape.decompose(lp);
        double[] out = new double[d.terms().size() + 1];
        out[0] = d.constant();
        for (int i = 0; i < d.terms().size(); i++) {
            out[i + 1] = d.coefficients()[i] * d.terms().get(i).scalar();
        }
        java.util.Arrays.sort(out, 1, out.length);
        return out;
    }

    private static void assertSameTerms(String what, Object elementary, Object fused) {
        double[] e = split(elementary);
        double[] f = split(fused);
        assertEquals(e.length, f.length, what + ": number of terms");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], f[i], TOLERANCE * Math.max(1, Math.abs(e[i])), what + (i == 0 ? ": constant" : ": term"));
        }
    }

    @Test
    void sameAdditiveTermsAsTheElementaryOperations() {
        for (boolean trackedSigma : new boolean[] {false, true}) {
            Tape tape = new Tape();
            Object x = tape.source(0.7, 0, null);
            Var mu = tape.leaf(-0.2);
            Object sigma = trackedSigma ? tape.leaf(1.8) : (Object) 1.8;
            assertSameTerms("normal, tracked sigma " + trackedSigma, Normal.logDensity(x, mu, sigma),
                    new Normal(mu, sigma).logDensity(x));
        }
        for (boolean logits : new boolean[] {false, true}) {
            for (double v : new double[] {0, 1}) {
                Tape tape = new Tape();
                Object x = tape.source(v, 0, null);
                Var p = tape.leaf(logits ? -0.6 : 0.35);
                Object xd = AD.detach(x);
                Distribution d = logits ? Bernoulli.ofLogits(p) : Bernoulli.ofProbability(p);
                Object elementary = Bernoulli.logLikelihood(xd, AD.sub(1.0, xd), p, logits);
                // the elementary form has a term per outcome, one of them zero; the fused one drops the zero
                double[] e = split(elementary);
                double[] f = split(d.logDensity(x));
                assertEquals(e[0], f[0], TOLERANCE, "bernoulli constant");
                assertEquals(e[1] + e[2], f[1], TOLERANCE, "bernoulli term");
            }
        }
    }
}
