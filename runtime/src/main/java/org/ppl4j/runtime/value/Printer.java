package org.ppl4j.runtime.value;

import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.builtins.BuiltinValue;

/** How values look when printed: numbers in their shortest exact form, records as {@code {a: 1, b: 2}}. */
public final class Printer {
    private Printer() {
    }

    public static String show(Object v) {
        StringBuilder sb = new StringBuilder();
        append(sb, v);
        return sb.toString();
    }

    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = Double.toString(d);
        return s.replace("E", "e");
    }

    private static void append(StringBuilder sb, Object v) {
        v = AD.value(v);
        if (v instanceof Double d) {
            sb.append(number(d));
        } else if (v instanceof String || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof PplList l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                appendNested(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Tensor t) {
            appendTensor(sb, t);
        } else if (v instanceof PplRecord r) {
            appendMap(sb, r.fields());
        } else if (v instanceof ChoiceMap c) {
            sb.append("choices ");
            Map<Object, Object> m = new java.util.LinkedHashMap<>();
            c.entries().forEach((k, x) -> m.put(k.toString(), x));
            appendMap(sb, m);
        } else if (v instanceof FunctionValue f) {
            sb.append('<').append(f).append('>');
        } else if (v instanceof BuiltinValue b) {
            sb.append('<').append(b).append('>');
        } else {
            sb.append(v);
        }
    }

    private static void appendNested(StringBuilder sb, Object v) {
        if (AD.value(v) instanceof String s) {
            sb.append('"').append(s).append('"');
        } else {
            append(sb, v);
        }
    }

    private static void appendMap(StringBuilder sb, Map<?, ?> m) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append(": ");
            appendNested(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void appendTensor(StringBuilder sb, Tensor t) {
        if (t.rank() == 0) {
            sb.append(number(t.get(0)));
            return;
        }
        if (t.size() > 100) {
            sb.append("tensor").append(java.util.Arrays.toString(t.shape()));
            return;
        }
        sb.append('[');
        for (int i = 0; i < t.dim(0); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            append(sb, t.slice(i));
        }
        sb.append(']');
    }

    /** "a number", "a list", "a tensor of shape [2, 3]", "model coin", ... for messages. */
    public static String kind(Object v) {
        if (AD.isNumeric(v)) {
            return AD.describe(v);
        }
        if (v instanceof PplList) {
            return "a list";
        }
        if (v instanceof ChoiceMap) {
            return "a choice map";
        }
        if (v instanceof PplRecord r) {
            return "a " + r.typeName();
        }
        if (v instanceof FunctionValue f) {
            return f.kind().keyword + " '" + f.name() + "'";
        }
        if (v instanceof BoundModel m) {
            return "the model " + m.name() + "(...)";
        }
        if (v instanceof ObjectiveInstance o) {
            return "the objective " + o.name() + "(...)";
        }
        if (v instanceof org.ppl4j.runtime.trace.GenerativeFunction g) {
            return "the generative function " + g.name();
        }
        if (v instanceof TraceDistribution t) {
            return "sim(" + t.model().name() + "), a distribution over traces";
        }
        if (v instanceof PplNothing) {
            return "nothing";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return v == null ? "nothing" : v.toString();
    }
}
