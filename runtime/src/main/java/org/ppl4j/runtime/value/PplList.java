package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;
import java.util.Arrays;
import java.util.List;

/** An immutable list of values: {@code [1, 0, 1]}. */
public final class PplList implements TruffleObject {
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
}
