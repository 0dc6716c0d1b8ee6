package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.interop.HostValues;

/**
 * Values of random choices by address. An entry may hold a list (or tensor) that fills indexed addresses:
 * {@code choices { flip: [1, 0] }} answers {@code flip[0]} and {@code flip[1]}.
 */
@ExportLibrary(InteropLibrary.class)
public final class ChoiceMap extends PplValue {
    private final LinkedHashMap<Address, Object> entries;

    public ChoiceMap() {
        this.entries = new LinkedHashMap<>();
    }

    private ChoiceMap(LinkedHashMap<Address, Object> entries) {
        this.entries = entries;
    }

    /** Adds an entry; a second value at the same address is an error (a choice is made once). */
    public void put(Address address, Object value) {
        if (entries.putIfAbsent(address, value) != null) {
            throw new IllegalArgumentException("the address '" + address + "' was given two values");
        }
    }

    /** How this map was simulated (see {@link #simulation}), and its size then. */
    private Object simulation;
    private int simulatedSize = -1;

    /**
     * Remembers how a simulation drew this map (its sites' distributions), so that its density under the same
     * generative function, in the same run, can be taken from them without running the function again.
     */
    public void rememberSimulation(Object how) {
        this.simulation = how;
        this.simulatedSize = entries.size();
    }

    /** What {@link #rememberSimulation} was given, or null (also once the map has changed since). */
    public Object simulation() {
        return simulatedSize == entries.size() ? simulation : null;
    }

    /** The generative function that drew this map by leaving choices out (a marginal), and those choices. */
    private Object origin;
    private ChoiceMap hidden;

    /**
     * Remembers the choices left out of this map by {@code origin} ({@code sim(marginal(...))} keeps the
     * auxiliary choices z was drawn with, for the marginal's density estimate). Not an entry: merge, density and
     * printing never see them.
     */
    public void hide(Object origin, ChoiceMap choices) {
        this.origin = origin;
        this.hidden = choices;
    }

    /** The choices hidden by {@link #hide} if {@code sameOrigin} accepts their origin, else null. */
    public ChoiceMap hidden(java.util.function.Predicate<Object> sameOrigin) {
        return hidden != null && sameOrigin.test(origin) ? hidden : null;
    }

    public Map<Address, Object> entries() {
        return Collections.unmodifiableMap(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The value at an address, looking through list- or tensor-valued entries; null if there is none. */
    public Object lookup(Address address) {
        Object direct = entries.get(address);
        if (direct != null) {
            return direct;
        }
        for (int k = address.depth() - 1; k >= 0; k--) {
            Object v = entries.get(address.prefix(k));
            if (v != null) {
                for (int j = k; j < address.depth(); j++) {
                    v = element(v, address.index(j), address);
                }
                return v;
            }
        }
        return null;
    }

    private static Object element(Object container, int i, Address address) {
        if (container instanceof PplList list) {
            if (i < 0 || i >= list.size()) {
                throw new IllegalArgumentException("no value for '" + address + "': the list given has "
                        + list.size() + " elements");
            }
            return list.get(i);
        }
        if (container instanceof Tensor || container instanceof org.ppl4j.runtime.ad.TensorVar) {
            Tensor t = AD.tensorValue(container);
            if (t.rank() == 0 || i < 0 || i >= t.dim(0)) {
                throw new IllegalArgumentException("no value for '" + address + "': index out of range for a tensor"
                        + " of shape " + java.util.Arrays.toString(t.shape()));
            }
            return AD.index(container, i);
        }
        throw new IllegalArgumentException("no value for '" + address + "': the value given is not a list");
    }

    /** Both maps' entries; an address in both is an error. */
    public static ChoiceMap merge(ChoiceMap a, ChoiceMap b) {
        ChoiceMap r = new ChoiceMap(new LinkedHashMap<>(a.entries));
        for (Map.Entry<Address, Object> e : b.entries.entrySet()) {
            if (r.lookupQuietly(e.getKey()) != null) {
                throw new IllegalArgumentException("merge: both choice maps give a value for '" + e.getKey() + "'");
            }
            r.entries.put(e.getKey(), e.getValue());
        }
        return r;
    }

    private Object lookupQuietly(Address address) {
        try {
            return lookup(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // for the polyglot host, a choice map is a record whose member names are its addresses ("p", "z[3]")

    @ExportMessage
    boolean hasMembers() {
        return true;
    }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(boolean includeInternal) {
        return new PplList(entries.keySet().stream().map(Address::toString).toArray());
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) {
        return entries.keySet().stream().anyMatch(a -> a.toString().equals(member));
    }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        for (Map.Entry<Address, Object> e : entries.entrySet()) {
            if (e.getKey().toString().equals(member)) {
                return HostValues.export(e.getValue());
            }
        }
        throw UnknownIdentifierException.create(member);
    }
}
