package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.stdlib.dist.Bernoulli;
import org.ppl4j.stdlib.dist.Categorical;

/**
 * Enumeration by groups: enumerated choices that share a term of the objective are enumerated jointly, the
 * groups move in lockstep. The program has five independent local choices z[i] ~ bernoulli(logits l[i]), each
 * with a term of its own, and a dependent pair a ~ bernoulli(p), b ~ categorical(c + a s) with terms in a, in b
 * and in both. One estimate must equal the exact expectation and its gradient, computed here by summing over all
 * 2^5 x 2 x 3 = 192 joint values on a tape, to 1e-10 (value 1e-12), and take as many runs as the largest group's
 * joint support: 6, where enumerating every joint value takes 192. A term coupling z[0] with b merges them into
 * one group (12 runs); without Rao-Blackwellisation the whole value is one term and one group (192 runs).
 * Two seeds (20261128, 7) give identical estimates.
 */
class GroupedEnumerationTest {
    static final double TOLERANCE = 1e-10;
    static final double[] L = {0.3, -1.2, 0.8, 0.05, -0.4};
    static final double[] WEIGHT = {1.0, -0.5, 2.0, 0.7, -1.5};
    static final double P = 0.35;
    static final double[] C = {0.2, -0.6, 0.9};
    static final double[] S = {1.1, -0.3, 0.4};

    /** The parameters as leaves: l[0..4], p, then the tensor c. */
    static Object[] leaves(Tape tape) {
        Object[] leaves = new Object[L.length + 2];
        for (int i = 0; i < L.length; i++) {
            leaves[i] = tape.leaf(L[i]);
        }
        leaves[L.length] = tape.leaf(P);
        leaves[L.length + 1] = tape.leaf(Tensor.vector(C));
        return leaves;
    }

    static Distribution z(Object[] theta, int i) {
        return Bernoulli.ofLogits(theta[i]);
    }

    static Distribution a(Object[] theta) {
        return Bernoulli.ofProbability(theta[L.length]);
    }

    static Distribution b(Object[] theta, Object a) {
        return Categorical.ofLogits(AD.add(theta[L.length + 1], AD.mul(a, Tensor.vector(S))));
    }

    /** f: sum_i w_i (z_i + 1)^2 + exp(a - b / 2) + 3 a + b^2, plus z_0 b when coupled. */
    static Object f(Object[] zs, Object a, Object b, boolean coupled) {
        Object total = 0.0;
        for (int i = 0; i < zs.length; i++) {
            total = AD.add(total, AD.mul(WEIGHT[i], AD.square(AD.add(zs[i], 1.0))));
        }
        total = AD.add(total, AD.exp(AD.sub(a, AD.mul(0.5, b))));
        total = AD.add(total, AD.mul(3.0, a));
        total = AD.add(total, AD.square(b));
        return coupled ? AD.add(total, AD.mul(zs[0], b)) : total;
    }

    /** {gradient..., value, runs} of one estimate. */
    static double[] estimate(boolean coupled, boolean rb, long seed) {
        Tape tape = new Tape();
        Object[] theta = leaves(tape);
        AtomicInteger runs = new AtomicInteger();
        ObjectiveEstimator.Program program = (ObjectiveRun run) -> {
            runs.incrementAndGet();
            Object[] zs = new Object[L.length];
            for (int i = 0; i < L.length; i++) {
                zs[i] = Enumerate.INSTANCE.sample(z(theta, i), new Site("q", new Address("z", i)), run);
            }
            Object a = Enumerate.INSTANCE.sample(a(theta), new Site("q", new Address("a")), run);
            Object b = Enumerate.INSTANCE.sample(b(theta, a), new Site("q", new Address("b")), run);
            return f(zs, a, b, coupled);
        };
        SurrogateBuilder.Result r = Harness.estimator(program, new BaselineStore(), rb).estimate(null, tape,
                new Rng(seed));
        tape.backward(r.surrogate());
        double[] g = Harness.adjoints(theta);
        double[] out = java.util.Arrays.copyOf(g, g.length + 2);
        out[g.length] = r.value();
        out[g.length + 1] = runs.get();
        return out;
    }

    /** {gradient..., value}: the sum over every joint value of q(values) f(values), differentiated on a tape. */
    static double[] exact(boolean coupled) {
        Tape tape = new Tape();
        Object[] theta = leaves(tape);
        Object total = 0.0;
        for (int mask = 0; mask < 1 << L.length; mask++) {
            Object[] zs = new Object[L.length];
            Object logWeight = 0.0;
            for (int i = 0; i < L.length; i++) {
                zs[i] = (double) ((mask >> i) & 1);
                logWeight = AD.add(logWeight, z(theta, i).logDensity(zs[i]));
            }
            for (double a = 0; a <= 1; a++) {
                for (double b = 0; b < C.length; b++) {
                    Object lw = AD.add(AD.add(logWeight, a(theta).logDensity(a)), b(theta, a).logDensity(b));
                    total = AD.add(total, AD.mul(AD.exp(lw), f(zs, a, b, coupled)));
                }
            }
        }
        tape.backward(total);
        double[] g = Harness.adjoints(theta);
        double[] out = java.util.Arrays.copyOf(g, g.length + 1);
        out[g.length] = AD.scalarValue(total);
        return out;
    }

    static void assertExact(boolean coupled, boolean rb, int expectedRuns) {
        double[] exact = exact(coupled);
        double[] e = estimate(coupled, rb, 20261128L);
        double[] again = estimate(coupled, rb, 7L);
        int n = exact.length - 1;
        assertArrayEquals(java.util.Arrays.copyOf(exact, n), java.util.Arrays.copyOf(e, n), TOLERANCE, "gradient");
        assertEquals(exact[n], e[n], 1e-12 * Math.abs(exact[n]), "value");
        assertArrayEquals(e, again, 0.0, "two seeds");
        assertEquals(expectedRuns, (int) e[n + 1], "runs of the program");
    }

    @Test
    void independentChoicesAndADependentPair() {
        assertExact(false, true, 2 * C.length);
    }

    @Test
    void aTermCouplingTwoGroupsMergesThem() {
        assertExact(true, true, 2 * 2 * C.length);
    }

    @Test
    void withoutRaoBlackwellisationTheValueIsOneGroup() {
        assertExact(false, false, (1 << L.length) * 2 * C.length);
    }
}
