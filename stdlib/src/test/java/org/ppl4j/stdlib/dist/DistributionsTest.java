package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;

class DistributionsTest {
    private static Set<String> names(java.util.function.Predicate<DistributionFamily> p) {
        return Distributions.families().stream().filter(p).map(DistributionFamily::name).collect(Collectors.toSet());
    }

    @Test
    void familiesAreSortedByName() {
        assertEquals(List.of("bernoulli", "beta", "categorical", "exponential", "gamma", "lognormal", "normal",
                "poisson", "uniform"), Distributions.families().stream().map(DistributionFamily::name).toList());
    }

    @Test
    void familyFlags() {
        assertEquals(Set.of("normal", "lognormal", "uniform", "exponential"), names(DistributionFamily::reparameterized));
        assertEquals(Set.of("bernoulli", "categorical"), names(DistributionFamily::enumerable));
        assertEquals(Set.of("bernoulli", "categorical", "poisson"), names(DistributionFamily::discrete));
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
        assertNull(Distributions.family("cauchy"));
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
        assertInstanceOf(Categorical.class, Distributions.create("categorical", new Object[] {Tensor.vector(1, 1)}));
        for (DistributionFamily f : Distributions.families()) {
            Distribution d = Distributions.create(f.name(), validArgs(f.name()));
            assertSame(f, d.family());
        }
    }

    private static Object[] validArgs(String name) {
        return switch (name) {
            case "bernoulli" -> new Object[] {0.5, null};
            case "categorical" -> new Object[] {Tensor.vector(0.5, 0.5), null};
            case "exponential", "poisson" -> new Object[] {2.0};
            default -> new Object[] {0.25, 0.75};
        };
    }

    @Test
    void createRejectsUnknownNamesAndBadArity() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> Distributions.create("cauchy", new Object[] {}));
        assertTrue(unknown.getMessage().contains("cauchy"), unknown.getMessage());
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

    @Test
    void capabilitiesMatchFamilies() {
        Rng rng = new Rng(1);
        for (DistributionFamily f : Distributions.families()) {
            Distribution d = Distributions.create(f.name(), validArgs(f.name()));
            if (f.reparameterized()) {
                assertTrue(d.support().contains((Double) d.reparamSample(rng)), f.name());
            } else {
                assertThrows(UnsupportedOperationException.class, () -> d.reparamSample(rng), f.name());
            }
            if (f.enumerable()) {
                assertEquals(2, d.enumerateSupport().size(), f.name());
            } else {
                assertThrows(UnsupportedOperationException.class, d::enumerateSupport, f.name());
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
