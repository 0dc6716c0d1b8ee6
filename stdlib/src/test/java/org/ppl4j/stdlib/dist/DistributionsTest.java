package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.runtime.dist.Capability.DISCRETE;
import static org.ppl4j.runtime.dist.Capability.ENUMERABLE;
import static org.ppl4j.runtime.dist.Capability.PARAMETER_DEPENDENT_SUPPORT;
import static org.ppl4j.runtime.dist.Capability.MEASURE_VALUED;
import static org.ppl4j.runtime.dist.Capability.RELAXABLE;
import static org.ppl4j.runtime.dist.Capability.REPARAMETERIZED;
import static org.ppl4j.runtime.dist.Capability.STRAIGHT_THROUGH;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.TapeNode;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;

class DistributionsTest {
    private static Set<String> names(java.util.function.Predicate<DistributionFamily> p) {
        return Distributions.families().stream().filter(p).map(DistributionFamily::name).collect(Collectors.toSet());
    }

    @Test
    void familiesAreSortedByName() {
        assertEquals(List.of("bernoulli", "beta", "binomial", "categorical", "cauchy", "dirichlet", "exponential",
                "gamma", "geometric", "halfcauchy", "halfnormal", "lognormal", "mvnormal", "mvnormal_diag", "normal",
                "poisson", "studentt", "uniform"), Distributions.families().stream().map(DistributionFamily::name).toList());
    }

    /** Exactly what each family declares. */
    private static final Map<String, Set<Capability>> CAPABILITIES = Map.ofEntries(
            Map.entry("bernoulli", Set.of(DISCRETE, ENUMERABLE, MEASURE_VALUED, STRAIGHT_THROUGH, RELAXABLE)),
            Map.entry("beta", Set.of()),
            Map.entry("binomial", Set.of(DISCRETE, ENUMERABLE)),
            Map.entry("categorical", Set.of(DISCRETE, ENUMERABLE, MEASURE_VALUED, STRAIGHT_THROUGH, RELAXABLE)),
            Map.entry("cauchy", Set.of(REPARAMETERIZED)),
            Map.entry("dirichlet", Set.of()),
            Map.entry("exponential", Set.of(REPARAMETERIZED)),
            Map.entry("gamma", Set.of()),
            Map.entry("geometric", Set.of(DISCRETE, MEASURE_VALUED)),
            Map.entry("halfcauchy", Set.of(REPARAMETERIZED)),
            Map.entry("halfnormal", Set.of(REPARAMETERIZED)),
            Map.entry("lognormal", Set.of(REPARAMETERIZED)),
            Map.entry("mvnormal", Set.of(REPARAMETERIZED)),
            Map.entry("mvnormal_diag", Set.of(REPARAMETERIZED)),
            Map.entry("normal", Set.of(REPARAMETERIZED)),
            Map.entry("poisson", Set.of(DISCRETE, MEASURE_VALUED)),
            Map.entry("studentt", Set.of()),
            Map.entry("uniform", Set.of(REPARAMETERIZED, PARAMETER_DEPENDENT_SUPPORT)));

    @Test
    void familyCapabilities() {
        assertEquals(CAPABILITIES.keySet(), names(f -> true));
        for (DistributionFamily f : Distributions.families()) {
            assertEquals(CAPABILITIES.get(f.name()), f.capabilities(), f.name());
        }
    }

