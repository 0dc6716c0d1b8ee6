package org.ppl4j.runtime.param;

/**
 * Where a running model gets its parameters. During a gradient step the values are tracked (on the step's
 * tape); elsewhere they are constants.
 */
public interface ParamProvider {
    /** The constrained value of a known parameter, or {@code null} if it has not been created yet. */
    Object lookup(ParamKey key);

    /**
     * Creates a parameter from its initial (constrained) value, which must satisfy the constraint, and
     * returns its current constrained value.
     */
    Object create(ParamKey key, Object initialValue, Constraint constraint);
}
