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

/** Guest values as plain Java values ({@link PplProgram#get(String)}) and Java values as guest values (data). */
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

    /** The shape of a guest value that {@link #toJava} made an array: [] for a number, [n], [r, c], ... */
    static int[] shape(Object v) {
        v = AD.value(v);
        return v instanceof Tensor t ? t.shape() : new int[0];
    }

    /**
     * A Java value as the ppl4j value a program sees (see {@link PplOptions#withData}); {@code what} names it in
     * errors ({@code y}, {@code y[2]}, {@code r.age}).
     */
    static Object toGuest(Object v, String what) {
        if (v instanceof Double || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof double[] a) {
            return new Tensor(new int[] {a.length}, a.clone());
        }
        if (v instanceof float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return new Tensor(new int[] {a.length}, d);
        }
        if (v instanceof int[] a) {
            return new Tensor(new int[] {a.length}, java.util.Arrays.stream(a).asDoubleStream().toArray());
        }
        if (v instanceof long[] a) {
            return new Tensor(new int[] {a.length}, java.util.Arrays.stream(a).asDoubleStream().toArray());
        }
        if (v instanceof double[][] || v instanceof float[][] || v instanceof int[][]) {
            Object[] rows = (Object[]) v;
            int cols = rows.length == 0 ? 0 : java.lang.reflect.Array.getLength(rows[0]);
            double[] flat = new double[rows.length * cols];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == null || java.lang.reflect.Array.getLength(rows[i]) != cols) {
                    throw new IllegalArgumentException("data '" + what + "': a matrix needs rows of one length; row 0 "
                            + "has " + cols + " elements, row " + i + " has "
                            + (rows[i] == null ? "none (null)" : java.lang.reflect.Array.getLength(rows[i])));
                }
                for (int j = 0; j < cols; j++) {
                    flat[i * cols + j] = ((Number) java.lang.reflect.Array.get(rows[i], j)).doubleValue();
                }
            }
            return new Tensor(new int[] {rows.length, cols}, flat);
        }
        if (v instanceof List<?> l) {
            Object[] out = new Object[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = toGuest(l.get(i), what + "[" + i + "]");
            }
            return new PplList(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k) || !k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new IllegalArgumentException("data '" + what + "': a record's keys are names (letters, "
                            + "digits, _), got " + (e.getKey() instanceof String ? "'" + e.getKey() + "'"
                                    : e.getKey() == null ? "null" : "a " + e.getKey().getClass().getName()));
                }
                fields.put(k, toGuest(e.getValue(), what + "." + k));
            }
            return new PplRecord("record", fields);
        }
        if (v != null && Nd4jArrays.isArray(v)) {
            return Nd4jArrays.toTensor(v);
        }
        throw new IllegalArgumentException("data '" + what + "': " + (v == null ? "null" : "a " + v.getClass()
                .getName()) + " has no ppl4j form; give a number, boolean, String, double[], float[], int[], long[], "
                + "double[][], an INDArray, a List or a Map with String keys");
    }
}
