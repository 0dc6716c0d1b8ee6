package org.ppl4j.runtime.builtins;

import com.oracle.truffle.api.interop.TruffleObject;

/** A builtin used as a value (passed to a function, stored in a list). */
public record BuiltinValue(PplBuiltin builtin) implements TruffleObject {
    @Override
    public String toString() {
        return "builtin " + builtin.name();
    }
}
