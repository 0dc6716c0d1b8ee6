package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;

/** The value of statements and of functions that return nothing. */
public final class PplNothing implements TruffleObject {
    public static final PplNothing INSTANCE = new PplNothing();

    private PplNothing() {
    }

    @Override
    public String toString() {
        return "nothing";
    }
}
