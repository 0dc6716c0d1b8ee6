package org.ppl4j.runtime.builtins;

import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplRecord;

/** Where the values of a vectorised body ({@link Batched}) hide: in lists, records and choice maps too. */
public final class BatchedValues {
    private BatchedValues() {
    }

    /** Whether {@code v} is, or holds at any depth, a batched value. */
    public static boolean contains(Object v) {
        if (v instanceof Batched) {
            return true;
        }
        if (v instanceof PplList l) {
            for (int i = 0; i < l.size(); i++) {
                if (contains(l.get(i))) {
                    return true;
                }
            }
        } else if (v instanceof PplRecord r) {
            for (Object f : r.fields().values()) {
                if (contains(f)) {
                    return true;
                }
            }
        } else if (v instanceof ChoiceMap m) {
            for (Object e : m.entries().values()) {
                if (contains(e)) {
                    return true;
                }
            }
        }
        return false;
    }
}
