package org.ppl4j.vi.posterior;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.vi.ParamStore;

/**
 * A fit saved to a NumPy {@code .npz} file, independent of the program's text: one float64 array per parameter,
 * named {@code model.param} and holding its constrained value, and one more array, {@code ppl4j_fit}, the UTF-8 bytes
 * (uint8) of a JSON entry with the format and its version, the dtype, the guide's name and arguments, and each
 * parameter's name, shape and constraint. NumPy reads it ({@code np.load}); ppl4j's {@code load_npz} does too.
 *
 * @param guide the guide's model name ({@code g}), to draw from after loading; null when the fit had no guide
 * @param guideArgs the guide's arguments (numbers, strings, booleans); null for one of another kind
 * @param params the parameters in the store's order
 * @param automatic an automatic guide's description ({@link SavedGuide}), or null
 * @param model the fit's model: {@code name}, {@code args} and {@code observations} (a list of {@code address},
 *     {@code shape}, {@code values}), for the tracked quantities of draws from the loaded fit; null when unknown
 */
public record SavedFit(String guide, List<Object> guideArgs, List<Param> params, Map<String, Object> automatic,
        Map<String, Object> model) {
    public SavedFit(String guide, List<Object> guideArgs, List<Param> params) {
        this(guide, guideArgs, params, null, null);
    }

    public static final String FORMAT = "ppl4j-fit";
    public static final int VERSION = 1;
    static final String META = "ppl4j_fit";

    /** One parameter: its key, shape ({@code []} for a number), constraint and constrained values (row-major). */
    public record Param(ParamKey key, int[] shape, Constraint constraint, double[] values) {
        /** The value as the program sees it: a number or a tensor. */
        public Object value() {
            return shape.length == 0 ? (Object) values[0] : new Tensor(shape, values.clone());
        }
    }

    /** The parameters of {@code store} with the guide's identity. */
    public static SavedFit of(ParamStore store, String guide, List<Object> guideArgs) {
        List<Param> params = new ArrayList<>();
        for (Map.Entry<ParamKey, Object> e : store.constrainedValues().entrySet()) {
            Object v = e.getValue();
            int[] shape = v instanceof Tensor t ? t.shape() : new int[0];
            double[] values = v instanceof Tensor t ? t.toArray() : new double[] {(Double) v};
            params.add(new Param(e.getKey(), shape, store.constraint(e.getKey()), values));
        }
        return new SavedFit(guide, guideArgs, params);
    }

    /**
     * A fitted posterior's parameters with its guide's name and arguments (null arguments when one is not a number,
     * a string or a boolean: then the saved fit can start another fit but cannot be drawn from on its own).
     */
    public static SavedFit of(FittedPosterior f) {
        SavedFit plain;
        Map<String, Object> automatic = null;
        if (f.guide() instanceof org.ppl4j.runtime.value.BoundModel g) {
            plain = of(f.params(), g.name(), simpleArgs(g));
        } else {
            plain = of(f.params(), f.guide().name(), null);
            automatic = f.guide() instanceof SavedGuide s ? s.savedDescription() : null;
        }
        return new SavedFit(plain.guide(), plain.guideArgs(), plain.params(), automatic,
                modelEntry(f.model(), f.observations()));
    }

    /** A bound model's arguments, or null when one is not a number, a string or a boolean. */
    public static List<Object> simpleArgs(org.ppl4j.runtime.value.BoundModel g) {
        List<Object> args = new ArrayList<>();
        for (Object a : g.args()) {
            Object v = org.ppl4j.runtime.ad.AD.value(a);
            if (!(v instanceof Double || v instanceof String || v instanceof Boolean)) {
                return null;
            }
            args.add(v);
        }
        return args;
    }

    /**
     * At most this many observed numbers go into the JSON entry (as text); a fit to more data is saved without its
     * model, so its loaded draws have no tracked quantities.
     */
    static final int MAX_SAVED_OBSERVATIONS = 100_000;

    /**
     * The model's name, arguments and observations (numbers and tensors), or null when they cannot be saved (other
     * arguments, other values, more than {@link #MAX_SAVED_OBSERVATIONS} numbers).
     */
    private static Map<String, Object> modelEntry(org.ppl4j.runtime.value.BoundModel model,
            org.ppl4j.runtime.value.ChoiceMap observations) {
        List<Object> args = model == null ? null : simpleArgs(model);
        if (args == null) {
            return null;
        }
        List<Object> obs = new ArrayList<>();
        long numbers = 0;
        for (Map.Entry<org.ppl4j.runtime.value.Address, Object> e : observations.entries().entrySet()) {
            Object v = org.ppl4j.runtime.ad.AD.value(e.getValue());
            if (v instanceof org.ppl4j.runtime.value.PplList l) {
                try {
                    v = org.ppl4j.runtime.ad.AD.value(org.ppl4j.runtime.ad.AD.stack(l.toArray()));
                } catch (RuntimeException notNumbers) {
                    return null;
                }
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("address", e.getKey().toString());
            if (v instanceof Double d) {
                o.put("shape", null);
                o.put("values", List.of(d));
            } else if (v instanceof Tensor t) {
                numbers += t.size();
                if (numbers > MAX_SAVED_OBSERVATIONS) {
                    return null;
                }
                o.put("shape", java.util.Arrays.stream(t.shape()).mapToObj(x -> (Object) (double) x).toList());
                o.put("values", java.util.Arrays.stream(t.toArray()).mapToObj(x -> (Object) x).toList());
            } else {
                return null;
            }
            obs.add(o);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", model.name());
        m.put("args", args);
        m.put("observations", obs);
        return m;
    }

    /** The observations of a {@link #model} entry, as a choice map. */
    public static org.ppl4j.runtime.value.ChoiceMap observations(Map<String, Object> model) {
        org.ppl4j.runtime.value.ChoiceMap c = new org.ppl4j.runtime.value.ChoiceMap();
        for (Object o : (List<?>) model.get("observations")) {
            Map<?, ?> m = (Map<?, ?>) o;
            double[] values = ((List<?>) m.get("values")).stream().mapToDouble(x -> (Double) x).toArray();
            Object v = m.get("shape") instanceof List<?> shape
                    ? new Tensor(shape.stream().mapToInt(x -> (int) (double) (Double) x).toArray(), values)
                    : (Object) values[0];
            c.put(org.ppl4j.runtime.value.Address.parse(String.valueOf(m.get("address"))), v);
        }
        return c;
    }

    /** A store holding these parameters (their unconstrained values, by the inverse of each constraint). */
    public ParamStore toStore() {
        ParamStore store = new ParamStore();
        for (Param p : params) {
            Object v = p.value();
            store.put(p.key(), p.constraint(), v instanceof Tensor t ? p.constraint().inverse(t)
                    : (Object) p.constraint().inverse((Double) v));
        }
        return store;
    }

    /**
     * What differs between these parameters and a program's ({@code key -> [shape, constraint]} as the program
     * creates them): one line per parameter that only one of them has or whose shape or constraint differs.
     */
    public List<String> mismatches(Map<ParamKey, Param> program) {
        List<String> out = new ArrayList<>();
        Map<ParamKey, Param> saved = new LinkedHashMap<>();
        params.forEach(p -> saved.put(p.key(), p));
        for (Param p : program.values()) {
            Param s = saved.get(p.key());
            if (s == null) {
                out.add(p.key() + ": in the program, not in the saved fit");
            } else if (!java.util.Arrays.equals(s.shape(), p.shape())) {
                out.add(p.key() + ": shape " + shape(s.shape()) + " in the saved fit, " + shape(p.shape())
                        + " in the program");
            } else if (s.constraint() != p.constraint()) {
                out.add(p.key() + ": constraint " + s.constraint().keyword() + " in the saved fit, "
                        + p.constraint().keyword() + " in the program");
            }
        }
        for (Param s : params) {
            if (!program.containsKey(s.key())) {
                out.add(s.key() + ": in the saved fit, not in the program");
            }
        }
        return out;
    }

    private static String shape(int[] s) {
        return java.util.Arrays.toString(s);
    }

    // ---------------------------------------------------------------- the file

    /** The .npz file's bytes (a zip of stored, uncompressed members, as numpy.savez writes). */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Param p : params) {
                stored(zip, p.key() + ".npy", npy("<f8", p.shape(), doubles(p.values())));
            }
            byte[] json = json().getBytes(StandardCharsets.UTF_8);
            stored(zip, META + ".npy", npy("|u1", new int[] {json.length}, json));
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] doubles(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    /** A .npy array, format 1.0: magic, header length, a Python dict literal padded to 64 bytes, the data. */
    private static byte[] npy(String descr, int[] shape, byte[] data) {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) {
            s.append(d).append(shape.length == 1 ? "," : ", ");
        }
        String shapeText = (shape.length > 1 ? s.substring(0, s.length() - 2) : s.toString()) + ")";
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The JSON entry, one parameter per line. */
    String json() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"format\": \"").append(FORMAT).append("\", \"version\": ").append(VERSION)
                .append(", \"dtype\": \"float64\",\n \"guide\": {\"name\": ").append(guide == null ? "null"
                        : quote(guide)).append(", \"args\": ");
        if (guideArgs == null) {
            sb.append("null");
        } else {
            sb.append('[');
            for (int i = 0; i < guideArgs.size(); i++) {
                Object a = guideArgs.get(i);
                sb.append(i > 0 ? ", " : "").append(a instanceof String t ? quote(t) : a instanceof Double d
                        ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString())
                        : a.toString());
            }
            sb.append(']');
        }
        sb.append("},");
        if (automatic != null) {
            sb.append("\n \"automatic\": ");
            writeJson(sb, automatic);
            sb.append(',');
        }
        if (model != null) {
            sb.append("\n \"model\": ");
            writeJson(sb, model);
            sb.append(',');
        }
        sb.append("\n \"parameters\": [");
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            sb.append(i > 0 ? "," : "").append("\n  {\"name\": ").append(quote(p.key().toString()))
                    .append(", \"shape\": ").append(shape(p.shape())).append(", \"constraint\": \"")
                    .append(p.constraint().keyword()).append("\"}");
        }
        return sb.append("]}\n").toString();
    }

    /** Maps, lists, strings, numbers, booleans and nulls as JSON. */
    private static void writeJson(StringBuilder sb, Object v) {
        if (v instanceof Map<?, ?> m) {
            sb.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sep).append(quote(String.valueOf(e.getKey()))).append(": ");
                writeJson(sb, e.getValue());
                sep = ", ";
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? ", " : "");
                writeJson(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof String t) {
            sb.append(quote(t));
        } else if (v instanceof Double d) {
            sb.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                    : d.toString()) : "null");
        } else {
            sb.append(v == null ? "null" : v.toString());
        }
    }

    /** A parsed JSON value with JSON's null as Java's. */
    private static Object plain(Object v) {
        if (v == JsonReader.NULL) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Reads a saved fit's bytes; an error says what is wrong (not a zip, no {@code ppl4j_fit} entry, an entry that is
     * not JSON or lacks a field, another format version, a parameter's array missing or of another shape).
     */
    public static SavedFit decode(byte[] file) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                members.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a saved fit: the zip archive is damaged (" + e.getMessage() + ")");
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("not a saved fit: not a zip archive (.npz) with arrays");
        }
        byte[] meta = members.get(META + ".npy");
        if (meta == null) {
            throw new IllegalArgumentException("not a saved fit: no " + META + " entry (an .npz written by save_fit has "
                    + "one)");
        }
        Object parsed;
        try {
            parsed = JsonReader.parse(new String(npyData(META, meta), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its " + META + " entry is not valid JSON: " + e.getMessage());
        }
        Entry entry = new Entry(parsed);
        Map<String, Object> top = entry.object(parsed, "the entry");
        if (!FORMAT.equals(top.get("format"))) {
            throw new IllegalArgumentException("not a saved fit: its " + META + " entry is not a " + FORMAT + " entry"
                    + " (\"format\": " + describe(top.get("format")) + ")");
        }
        double version = entry.number(top, "version", "the entry");
        String dtype = entry.string(top, "dtype", "the entry");
        if (version != VERSION || !dtype.equals("float64")) {
            throw new IllegalArgumentException("a saved fit of format version " + number(version) + " (" + dtype
                    + "); this ppl4j reads version " + VERSION + " (float64)");
        }
        String guide = null;
        List<Object> args = null;
        if (top.containsKey("guide") && top.get("guide") != JsonReader.NULL) {
            Map<String, Object> g = entry.object(top.get("guide"), "\"guide\"");
            Object name = g.get("name");
            if (name != null && name != JsonReader.NULL) {
                guide = entry.string(g, "name", "\"guide\"");
            }
            Object a = g.get("args");
            if (a != null && a != JsonReader.NULL) {
                args = new ArrayList<>();
                List<Object> list = entry.array(a, "\"guide\".args");
                for (int i = 0; i < list.size(); i++) {
                    Object v = list.get(i);
                    if (!(v instanceof Double || v instanceof String || v instanceof Boolean)) {
                        throw entry.error("\"guide\".args[" + i + "]", "a number, a string or a boolean", v);
                    }
                    args.add(v);
                }
            }
        }
        if (!top.containsKey("parameters")) {
            throw entry.error("the entry", "a field \"parameters\"", null);
        }
        List<Object> listed = entry.array(top.get("parameters"), "\"parameters\"");
        List<Param> params = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < listed.size(); i++) {
            String where = "parameters[" + i + "]";
            Map<String, Object> p = entry.object(listed.get(i), where);
            String name = entry.string(p, "name", where);
            int dot = name.indexOf('.');
            if (dot <= 0 || dot == name.length() - 1) {
                throw entry.error(where + ".name", "a name MODEL.PARAM such as \"g.loc\"", name);
            }
            if (!seen.add(name)) {
                throw entry.error(where + ".name", "a name listed once", name);
            }
            where = "parameter " + name;
            List<Object> dims = entry.array(p.get("shape"), where + ": \"shape\"");
            int[] shape = new int[dims.size()];
            for (int k = 0; k < shape.length; k++) {
                Object d = dims.get(k);
                if (!(d instanceof Double x) || x != Math.rint(x) || x < 0 || x > Integer.MAX_VALUE) {
                    throw entry.error(where + ": \"shape\"", "an array of whole numbers from 0", dims);
                }
                shape[k] = (int) (double) x;
            }
            String keyword = entry.string(p, "constraint", where);
            Constraint constraint = Constraint.byKeyword(keyword);
            if (constraint == null) {
                throw entry.error(where + ": \"constraint\"", "one of " + Constraint.keywords(), keyword);
            }
            byte[] npy = members.get(name + ".npy");
            if (npy == null) {
                throw new IllegalArgumentException("the saved fit lists the parameter " + name + " but has no array "
                        + name + ".npy");
            }
            ByteBuffer b = ByteBuffer.wrap(npyData(name, npy)).order(ByteOrder.LITTLE_ENDIAN);
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (b.remaining() != 8 * n) {
                throw new IllegalArgumentException("the saved fit's array " + name + " holds " + b.remaining() / 8
                        + " numbers; its entry says shape " + shape(shape));
            }
            double[] values = new double[(int) n];
            for (int k = 0; k < n; k++) {
                values[k] = b.getDouble();
            }
            params.add(new Param(new ParamKey(name.substring(0, dot), name.substring(dot + 1)), shape, constraint,
                    values));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> automatic = top.get("automatic") instanceof Map<?, ?> a
                ? (Map<String, Object>) plain(a) : null;
        @SuppressWarnings("unchecked")
        Map<String, Object> model = top.get("model") instanceof Map<?, ?> m ? (Map<String, Object>) plain(m) : null;
        return new SavedFit(guide, args, params, automatic, model);
    }

    /** Reading the parsed entry: each accessor fails with the field's place and what was expected there. */
    private record Entry(Object root) {
        Map<String, Object> object(Object v, String where) {
            if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) m;
                return r;
            }
            throw error(where, "an object { ... }", v);
        }

        List<Object> array(Object v, String where) {
            if (v instanceof List<?> l) {
                @SuppressWarnings("unchecked")
                List<Object> r = (List<Object>) l;
                return r;
            }
            throw error(where, "an array [ ... ]", v);
        }

        String string(Map<String, Object> m, String field, String where) {
            Object v = m.get(field);
            if (v instanceof String s) {
                return s;
            }
            throw error(where + ": \"" + field + "\"", "a string", v);
        }

        double number(Map<String, Object> m, String field, String where) {
            Object v = m.get(field);
            if (v instanceof Double d) {
                return d;
            }
            throw error(where + ": \"" + field + "\"", "a number", v);
        }

        IllegalArgumentException error(String where, String expected, Object found) {
            return new IllegalArgumentException("its " + META + " entry is damaged: " + where + ": expected "
                    + expected + ", found " + describe(found));
        }
    }

    /** A parsed JSON value as written in the entry (null: absent). */
    private static String describe(Object v) {
        if (v == null) {
            return "nothing (the field is missing)";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof Double d) {
            return number(d);
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(o instanceof Map<?, ?> || o instanceof List<?> ? "..." : describe(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** The data of a .npy member written by {@link #npy}, after its header. */
    private static byte[] npyData(String name, byte[] npy) {
        if (npy.length < 10 || npy[0] != (byte) 0x93 || npy[1] != 'N') {
            throw new IllegalArgumentException("the saved fit's member " + name + ".npy is not a .npy array");
        }
        int headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        if (10 + headerLength > npy.length) {
            throw new IllegalArgumentException("the saved fit's member " + name + ".npy is cut short: its header says "
                    + headerLength + " bytes, " + (npy.length - 10) + " follow");
        }
        return java.util.Arrays.copyOfRange(npy, 10 + headerLength, npy.length);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "saved fit of %d parameters", params.size());
    }
}
