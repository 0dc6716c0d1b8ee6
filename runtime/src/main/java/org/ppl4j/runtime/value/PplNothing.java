package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.ppl4j.runtime.PplLanguage;

/** The value of statements and of functions that return nothing. */
@ExportLibrary(InteropLibrary.class)
public final class PplNothing implements TruffleObject {
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

    @ExportMessage
    boolean hasLanguage() {
        return true;
    }

    @ExportMessage
    Class<? extends TruffleLanguage<?>> getLanguage() {
        return PplLanguage.class;
    }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(boolean allowSideEffects) {
        return Printer.show(this);
    }
}
