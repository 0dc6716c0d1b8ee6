package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.ppl4j.estimators.Cases.Case;
import org.ppl4j.estimators.Cases.ElboCase;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.stdlib.dist.Distributions;

/**
 * DESIGN.md section 6, item 1 of the estimator proof suite: for every (distribution, unbiased strategy) pair the
 * code accepts ({@code strategy.supports(family)}) and two test functions each, the mean of N single-sample
 * estimates of grad_theta E[f(x)] is within 5 standard errors (from the sample variance) of the exact gradient.
 * The exact gradient is a Richardson finite difference of the exact expectation (closed form, exact sum, or
 * quadrature: {@link Cases}). Path is unbiased only for KL-type objectives, so it is checked on ELBO cases (with
 * reparam and reinforce alongside).
 *
 * <p>N = 4,000 per pair (40,000 with {@code -Pslow}); each estimate from one run of the program, except with the
 * leave-one-out baseline: the mean of 4 particles (runs), each baselined by the other three; seed = 20261128 XOR
 * the hash of the test's display name;
 * bound |mean - exact| <= 5 SE + 1e-9 (1 + |exact|), SE = sqrt(s^2 / N) (the 1e-9 lets zero-variance
 * estimators such as mvd on a bernoulli pass only when exact). Estimates are made exactly as the runtime makes
 * them: an {@code ObjectiveEstimator} over a Java program, Rao-Blackwellised, one baseline store per pair (a
 * running mean learns across the N estimates, as in a fit).
 */
class PairUnbiasednessTest {
    static final int N = Harness.n(4_000);
    static final long SEED = 20261128L;

    /** The unbiased strategies, by the name they show under. */
    static final List<GradientStrategy> STRATEGIES = List.of(Reparam.INSTANCE, new Reinforce(Baseline.NONE),
            new Reinforce(new RunningMeanBaseline(0.9)), new Reinforce(LeaveOneOutBaseline.INSTANCE),
            Enumerate.INSTANCE, MeasureValued.INSTANCE);

    /** Particles per estimate: 4 for the leave-one-out baseline (which needs at least 2), 1 otherwise. */
    static int particles(GradientStrategy s) {
        return s instanceof Reinforce r && r.baseline() == LeaveOneOutBaseline.INSTANCE ? 4 : 1;
    }

    static String describe(GradientStrategy s) {
        return s.describe() + (particles(s) > 1 ? " x " + particles(s) + " particles" : "");
    }

    static long seed(String name) {
        return SEED ^ name.hashCode();
    }

    @TestFactory
    Stream<DynamicTest> everySupportedPairIsUnbiased() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : Cases.all()) {
            for (GradientStrategy s : STRATEGIES) {
                if (!s.supports(c.family())) {
                    continue;
                }
                String name = c + " by " + describe(s);
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    double[][] g = Harness.gradients(N, seed(name), s, c.build(), c.theta(), c.f(), true,
                            particles(s));
                    Harness.assertUnbiased(name + " (seed " + seed(name) + ")", g, c.exactGradient());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> elboGradientsAreUnbiased() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ElboCase c : Cases.elbo()) {
            for (GradientStrategy s : List.of(Path.INSTANCE, Reparam.INSTANCE, new Reinforce(Baseline.NONE))) {
                String name = c + " by " + s.describe();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Rng rng = new Rng(seed(name));
                    BaselineStore store = new BaselineStore();
                    double[][] g = new double[N][];
                    for (int i = 0; i < N; i++) {
                        g[i] = elboGradient(c, s, rng, store);
                    }
                    Harness.assertUnbiased(name + " (seed " + seed(name) + ")", g, c.exactGradient());
                }));
            }
        }
        return tests.stream();
    }

    /**
     * One estimate of the gradient of E_q[log p(x) - log q(x)]: log q is evaluated as the path strategy demands,
     * with the site's parameters detached when {@code run.isPath} says so.
     */
    static double[] elboGradient(ElboCase c, GradientStrategy s, Rng rng, BaselineStore store) {
        Tape tape = new Tape();
        Object[] leaves = Harness.leaves(tape, c.theta());
        Distribution q = c.build().build(leaves);
        SurrogateBuilder.Result r = Harness.estimator(run -> {
            Object x = s.sample(q, Harness.SITE, run);
            Distribution own = run.isPath(Harness.SITE.owner(), Harness.SITE.address()) ? q.detachParameters() : q;
            return org.ppl4j.runtime.ad.AD.sub(c.logTarget().apply(x), own.logDensity(x));
        }, store, true).estimate(null, tape, rng);
        tape.backward(r.surrogate());
        return Harness.adjoints(leaves);
    }

    /**
     * Every (family, strategy) pair the code accepts is proved somewhere: unbiased ones here, straight-through
     * and relax (biased by design) in {@link BiasedStrategiesTest}.
     */
    @Test
    void everyAcceptedPairIsCovered() {
        Set<String> covered = new TreeSet<>();
        for (Case c : Cases.all()) {
            for (GradientStrategy s : STRATEGIES) {
                if (s.supports(c.family())) {
                    covered.add(c.family().name() + "/" + s.name());
                }
            }
        }
        for (ElboCase c : Cases.elbo()) {
            covered.add(c.build().build(c.theta()).family().name() + "/path");
        }
        covered.addAll(BiasedStrategiesTest.COVERED);
        List<String> missing = new ArrayList<>();
        for (DistributionFamily f : Distributions.families()) {
            for (String name : Strategies.NAMES) {
                GradientStrategy s = Strategies.parse(name.equals("relax") ? "relax(0.5)" : name);
                if (s.supports(f) && !covered.contains(f.name() + "/" + s.name())) {
                    missing.add(f.name() + "/" + s.name());
                }
            }
        }
        assertTrue(missing.isEmpty(), "accepted (distribution, strategy) pairs with no proof: " + missing);
    }
}
