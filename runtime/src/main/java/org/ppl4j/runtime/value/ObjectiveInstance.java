package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.ppl4j.runtime.PplLanguage;

/** An objective applied to its arguments, {@code elbo(p, q, obs)}: the expectation that fit maximises. */
@ExportLibrary(InteropLibrary.class)
public record ObjectiveInstance(FunctionValue objective, Object[] args) implements TruffleObject {
    public String name() {
        return objective.name();
    }

    @Override
    public String toString() {
        return objective.name() + "(...)";
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
