package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;

/** An objective applied to its arguments, {@code elbo(p, q, obs)}: the expectation that fit maximises. */
public record ObjectiveInstance(FunctionValue objective, Object[] args) implements TruffleObject {
    public String name() {
        return objective.name();
    }

    @Override
    public String toString() {
        return objective.name() + "(...)";
    }
}
