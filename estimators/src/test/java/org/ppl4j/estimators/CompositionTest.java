package org.ppl4j.estimators;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.stdlib.dist.Bernoulli;
import org.ppl4j.stdlib.dist.Binomial;
import org.ppl4j.stdlib.dist.Geometric;
import org.ppl4j.stdlib.dist.Normal;
import org.ppl4j.stdlib.dist.Poisson;

/**
 * Strategies composed in one program, where a later site's distribution depends on an earlier site's value:
 * the replays of enum and mvd must resample (or re-enumerate) the later site under the earlier one's new value.
 * Each program runs with Rao-Blackwellisation on and off. N = 4,000 estimates (40,000 with -Pslow), seed
 * 20261190 XOR the hash of the display name, bound 5 SE + 1e-9 (1 + |exact|) (so all-enum programs must be exact).
 * Exact gradients are closed forms, derived in each case's comment.
 */
class CompositionTest {
    static final int N = Harness.n(4_000);
    static final GradientStrategy REINFORCE = new Reinforce(Baseline.NONE);
    static final double P = 0.3;
    static final double MU = 0.4;
    static final double RATE = 2.0;
    static final double Q = 0.6;

    @FunctionalInterface
    interface Program {
        Object run(Object[] params, ObjectiveRun run);
    }

    record Composition(String name, double[] theta, Program program, double[] exact) {
    }

    static Site site(String name) {
        return new Site("q", new Address(name));
    }

