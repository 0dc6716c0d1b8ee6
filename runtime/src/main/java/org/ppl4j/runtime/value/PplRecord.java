package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.interop.HostValues;

/** A value with named fields read by {@code .name}: fit results, summaries, parameter tables. */
@ExportLibrary(InteropLibrary.class)
public final class PplRecord extends PplValue {
    private final String typeName;
    private final Map<String, Object> fields;

    public PplRecord(String typeName, Map<String, Object> fields) {
        this.typeName = typeName;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String typeName() {
        return typeName;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    public Object get(String name) {
        return fields.get(name);
    }

    @Override
    public String toString() {
        return Printer.show(this);
    }

    @ExportMessage
    boolean hasMembers() {
        return true;
    }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(boolean includeInternal) {
        return new PplList(fields.keySet().toArray());
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) {
        return fields.containsKey(member);
    }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        if (!fields.containsKey(member)) {
            throw UnknownIdentifierException.create(member);
        }
        return HostValues.export(fields.get(member));
    }
}
