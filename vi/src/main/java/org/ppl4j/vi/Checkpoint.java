package org.ppl4j.vi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;

/**
 * Everything a fit needs to continue after a completed step, as it would have continued without stopping:
 * the parameters (unconstrained values and constraints, in creation order), the optimiser's state, the random
 * source's state (including a pending Gaussian), the baselines' state, the step count and the objective
 * history so far; and what identifies the fit (the program's name and the SHA-256 of its text, the fit's index
 * in the program's run, and its settings), so that a checkpoint is never resumed by another fit.
 *
 * <p>The file format is ppl4j's own: the ASCII line {@code PPL4J-CHECKPOINT}, a format version (an int), a
 * tagged tree of values (doubles stored as their exact bits) and a CRC-32 of all that. The stdlib's fit writes the
 * files through the program's sandboxed file system: to a temporary file in the same directory, forced to disk
 * and renamed over the target, so a reader only ever sees a complete checkpoint.
 */
public final class Checkpoint {
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "PPL4J-CHECKPOINT\n".getBytes(StandardCharsets.US_ASCII);

    /** One parameter: its key, constraint and unconstrained value ({@code Double} or {@link Tensor}). */
    public record Param(ParamKey key, Constraint constraint, Object unconstrained) {
    }

    /** Which fit a checkpoint belongs to. */
    public record Identity(String program, String programHash, int fit, String settings) {
        public Identity {
            Objects.requireNonNull(program, "program");
            Objects.requireNonNull(programHash, "programHash");
            Objects.requireNonNull(settings, "settings");
        }
    }

    private final Identity identity;
    private final int step;
    private final int steps;
    private final double[] history;
    private final List<Param> params;
    private final Map<String, Object> optimizer;
    private final long[] rng;
    private final Map<String, double[]> baselines;

    public Checkpoint(Identity identity, int step, int steps, double[] history, List<Param> params,
            Map<String, Object> optimizer, long[] rng, Map<String, double[]> baselines) {
        this.identity = Objects.requireNonNull(identity, "identity");
        if (step < 0 || step > steps || history.length != step) {
            throw new IllegalArgumentException("a checkpoint after step " + step + " of " + steps + " needs "
                    + step + " history values, got " + history.length);
        }
        this.step = step;
        this.steps = steps;
        this.history = history.clone();
        this.params = List.copyOf(params);
        this.optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
        this.rng = rng.clone();
        this.baselines = Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
    }

    /** The state of a fit after the step {@code state} describes. */
    public static Checkpoint capture(Identity identity, FitState state, BaselineStore baselines) {
        ParamStore store = state.store();
        List<Param> params = new ArrayList<>();
        for (ParamKey k : store.keys()) {
            // a copy, not the store's own value: a large parameter is updated in place by the steps after this one
            Object v = store.current(k);
            Object snapshot = v instanceof Tensor t ? new Tensor(t.shape(), t.toArray()) : v;
            params.add(new Param(k, store.constraint(k), snapshot));
        }
        return new Checkpoint(identity, state.step(), state.steps(), state.history(), params,
                state.optimizer().state(), state.rng().state(),
                baselines == null ? Map.of() : new java.util.TreeMap<>(baselines.snapshot()));
    }

    /**
     * Puts the saved state into a fresh store, an optimiser of the same kind and settings (else an
     * {@link IllegalArgumentException} saying what differs), the random source and the baselines.
     */
    public void restore(ParamStore store, Optimizer opt, Rng random, BaselineStore baselineStore) {
        Map<String, Object> fresh = opt.state();
        for (Map.Entry<String, Object> e : fresh.entrySet()) {
            if (e.getValue() instanceof Map) {
                continue;
            }
            Object saved = optimizer.get(e.getKey());
            if (!e.getValue().equals(saved)) {
                throw new IllegalArgumentException("the checkpoint was written with the optimiser "
                        + describeOptimizer(optimizer) + ", this fit uses " + describeOptimizer(fresh));
            }
        }
        for (Param p : params) {
            store.put(p.key(), p.constraint(), p.unconstrained());
        }
        opt.restore(new LinkedHashMap<>(optimizer));
        random.restore(rng);
        if (baselineStore != null) {
            baselineStore.restore(baselines);
        }
    }