    static List<Composition> compositions() {
        List<Composition> cs = new ArrayList<>();
        // x ~ bernoulli(p), y ~ normal(mu + x, 1), f = y^2: E f = mu^2 + 2 mu p + p + 1
        double[] normalOnBernoulli = {2 * MU + 1, 2 * MU + 2 * P};
        cs.add(new Composition("x ~ bernoulli(p) by enum, y ~ normal(mu + x, 1) by reinforce, f = y^2",
                new double[] {P, MU}, (t, run) -> {
                    Object x = Enumerate.INSTANCE.sample(Bernoulli.ofProbability(t[0]), site("x"), run);
                    return AD.square(REINFORCE.sample(new Normal(AD.add(t[1], x), 1.0), site("y"), run));
                }, normalOnBernoulli));
        cs.add(new Composition("x ~ bernoulli(p) by mvd, y ~ normal(mu + x, 1) by reparam, f = y^2",
                new double[] {P, MU}, (t, run) -> {
                    Object x = MeasureValued.INSTANCE.sample(Bernoulli.ofProbability(t[0]), site("x"), run);
                    return AD.square(Reparam.INSTANCE.sample(new Normal(AD.add(t[1], x), 1.0), site("y"), run));
                }, normalOnBernoulli));
        // x ~ poisson(r), y ~ normal(mu + x, 1), f = y^2: E f = mu^2 + 2 mu r + r + r^2 + 1
        double[] normalOnPoisson = {2 * MU + 1 + 2 * RATE, 2 * MU + 2 * RATE};
        cs.add(new Composition("x ~ poisson(r) by mvd, y ~ normal(mu + x, 1) by reinforce, f = y^2",
                new double[] {RATE, MU}, (t, run) -> {
                    Object x = MeasureValued.INSTANCE.sample(new Poisson(t[0]), site("x"), run);
                    return AD.square(REINFORCE.sample(new Normal(AD.add(t[1], x), 1.0), site("y"), run));
                }, normalOnPoisson));
        cs.add(new Composition("x ~ poisson(r) by mvd, y ~ normal(mu + x, 1) by reparam, f = y^2",
                new double[] {RATE, MU}, (t, run) -> {
                    Object x = MeasureValued.INSTANCE.sample(new Poisson(t[0]), site("x"), run);
                    return AD.square(Reparam.INSTANCE.sample(new Normal(AD.add(t[1], x), 1.0), site("y"), run));
                }, normalOnPoisson));
        // x ~ bernoulli(p), y ~ binomial(x + 1, q), f = y^2 + x: E[y^2 | x] = (x + 1) q (1 - q) + (x + 1)^2 q^2, so
        // E f = (1 - p) q + p (2 q + 2 q^2 + 1)
        double[] binomialOnBernoulli = {Q + 2 * Q * Q + 1, (1 - P) + P * (2 + 4 * Q)};
        cs.add(new Composition("x ~ bernoulli(p) by enum, y ~ binomial(x + 1, q) by enum, f = y^2 + x",
                new double[] {P, Q}, (t, run) -> {
                    Object x = Enumerate.INSTANCE.sample(Bernoulli.ofProbability(t[0]), site("x"), run);
                    Object y = Enumerate.INSTANCE.sample(Binomial.ofProbability(AD.add(x, 1.0), t[1]), site("y"), run);
                    return AD.add(AD.square(y), x);
                }, binomialOnBernoulli));
        cs.add(new Composition("x ~ bernoulli(p) by reinforce, y ~ binomial(x + 1, q) by enum, f = y^2 + x",
                new double[] {P, Q}, (t, run) -> {
                    Object x = REINFORCE.sample(Bernoulli.ofProbability(t[0]), site("x"), run);
                    Object y = Enumerate.INSTANCE.sample(Binomial.ofProbability(AD.add(x, 1.0), t[1]), site("y"), run);
                    return AD.add(AD.square(y), x);
                }, binomialOnBernoulli));
        // x ~ bernoulli(p), y ~ bernoulli(q) independent, f = x y + y: E f = p q + q
        cs.add(new Composition("x ~ bernoulli(p) by mvd, y ~ bernoulli(q) by mvd, f = x y + y", new double[] {P, Q},
                (t, run) -> {
                    Object x = MeasureValued.INSTANCE.sample(Bernoulli.ofProbability(t[0]), site("x"), run);
                    Object y = MeasureValued.INSTANCE.sample(Bernoulli.ofProbability(t[1]), site("y"), run);
                    return AD.add(AD.mul(x, y), y);
                }, new double[] {Q, P + 1}));
        // x ~ geometric(g), y ~ poisson(x + 1), f = y^2: E[y^2 | x] = (x + 1) + (x + 1)^2, so
        // E f = E[x^2] + 3 E[x] + 2 with E x = (1 - g)/g, E x^2 = (1 - g)(2 - g)/g^2
        double g = 0.4;
        double[] geometricChain = Harness.fdGradient(t -> {
            double ex = (1 - t[0]) / t[0];
            return (1 - t[0]) * (2 - t[0]) / (t[0] * t[0]) + 3 * ex + 2;
        }, new double[] {g});
        cs.add(new Composition("x ~ geometric(g) by mvd, y ~ poisson(x + 1) by mvd, f = y^2", new double[] {g},
                (t, run) -> {
                    Object x = MeasureValued.INSTANCE.sample(new Geometric(t[0]), site("x"), run);
                    return AD.square(MeasureValued.INSTANCE.sample(new Poisson(AD.add(x, 1.0)), site("y"), run));
                }, geometricChain));
        cs.add(new Composition("x ~ geometric(g) by mvd, y ~ poisson(x + 1) by reinforce, f = y^2", new double[] {g},
                (t, run) -> {
                    Object x = MeasureValued.INSTANCE.sample(new Geometric(t[0]), site("x"), run);
                    return AD.square(REINFORCE.sample(new Poisson(AD.add(x, 1.0)), site("y"), run));
                }, geometricChain));
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> composedStrategiesAreUnbiased() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Composition c : compositions()) {
            for (boolean rb : new boolean[] {true, false}) {
                String name = c.name() + (rb ? "" : " (whole-objective)");
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    long seed = 20261190L ^ name.hashCode();
                    Rng rng = new Rng(seed);
                    BaselineStore store = new BaselineStore();
                    double[][] grads = new double[N][];
                    for (int i = 0; i < N; i++) {
                        Tape tape = new Tape();
                        Object[] leaves = Harness.leaves(tape, Cases.scalars(c.theta()));
                        SurrogateBuilder.Result r = Harness.estimator(run -> c.program().run(leaves, run), store, rb)
                                .estimate(null, tape, rng);
                        tape.backward(r.surrogate());
                        grads[i] = Harness.adjoints(leaves);
                    }
                    Harness.assertUnbiased(name + " (seed " + seed + ")", grads, c.exact());
                }));
            }
        }
        return tests.stream();
    }
}
