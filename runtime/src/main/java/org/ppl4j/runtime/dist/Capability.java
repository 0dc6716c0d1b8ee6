package org.ppl4j.runtime.dist;

/** What a distribution offers to gradient strategies; each strategy states which one it needs. */
public enum Capability {
    /** {@link Distribution#reparamSample}: reparam and path. */
    REPARAMETERIZED,
    /** Discrete values (counts, booleans, categories). */
    DISCRETE,
    /** {@link Distribution#enumerateSupport}: a finite support, for enum. */
    ENUMERABLE,
    /** {@link Distribution#weakDerivatives}: measure-valued derivatives, for mvd. */
    MEASURE_VALUED,
    /** {@link Distribution#straightThrough}: for straight_through. */
    STRAIGHT_THROUGH,
    /** {@link Distribution#relaxedSample} and {@link Distribution#relaxedLogDensity}: for relax. */
    RELAXABLE,
    /**
     * The support moves with the parameters (uniform's bounds): d/dtheta E[f] has a boundary term that the
     * score-function and path estimators miss, so they refuse such distributions.
     */
    PARAMETER_DEPENDENT_SUPPORT
}
