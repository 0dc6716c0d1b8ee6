package org.ppl4j.runtime.value;

import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;

/** Writes values as JSON: records as objects, lists and tensors as arrays, non-finite numbers as null. */
public final class Json {
    private Json() {
    }

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        append(sb, v);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object v) {
        v = AD.value(v);
        if (v instanceof Double d) {
            number(sb, d);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof PplList l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                append(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Tensor t) {
            // straight from the elements, row-major: no slice or boxed number per element (a fit's history of
            // millions of steps is one such tensor)
            tensor(sb, t.toArray(), t.shape(), 0, 0);
        } else if (v instanceof PplRecord r) {
            appendMap(sb, r.fields());
        } else if (v instanceof Map<?, ?> m) {
            appendMap(sb, m);
        } else if (v == null || v instanceof PplNothing) {
            sb.append("null");
        } else {
            string(sb, v.toString());
        }
    }

    /** The elements from {@code offset} of the sub-tensor of {@code shape} from {@code axis} on; returns its end. */
    private static int tensor(StringBuilder sb, double[] data, int[] shape, int axis, int offset) {
        if (axis == shape.length) {
            number(sb, data[offset]);
            return offset + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) {
                sb.append(',');
            }
            if (axis == shape.length - 1) {
                number(sb, data[offset++]);
            } else {
                offset = tensor(sb, data, shape, axis + 1, offset);
            }
        }
        sb.append(']');
        return offset;
    }

    private static void number(StringBuilder sb, double d) {
        sb.append(Double.isFinite(d) ? Printer.number(d) : "null");
    }

    private static void appendMap(StringBuilder sb, Map<?, ?> m) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey().toString());
            sb.append(':');
            append(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
