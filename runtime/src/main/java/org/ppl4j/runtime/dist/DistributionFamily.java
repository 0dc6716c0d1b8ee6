package org.ppl4j.runtime.dist;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the compiler knows about a distribution before any value exists: its name, its parameter names
 * (for named arguments and messages), and what it can do for gradient strategies.
 *
 * @param name         the builtin's name, as users write it
 * @param parameters   parameter names in positional order
 * @param required     how many leading parameters must be given
 * @param capabilities what strategies can use (see {@link Capability})
 */
public record DistributionFamily(String name, List<String> parameters, int required, Set<Capability> capabilities) {
    public DistributionFamily {
        parameters = List.copyOf(parameters);
        // an EnumSet answers has() with a bit test (it is asked at every random choice)
        capabilities = java.util.Collections.unmodifiableSet(capabilities.isEmpty()
                ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities));
    }

    /** The older form: reparameterised, discrete and enumerable flags only. */
    public DistributionFamily(String name, List<String> parameters, int required, boolean reparameterized,
            boolean discrete, boolean enumerable) {
        this(name, parameters, required, flags(reparameterized, discrete, enumerable));
    }

    private static Set<Capability> flags(boolean reparameterized, boolean discrete, boolean enumerable) {
        EnumSet<Capability> s = EnumSet.noneOf(Capability.class);
        if (reparameterized) {
            s.add(Capability.REPARAMETERIZED);
        }
        if (discrete) {
            s.add(Capability.DISCRETE);
        }
        if (enumerable) {
            s.add(Capability.ENUMERABLE);
        }
        return s;
    }

    public boolean has(Capability c) {
        return capabilities.contains(c);
    }

    public boolean reparameterized() {
        return has(Capability.REPARAMETERIZED);
    }

    public boolean discrete() {
        return has(Capability.DISCRETE);
    }

    public boolean enumerable() {
        return has(Capability.ENUMERABLE);
    }
}
