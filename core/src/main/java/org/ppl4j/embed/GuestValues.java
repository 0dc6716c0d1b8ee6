package org.ppl4j.embed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplNothing;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;

/** Guest values as plain Java values; see {@link PplProgram#get(String)}. */
final class GuestValues {
    private GuestValues() {
    }

    static Object toJava(Object v) {
        v = AD.value(v);
        if (v == null || v instanceof PplNothing) {
            return null;
        }
        if (v instanceof Double || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Tensor t) {
            if (t.rank() == 0) {
                return t.get(0);
            }
            if (t.rank() == 2) {
                double[] flat = t.toArray();
                double[][] m = new double[t.dim(0)][t.dim(1)];
                for (int i = 0; i < m.length; i++) {
                    System.arraycopy(flat, i * m[i].length, m[i], 0, m[i].length);
                }
                return m;
            }
            return t.toArray();
        }
        if (v instanceof PplList l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(toJava(l.get(i)));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof PplRecord r) {
            Map<String, Object> out = new LinkedHashMap<>();
            r.fields().forEach((k, x) -> out.put(k, toJava(x)));
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof ChoiceMap c) {
            Map<String, Object> out = new LinkedHashMap<>();
            c.entries().forEach((k, x) -> out.put(k.toString(), toJava(x)));
            return Collections.unmodifiableMap(out);
        }
        return Printer.show(v);
    }
}