    @Test
    void familyFlags() {
        assertEquals(Set.of("normal", "lognormal", "uniform", "exponential", "cauchy", "halfcauchy", "halfnormal",
                "mvnormal", "mvnormal_diag"), names(DistributionFamily::reparameterized));
        assertEquals(Set.of("bernoulli", "categorical", "binomial"), names(DistributionFamily::enumerable));
        assertEquals(Set.of("bernoulli", "categorical", "poisson", "binomial", "geometric"),
                names(DistributionFamily::discrete));
        assertEquals(Set.of("bernoulli", "categorical", "poisson", "geometric"), names(f -> f.has(MEASURE_VALUED)));
        assertEquals(Set.of("bernoulli", "categorical"), names(f -> f.has(STRAIGHT_THROUGH)));
        assertEquals(Set.of("bernoulli", "categorical"), names(f -> f.has(RELAXABLE)));
        assertEquals(List.of("n", "p", "logits"), Distributions.family("binomial").parameters());
        assertEquals(1, Distributions.family("binomial").required());
        assertEquals(List.of("df", "loc", "scale"), Distributions.family("studentt").parameters());
        assertEquals(List.of("loc", "scale_tril"), Distributions.family("mvnormal").parameters());
        assertEquals(List.of("p", "logits"), Distributions.family("bernoulli").parameters());
        assertEquals(0, Distributions.family("bernoulli").required());
        assertEquals(List.of("probs", "logits"), Distributions.family("categorical").parameters());
        assertEquals(0, Distributions.family("categorical").required());
        assertEquals(List.of("shape", "rate"), Distributions.family("gamma").parameters());
        assertEquals(2, Distributions.family("gamma").required());
    }

    @Test
    void familyLookup() {
        assertSame(Normal.FAMILY, Distributions.family("normal"));
        assertSame(Categorical.FAMILY, Distributions.family("categorical"));
        assertNull(Distributions.family("wishart"));
        for (DistributionFamily f : Distributions.families()) {
            assertSame(f, Distributions.family(f.name()));
        }
    }

    @Test
    void createDispatchesByName() {
        assertInstanceOf(Normal.class, Distributions.create("normal", new Object[] {0.0, 1.0}));
        assertInstanceOf(LogNormal.class, Distributions.create("lognormal", new Object[] {0.0, 1.0}));
        assertInstanceOf(Uniform.class, Distributions.create("uniform", new Object[] {0.0, 1.0}));
        assertInstanceOf(Exponential.class, Distributions.create("exponential", new Object[] {1.0}));
        assertInstanceOf(Beta.class, Distributions.create("beta", new Object[] {1.0, 1.0}));
        assertInstanceOf(Gamma.class, Distributions.create("gamma", new Object[] {1.0, 1.0}));
        assertInstanceOf(Poisson.class, Distributions.create("poisson", new Object[] {3}));
        Distribution b = Distributions.create("bernoulli", new Object[] {null, 0.0});
        assertTrue(((Bernoulli) b).isLogitParameterized());
        assertInstanceOf(Categorical.class, Distributions.create("categorical", new Object[] {Tensor.vector(0.5, 0.5)}));
        assertInstanceOf(Binomial.class, Distributions.create("binomial", new Object[] {3, null, 0.0}));
        assertInstanceOf(Geometric.class, Distributions.create("geometric", new Object[] {0.5}));
        assertInstanceOf(Dirichlet.class, Distributions.create("dirichlet", new Object[] {List.of(1.0, 2.0)}));
        assertInstanceOf(MvNormal.class, Distributions.create("mvnormal", validArgs("mvnormal")));
        assertInstanceOf(MvNormalDiag.class, Distributions.create("mvnormal_diag", validArgs("mvnormal_diag")));
        assertInstanceOf(HalfNormal.class, Distributions.create("halfnormal", new Object[] {1.0}));
        assertInstanceOf(HalfCauchy.class, Distributions.create("halfcauchy", new Object[] {1.0}));
        assertInstanceOf(Cauchy.class, Distributions.create("cauchy", new Object[] {0.0, 1.0}));
        assertInstanceOf(StudentT.class, Distributions.create("studentt", new Object[] {3.0, 0.0, 1.0}));
        for (DistributionFamily f : Distributions.families()) {
            Distribution d = Distributions.create(f.name(), validArgs(f.name()));
            assertSame(f, d.family());
        }
    }

