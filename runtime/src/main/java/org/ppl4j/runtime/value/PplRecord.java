package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A value with named fields read by {@code .name}: fit results, summaries, parameter tables. */
public final class PplRecord implements TruffleObject {
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
}
