package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;

/**
 * Values of random choices by address. An entry may hold a list (or tensor) that fills indexed addresses:
 * {@code choices { flip: [1, 0] }} answers {@code flip[0]} and {@code flip[1]}.
 */
public final class ChoiceMap implements TruffleObject {
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

    /** What drew this map, kept by the runtime (the distributions of a simulated trace); not an entry. */
    private Object attachment;

    /** Keeps {@code o} with this map (see {@link #attached}). */
    public void attach(Object o) {
        this.attachment = o;
    }

    /** What {@link #attach} kept, or null: merge, density and printing never see it as an entry. */
    public Object attached() {
        return attachment;
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

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** The entry at exactly this address (not looking through list- or tensor-valued entries), or null. */
    public Object entry(Address address) {
        return entries.get(address);
    }

    /** The last address without indices looked up by {@link #lookup}: the same name is usually asked again. */
    private Address lastRoot;

    /** The value at an address, looking through list- or tensor-valued entries; null if there is none. */
    public Object lookup(Address address) {
        Object direct = entries.get(address);
        if (direct != null) {
            return direct;
        }
        for (int k = address.depth() - 1; k >= 0; k--) {
            Address prefix;
            if (k == 0) {
                Address root = lastRoot;
                if (root == null || !root.name().equals(address.name())) {
                    root = new Address(address.name());
                    lastRoot = root;
                }
                prefix = root;
            } else {
                prefix = address.prefix(k);
            }
            Object v = entries.get(prefix);
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
}
