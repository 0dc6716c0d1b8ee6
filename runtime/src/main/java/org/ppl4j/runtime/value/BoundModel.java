package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;

/** A model applied to its arguments, {@code coin(8)}: a generative function ready for sim and density. */
public record BoundModel(FunctionValue model, Object[] args) implements TruffleObject {
    public String name() {
        return model.name();
    }

    @Override
    public String toString() {
        return model.name() + "(...)";
    }
}
