package org.ppl4j.runtime.interop;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnsupportedMessageException;
import com.oracle.truffle.api.interop.UnsupportedTypeException;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplNothing;
import org.ppl4j.runtime.value.Printer;

/**
 * Values crossing between ppl4j and the polyglot host: what a host sees of a ppl value ({@link #export}), and the
 * ppl value of what a host passes in ({@link #importValue}: arguments of a call, {@code putMember}).
 */
public final class HostValues {
    private HostValues() {
    }

    /**
     * A ppl value as the host may see it: numbers, booleans and strings as themselves, a tensor through a {@link
     * TensorView} (a rank-0 tensor as its number), records, lists, functions and the rest as the objects they are;
     * values being differentiated lose their tape.
     */
    @TruffleBoundary
    public static Object export(Object value) {
        Object v = AD.value(value);
        if (v == null) {
            return PplNothing.INSTANCE;
        }
        if (v instanceof Tensor t) {
            return t.rank() == 0 ? (Object) t.get(0) : new TensorView(t);
        }
        if (v instanceof Double || v instanceof Boolean || v instanceof String || v instanceof TruffleObject) {
            return v;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return Printer.show(v);
    }

    /**
     * The ppl value of a host value: a number of any Java type is a ppl number (a double), host null is
     * {@code nothing}, a host array or list is a ppl list of its elements, and ppl values come back as they left.
     */
    @TruffleBoundary
    public static Object importValue(Object value) throws UnsupportedTypeException {
        if (value instanceof Double || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof TensorView t) {
            return t.tensor();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (value instanceof TruffleObject && value.getClass().getName().startsWith("org.ppl4j.")) {
            return value; // a ppl value the host got from ppl4j
        }
        InteropLibrary interop = InteropLibrary.getUncached(value);
        try {
            if (interop.isNull(value)) {
                return PplNothing.INSTANCE;
            }
            if (interop.isBoolean(value)) {
                return interop.asBoolean(value);
            }
            if (interop.isNumber(value) && interop.fitsInDouble(value)) {
                return interop.asDouble(value);
            }
            if (interop.isString(value)) {
                return interop.asString(value);
            }
            if (interop.hasArrayElements(value)) {
                long n = interop.getArraySize(value);
                if (n > Integer.MAX_VALUE) {
                    throw UnsupportedTypeException.create(new Object[] {value}, "an array longer than 2^31 - 1");
                }
                Object[] elements = new Object[(int) n];
                for (int i = 0; i < elements.length; i++) {
                    elements[i] = importValue(interop.readArrayElement(value, i));
                }
                return new PplList(elements);
            }
        } catch (UnsupportedMessageException | com.oracle.truffle.api.interop.InvalidArrayIndexException e) {
            throw UnsupportedTypeException.create(new Object[] {value}, "unreadable value: " + e.getMessage());
        }
        throw UnsupportedTypeException.create(new Object[] {value}, "ppl4j takes numbers, booleans, strings, "
                + "arrays and lists of these, null and ppl4j's own values");
    }

    /** {@link #importValue} of each argument. */
    @TruffleBoundary
    public static Object[] importAll(Object[] arguments) throws UnsupportedTypeException {
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = importValue(arguments[i]);
        }
        return values;
    }
}
