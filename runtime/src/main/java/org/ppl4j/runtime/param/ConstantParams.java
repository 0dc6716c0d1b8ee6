package org.ppl4j.runtime.param;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;

/** Parameters as plain values: the global store outside a fit (initial values, then the last fit's). */
public final class ConstantParams implements ParamProvider {
    private final Map<ParamKey, Object> values = new LinkedHashMap<>();

    @Override
    public Object lookup(ParamKey key) {
        return values.get(key);
    }

    @Override
    public Object create(ParamKey key, Object initialValue, Constraint constraint) {
        Object v = AD.value(initialValue);
        checkConstraint(key, v, constraint);
        values.put(key, v);
        return v;
    }

    public void set(ParamKey key, Object value) {
        values.put(key, AD.value(value));
    }

    public Map<ParamKey, Object> values() {
        return values;
    }

    /** Throws an error naming the parameter if any element of {@code value} lies outside the constraint. */
    public static void checkConstraint(ParamKey key, Object value, Constraint constraint) {
        if (value instanceof Double d) {
            if (!constraint.contains(d)) {
                throw new IllegalArgumentException("parameter '" + key.name() + "' must be " + constraint.keyword()
                        + ", but its initial value is " + d);
            }
        } else if (value instanceof Tensor t) {
            for (int i = 0; i < t.size(); i++) {
                if (!constraint.contains(t.get(i))) {
                    throw new IllegalArgumentException("parameter '" + key.name() + "' must be "
                            + constraint.keyword() + ", but element " + i + " of its initial value is " + t.get(i));
                }
            }
        } else {
            throw new IllegalArgumentException("parameter '" + key.name() + "' must be a number or a tensor, got "
                    + AD.describe(value));
        }
    }
}