    private static String describeOptimizer(Map<String, Object> state) {
        StringBuilder sb = new StringBuilder(String.valueOf(state.get("type"))).append('(');
        boolean first = true;
        for (Map.Entry<String, Object> e : state.entrySet()) {
            if (e.getKey().equals("type") || e.getValue() instanceof Map) {
                continue;
            }
            sb.append(first ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
            first = false;
        }
        return sb.append(')').toString();
    }

    public Identity identity() {
        return identity;
    }

    /** The steps completed. */
    public int step() {
        return step;
    }

    /** The steps of the whole fit. */
    public int steps() {
        return steps;
    }

    public boolean complete() {
        return step == steps;
    }

    public double[] history() {
        return history.clone();
    }

    public List<Param> params() {
        return params;
    }

    public long[] rngState() {
        return rng.clone();
    }

    public Map<String, Object> optimizerState() {
        return optimizer;
    }

    public Map<String, double[]> baselines() {
        return baselines;
    }

    // ---------------------------------------------------------------- files

    /** The file name of fit {@code fit}'s checkpoint after {@code step}: {@code fit1-step500.ckpt}. */
    public static String fileName(int fit, int step) {
        return "fit" + fit + "-step" + step + ".ckpt";
    }

    /** The step in a checkpoint file name of fit {@code fit}, or -1 if the name is not one. */
    public static int stepOf(String fileName, int fit) {
        String prefix = "fit" + fit + "-step";
        if (!fileName.startsWith(prefix) || !fileName.endsWith(".ckpt")) {
            return -1;
        }
        String digits = fileName.substring(prefix.length(), fileName.length() - ".ckpt".length());
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    /** Whether a file name is a checkpoint's, of any fit. */
    public static boolean isCheckpointName(String fileName) {
        return fileName.matches("fit[0-9]{1,9}-step[0-9]{1,9}\\.ckpt");
    }

    // ---------------------------------------------------------------- encoding

    /** The checkpoint as bytes in ppl4j's checkpoint format. */
    public byte[] encode() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("program", identity.program());
        root.put("program_sha256", identity.programHash());
        root.put("fit", (long) identity.fit());
        root.put("settings", identity.settings());
        root.put("step", (long) step);
        root.put("steps", (long) steps);
        root.put("history", history);
        Map<ParamKey, Object> values = new LinkedHashMap<>();
        Map<ParamKey, Object> constraints = new LinkedHashMap<>();
        for (Param p : params) {
            values.put(p.key(), p.unconstrained());
            constraints.put(p.key(), p.constraint().keyword());
        }
        root.put("params", values);
        root.put("constraints", constraints);
        root.put("optimizer", optimizer);
        root.put("rng", rng);
        root.put("baselines", baselines);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            writeValue(out, root);
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /**
     * Reads a checkpoint written by {@link #encode()}.
     *
     * @throws IllegalArgumentException saying why, for anything else (not a checkpoint, a newer format,
     *     damaged)
     */
    @SuppressWarnings("unchecked")
    public static Checkpoint decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a ppl4j checkpoint");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length,
                    bytes.length - MAGIC.length - 8));
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("checkpoint format " + version + ", this ppl4j reads format "
                        + FORMAT_VERSION);
            }
            if (stored != crc.getValue()) {
                throw new IllegalArgumentException("the checkpoint is damaged (checksum mismatch)");
            }
            Map<String, Object> root = (Map<String, Object>) readValue(in);
            Identity id = new Identity((String) root.get("program"), (String) root.get("program_sha256"),
                    (int) (long) (Long) root.get("fit"), (String) root.get("settings"));
            Map<ParamKey, Object> values = (Map<ParamKey, Object>) root.get("params");
            Map<ParamKey, Object> constraints = (Map<ParamKey, Object>) root.get("constraints");
            List<Param> params = new ArrayList<>();
            for (Map.Entry<ParamKey, Object> e : values.entrySet()) {
                Constraint c = Constraint.byKeyword((String) constraints.get(e.getKey()));
                if (c == null) {
                    throw new IllegalArgumentException("unknown constraint " + constraints.get(e.getKey()));
                }
                params.add(new Param(e.getKey(), c, e.getValue()));
            }
            return new Checkpoint(id, (int) (long) (Long) root.get("step"), (int) (long) (Long) root.get("steps"),
                    (double[]) root.get("history"), params, (Map<String, Object>) root.get("optimizer"),
                    (long[]) root.get("rng"), (Map<String, double[]>) root.get("baselines"));
        } catch (IOException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("the checkpoint is damaged (" + e + ")");
        }
    }

    private static final byte STRING = 'S';
    private static final byte DOUBLE = 'D';
    private static final byte LONG = 'J';
    private static final byte BOOLEAN = 'Z';
    private static final byte DOUBLES = 'A';
    private static final byte LONGS = 'L';
    private static final byte TENSOR = 'T';
    private static final byte STRING_MAP = 'M';
    private static final byte PARAM_MAP = 'K';

    private static void writeValue(DataOutputStream out, Object v) throws IOException {
        if (v instanceof String s) {
            out.writeByte(STRING);
            writeString(out, s);
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Long || v instanceof Integer) {
            out.writeByte(LONG);
            out.writeLong(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (v instanceof double[] a) {
            out.writeByte(DOUBLES);
            out.writeInt(a.length);
            for (double x : a) {
                out.writeLong(Double.doubleToRawLongBits(x));
            }
        } else if (v instanceof long[] a) {
            out.writeByte(LONGS);
            out.writeInt(a.length);
            for (long x : a) {
                out.writeLong(x);
            }
        } else if (v instanceof Tensor t) {
            out.writeByte(TENSOR);
            int[] shape = t.shape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            double[] data = t.toArray();
            out.writeInt(data.length);
            for (double x : data) {
                out.writeLong(Double.doubleToRawLongBits(x));
            }
        } else if (v instanceof Map<?, ?> m) {
            boolean params = !m.isEmpty() && m.keySet().iterator().next() instanceof ParamKey;
            out.writeByte(params ? PARAM_MAP : STRING_MAP);
            out.writeInt(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (params) {
                    ParamKey k = (ParamKey) e.getKey();
                    writeString(out, k.owner());
                    writeString(out, k.name());
                } else {
                    writeString(out, (String) e.getKey());
                }
                writeValue(out, e.getValue());
            }
        } else {
            throw new IllegalArgumentException("a checkpoint cannot hold " + (v == null ? "null" : v.getClass()));
        }
    }

    private static Object readValue(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case STRING:
                return readString(in);
            case DOUBLE:
                return Double.longBitsToDouble(in.readLong());
            case LONG:
                return in.readLong();
            case BOOLEAN:
                return in.readBoolean();
            case DOUBLES: {
                double[] a = new double[checkedLength(in)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Double.longBitsToDouble(in.readLong());
                }
                return a;
            }
            case LONGS: {
                long[] a = new long[checkedLength(in)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readLong();
                }
                return a;
            }
            case TENSOR: {
                int[] shape = new int[checkedLength(in)];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = in.readInt();
                }
                double[] data = new double[checkedLength(in)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = Double.longBitsToDouble(in.readLong());
                }
                return new Tensor(shape, data);
            }
            case STRING_MAP:
            case PARAM_MAP: {
                int n = checkedLength(in);
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object key = tag == PARAM_MAP ? new ParamKey(readString(in), readString(in)) : readString(in);
                    m.put(key, readValue(in));
                }
                return m;
            }
            default:
                throw new IOException("unknown tag " + tag);
        }
    }

    private static int checkedLength(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[checkedLength(in)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The SHA-256 of a program's text (UTF-8), in hex. */
    public static String sha256(CharSequence text) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest(text.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte x : h) {
                sb.append(String.format("%02x", x));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint(" + identity.program() + " fit " + identity.fit() + ", step " + step + " of " + steps + ")";
    }
}
