package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.InvalidArrayIndexException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.util.Arrays;
import java.util.List;
import org.ppl4j.runtime.interop.HostValues;

/** An immutable list of values: {@code [1, 0, 1]}. */
@ExportLibrary(InteropLibrary.class)
public final class PplList extends PplValue {
    private final Object[] elements;

    public PplList(Object[] elements) {
        this.elements = elements;
    }

    public static PplList of(List<?> elements) {
        return new PplList(elements.toArray());
    }

    public int size() {
        return elements.length;
    }

    public Object get(int i) {
        if (i < 0 || i >= elements.length) {
            throw new IndexOutOfBoundsException("index " + i + " is out of bounds for a list of length "
                    + elements.length);
        }
        return elements[i];
    }

    public Object[] toArray() {
        return elements.clone();
    }

    public List<Object> asList() {
        return List.of(elements);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PplList l && Arrays.equals(elements, l.elements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(elements);
    }

    @Override
    public String toString() {
        return Printer.show(this);
    }

    @ExportMessage
    boolean hasArrayElements() {
        return true;
    }

    @ExportMessage
    long getArraySize() {
        return elements.length;
    }

    @ExportMessage
    boolean isArrayElementReadable(long index) {
        return index >= 0 && index < elements.length;
    }

    @ExportMessage
    @TruffleBoundary
    Object readArrayElement(long index) throws InvalidArrayIndexException {
        if (!isArrayElementReadable(index)) {
            throw InvalidArrayIndexException.create(index);
        }
        return HostValues.export(elements[(int) index]);
    }
}