    private static Object[] validArgs(String name) {
        return switch (name) {
            case "bernoulli" -> new Object[] {0.3, null};
            case "binomial" -> new Object[] {3.0, 0.4, null};
            case "categorical" -> new Object[] {Tensor.vector(0.2, 0.3, 0.5), null};
            case "dirichlet" -> new Object[] {Tensor.vector(1.5, 2.0, 2.5)};
            case "exponential" -> new Object[] {2.0};
            case "poisson" -> new Object[] {2.5}; // not an integer, so d/d rate at a count x, x / rate - 1, is not 0
            case "geometric" -> new Object[] {0.4};
            case "halfnormal", "halfcauchy" -> new Object[] {0.75};
            case "mvnormal" -> new Object[] {Tensor.vector(0.1, -0.2),
                new Tensor(new int[] {2, 2}, new double[] {1.0, 0, 0.3, 0.5})};
            case "mvnormal_diag" -> new Object[] {Tensor.vector(0.1, -0.2), Tensor.vector(0.5, 1.5)};
            case "studentt" -> new Object[] {4.0, 0.25, 0.75};
            default -> new Object[] {0.25, 0.75};
        };
    }

    /** The valid arguments as tape leaves (a Var for a number, a TensorVar for a tensor). */
    private static Object[] trackedArgs(Tape tape, String name) {
        Object[] args = validArgs(name);
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Double d) {
                args[i] = tape.leaf(d);
            } else if (args[i] instanceof Tensor t) {
                args[i] = tape.leaf(t);
            }
        }
        return args;
    }

    private static double adjointNorm(Object[] leaves) {
        double total = 0;
        for (Object leaf : leaves) {
            if (leaf instanceof Var v) {
                total += Math.abs(v.adjoint());
            } else if (leaf instanceof TensorVar t) {
                for (double g : t.adjoint().toArray()) {
                    total += Math.abs(g);
                }
            }
        }
        return total;
    }

    /**
     * For every family, at a sample x (seed 3): the detached distribution has the same class, family, description
     * and log density, and no gradient reaches the parameters through its log density, while the original's does
     * reach them. (Each gradient on a tape of its own.)
     */
    @Test
    void detachParametersKeepsTheDensityAndDropsTheGradient() {
        for (DistributionFamily f : Distributions.families()) {
            Tape tape = new Tape();
            Object[] leaves = trackedArgs(tape, f.name());
            Distribution d = Distributions.create(f.name(), leaves);
            Object x = d.sample(new Rng(3));
            Object lp = d.logDensity(x);
            tape.backward(lp);
            assertTrue(adjointNorm(leaves) > 0, f.name() + ": the original density does reach the parameters");

            Tape detachedTape = new Tape();
            Object[] detachedLeaves = trackedArgs(detachedTape, f.name());
            Distribution detached = Distributions.create(f.name(), detachedLeaves).detachParameters();
            Object lpDetached = detached.logDensity(x);
            assertSame(d.getClass(), detached.getClass(), f.name());
            assertSame(f, detached.family(), f.name());
            assertEquals(d.toString(), detached.toString(), f.name());
            assertEquals(AD.scalarValue(lp), AD.scalarValue(lpDetached), 0.0, f.name());
            detachedTape.backward(lpDetached);
            assertEquals(0.0, adjointNorm(detachedLeaves), f.name() + ": no gradient through the detached parameters");
        }
    }

    @Test
    void createRejectsUnknownNamesAndBadArity() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> Distributions.create("wishart", new Object[] {}));
        assertTrue(unknown.getMessage().contains("wishart"), unknown.getMessage());
        var tooMany = assertThrows(IllegalArgumentException.class,
                () -> Distributions.create("normal", new Object[] {0.0, 1.0, 2.0}));
        assertTrue(tooMany.getMessage().startsWith("normal"), tooMany.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Distributions.create("normal", new Object[] {0.0}));
        assertEquals("normal: missing argument 'sigma'", missing.getMessage());
        var wrongType = assertThrows(IllegalArgumentException.class,
                () -> Distributions.create("gamma", new Object[] {"two", 1.0}));
        assertTrue(wrongType.getMessage().startsWith("gamma: argument 'shape'"), wrongType.getMessage());
        var bad = assertThrows(DistributionArgumentException.class,
                () -> Distributions.create("exponential", new Object[] {-1.0}));
        assertEquals("rate", bad.argument());
    }

    /**
     * A discrete value has no gradient, but the log density at a value that stands for a random choice (a tape
     * source) still depends on that choice, so Rao-Blackwellised estimators see the term as downstream of it.
     */
    @Test
    void discreteLogDensitiesKeepTheValuesProvenance() {
        for (DistributionFamily f : Distributions.families()) {
            if (!f.discrete()) {
                continue;
            }
            Distribution d = Distributions.create(f.name(), validArgs(f.name()));
            Object x = d.sample(new Rng(4));
            Tape tape = new Tape();
            Object choice = tape.source(x, 0, null);
            Object lp = d.logDensity(choice);
            assertEquals(AD.scalarValue(d.logDensity(x)), AD.scalarValue(lp), 0.0, f.name());
            assertTrue(lp instanceof TapeNode, f.name() + ": the density is on the tape");
            assertTrue(tape.dependencies()[((TapeNode) lp).id()].get(0), f.name() + ": it depends on the choice");
        }
    }

    /** Every element of a value (a number or a tensor) is in the support. */
    private static void assertInSupport(Distribution d, Object value) {
        for (double v : AD.tensorValue(value).toArray()) {
            assertTrue(d.support().contains(v), d + ": " + v + " outside the support");
        }
    }

    /** With the capability, {@code use} works; without it, it throws UnsupportedOperationException naming the family. */
    private static void assertCapability(DistributionFamily f, Capability c, Executable use) {
        if (f.has(c)) {
            assertDoesNotThrow(use, f.name() + " " + c);
        } else {
            var e = assertThrows(UnsupportedOperationException.class, use, f.name() + " " + c);
            assertTrue(e.getMessage().startsWith(f.name()), e.getMessage());
        }
    }

    /** What each family declares it offers is there, and what it does not declare is refused. */
    @Test
    void capabilitiesMatchFamilies() {
        Rng rng = new Rng(1);
        for (DistributionFamily f : Distributions.families()) {
            Distribution d = Distributions.create(f.name(), validArgs(f.name()));
            Object x = d.sample(rng);
            assertInSupport(d, x);
            assertCapability(f, REPARAMETERIZED, () -> assertInSupport(d, d.reparamSample(rng)));
            assertCapability(f, ENUMERABLE, () -> {
                double total = 0;
                for (Object v : d.enumerateSupport()) {
                    assertInSupport(d, v);
                    total += Math.exp(AD.scalarValue(d.logDensity(v)));
                }
                assertEquals(1.0, total, 1e-12, f.name() + ": the enumerated support carries all the mass");
            });
            assertCapability(f, MEASURE_VALUED, () -> assertFalse(d.weakDerivatives(x, new Rng(2)).isEmpty()));
            assertCapability(f, STRAIGHT_THROUGH, () -> assertTrue(AD.isNumeric(d.straightThrough(x))));
            assertCapability(f, RELAXABLE, () -> {
                Object y = d.relaxedSample(rng, 0.5);
                assertTrue(Double.isFinite(AD.scalarValue(d.relaxedLogDensity(y))), f.name());
            });
            if (!f.has(RELAXABLE)) {
                assertThrows(UnsupportedOperationException.class, () -> d.relaxedLogDensity(x), f.name());
            }
            assertEquals(f.discrete(), d.support().isDiscrete(), f.name());
        }
    }

    @Test
    void tensorValuedMomentsAreUnsupported() {
        Distribution d = new Normal(Tensor.vector(0, 1), 1.0);
        var e = assertThrows(UnsupportedOperationException.class, d::mean);
        assertTrue(e.getMessage().startsWith("normal"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, d::variance);
    }

    @Test
    void mismatchedTensorShapesAreRejected() {
        assertThrows(RuntimeException.class, () -> new Normal(Tensor.vector(0, 1), Tensor.vector(1, 1, 1)));
    }
}
