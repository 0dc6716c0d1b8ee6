package org.ppl4j.runtime.error;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.exception.AbstractTruffleException;
import com.oracle.truffle.api.interop.ExceptionType;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import com.oracle.truffle.api.source.SourceSection;

/**
 * A program the compiler rejects (syntax, names, arity, strategies, constraints). To the polyglot API it
 * is a parse error, and an "incomplete source" when the input merely ended early, which the REPL uses to
 * ask for another line.
 */
@ExportLibrary(InteropLibrary.class)
public final class PplCompileException extends AbstractTruffleException {
    private static final long serialVersionUID = 1L;

    private final transient SourceSection section;
    private final boolean incomplete;

    @TruffleBoundary
    public PplCompileException(String message, SourceSection section, boolean incomplete) {
        super(message);
        this.section = section;
        this.incomplete = incomplete;
    }

    public SourceSection section() {
        return section;
    }

    @ExportMessage
    ExceptionType getExceptionType() {
        return ExceptionType.PARSE_ERROR;
    }

    @ExportMessage
    boolean isExceptionIncompleteSource() {
        return incomplete;
    }

    @ExportMessage
    boolean hasSourceLocation() {
        return section != null;
    }

    @ExportMessage(name = "getSourceLocation")
    @TruffleBoundary
    SourceSection sourceLocation() throws com.oracle.truffle.api.interop.UnsupportedMessageException {
        if (section == null) {
            throw com.oracle.truffle.api.interop.UnsupportedMessageException.create();
        }
        return section;
    }
}
