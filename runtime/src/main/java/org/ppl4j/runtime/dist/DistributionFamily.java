package org.ppl4j.runtime.dist;

import java.util.List;

/**
 * What the compiler knows about a distribution before any value exists: its name, its parameter names
 * (for named arguments and messages), and what it can do for gradient strategies.
 *
 * @param name           the builtin's name, as users write it
 * @param parameters     parameter names in positional order
 * @param required       how many leading parameters must be given
 * @param reparameterized whether {@link Distribution#reparamSample} exists
 * @param discrete       whether values are discrete (counts, booleans, categories)
 * @param enumerable     whether the support is finite and {@link Distribution#enumerateSupport} exists
 */
public record DistributionFamily(String name, List<String> parameters, int required, boolean reparameterized,
        boolean discrete, boolean enumerable) {
}
