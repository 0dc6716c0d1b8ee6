package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;

/** The built-in distributions by name: their families (for the compiler) and their factories. */
public final class Distributions {
    private Distributions() {
    }

    private record Entry(DistributionFamily family, Function<Object[], Distribution> factory) {
    }

    private static final Map<String, Entry> BY_NAME = new TreeMap<>();

    static {
        register(Bernoulli.FAMILY, Bernoulli::create);
        register(Beta.FAMILY, Beta::create);
        register(Binomial.FAMILY, Binomial::create);
        register(Categorical.FAMILY, Categorical::create);
        register(Cauchy.FAMILY, Cauchy::create);
        register(Dirichlet.FAMILY, Dirichlet::create);
        register(Exponential.FAMILY, Exponential::create);
        register(Gamma.FAMILY, Gamma::create);
        register(Geometric.FAMILY, Geometric::create);
        register(HalfCauchy.FAMILY, HalfCauchy::create);
        register(HalfNormal.FAMILY, HalfNormal::create);
        register(LogNormal.FAMILY, LogNormal::create);
        register(MvNormal.FAMILY, MvNormal::create);
        register(MvNormalDiag.FAMILY, MvNormalDiag::create);
        register(Normal.FAMILY, Normal::create);
        register(Poisson.FAMILY, Poisson::create);
        register(StudentT.FAMILY, StudentT::create);
        register(Uniform.FAMILY, Uniform::create);
    }

    private static void register(DistributionFamily family, Function<Object[], Distribution> factory) {
        BY_NAME.put(family.name(), new Entry(family, factory));
    }

    /** Every built-in family, sorted by name. */
    public static List<DistributionFamily> families() {
        return BY_NAME.values().stream().map(Entry::family).toList();
    }

    /** The family called {@code name}, or {@code null} if there is none. */
    public static DistributionFamily family(String name) {
        Entry e = BY_NAME.get(name);
        return e == null ? null : e.family();
    }

    /**
     * {@code iid(n, d)}: a tensor of independent draws of {@code d}, of shape {@code leading} followed by d's own
     * shape; its log density is the sum over them. For distributions over single numbers (whose parameters can
     * be broadcast); others are an error that says what to write instead.
     */
    public static Distribution iid(int[] leading, Distribution d) {
        if (d instanceof ElementwiseDistribution e) {
            return e.repeated(leading);
        }
        throw new IllegalArgumentException("iid: " + d.family().name() + " is not a distribution over single numbers;"
                + " draw several with replicate(n) { ... } instead");
    }

    /**
     * A distribution of the family {@code name} with {@code args} aligned with its parameters (null for one not
     * given). Throws IllegalArgumentException for an unknown name or a missing or ill-typed argument, and
     * {@link org.ppl4j.runtime.dist.DistributionArgumentException} for one outside its domain.
     */
    public static Distribution create(String name, Object[] args) {
        return factory(name).apply(args);
    }

    /**
     * What {@link #create} calls for the family {@code name}: builtins look it up once rather than at every call.
     * Throws IllegalArgumentException for an unknown name.
     */
    public static Function<Object[], Distribution> factory(String name) {
        Entry e = BY_NAME.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown distribution '" + name + "'; known: " + BY_NAME.keySet());
        }
        return e.factory();
    }
}
