package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;

/** The value of statements and of functions that return nothing. */
@ExportLibrary(InteropLibrary.class)
public final class PplNothing extends PplValue {
    public static final PplNothing INSTANCE = new PplNothing();

    private PplNothing() {
    }

    @Override
    public String toString() {
        return "nothing";
    }

    @ExportMessage
    boolean isNull() {
        return true;
    }
}
