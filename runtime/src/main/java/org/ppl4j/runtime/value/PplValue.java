package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.ppl4j.runtime.PplLanguage;

/**
 * What every ppl4j value tells a polyglot host: that it is ppl4j's, and how it prints ({@code print}'s form, as
 * {@code Value.toString()}). Subclasses export what they are: members, array elements, execution.
 */
@ExportLibrary(InteropLibrary.class)
public abstract class PplValue implements TruffleObject {
    @ExportMessage
    public boolean hasLanguage() {
        return true;
    }

    @ExportMessage
    public Class<? extends TruffleLanguage<?>> getLanguage() {
        return PplLanguage.class;
    }

    @ExportMessage
    @TruffleBoundary
    public Object toDisplayString(boolean allowSideEffects) {
        return Printer.show(this);
    }
}
