package org.ppl4j.runtime.interop;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.interop.UnsupportedTypeException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplValue;

/**
 * A context's top-level names, {@code context.getBindings("ppl")}: {@code getMember} reads a name, and
 * {@code putMember(name, value)} defines or redefines one for the sources evaluated after.
 */
@ExportLibrary(InteropLibrary.class)
public final class PplBindings extends PplValue {
    private final PplContext context;

    public PplBindings(PplContext context) {
        this.context = context;
    }

    @ExportMessage
    boolean isScope() {
        return true;
    }

    @ExportMessage
    boolean hasMembers() {
        return true;
    }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(boolean includeInternal) {
        return new PplList(context.globals().keySet().toArray());
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) {
        return context.globals().containsKey(member);
    }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        Object v = context.globals().get(member);
        if (v == null) {
            throw UnknownIdentifierException.create(member);
        }
        return HostValues.export(v);
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberModifiable(String member) {
        return context.globals().containsKey(member);
    }

    /** A new name must be one a program can write: letters, digits and _, not starting with a digit. */
    @ExportMessage
    @TruffleBoundary
    boolean isMemberInsertable(String member) {
        return !context.globals().containsKey(member) && member.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    @ExportMessage
    @TruffleBoundary
    void writeMember(String member, Object value) throws UnknownIdentifierException, UnsupportedTypeException {
        if (!isMemberModifiable(member) && !isMemberInsertable(member)) {
            throw UnknownIdentifierException.create(member);
        }
        context.globals().put(member, HostValues.importValue(value));
    }

    @Override
    public String toString() {
        return "top-level names";
    }
}
