package org.ppl4j.stdlib.data;

import java.util.Arrays;
import org.ppl4j.runtime.ad.Tensor;

/**
 * The element types that the binary formats store, and how each becomes a double. Every value a file can
 * hold converts exactly, except 64-bit integers beyond 2^53 and booleans other than 0 and 1, which are errors
 * rather than silently altered data.
 */
enum ElementType {
    BOOL(1, "bool"),
    UINT8(1, "uint8"),
    INT8(1, "int8"),
    UINT16(2, "uint16"),
    INT16(2, "int16"),
    UINT32(4, "uint32"),
    INT32(4, "int32"),
    UINT64(8, "uint64"),
    INT64(8, "int64"),
    FLOAT16(2, "float16"),
    FLOAT32(4, "float32"),
    FLOAT64(8, "float64");

    /** The largest integer below which every integer is an exact double. */
    private static final long EXACT = 1L << 53;

    final int size;
    final String label;

    ElementType(int size, String label) {
        this.size = size;
        this.label = label;
    }

    /**
     * Reads {@code count} elements stored after the reader's position into a new array, or fails at the byte
     * where the data ends early or where a value cannot be represented. {@code shape} is for the messages.
     */
    double[] read(ByteReader in, boolean bigEndian, int[] shape) {
        int count = Shapes.numel(in.where(), shape);
        Shapes.ensureMemory(in.where(), shape);
        double[] out = new double[count];
        readChunks(in, bigEndian, shape, count, (chunk, at, n) -> System.arraycopy(chunk, 0, out, at, n));
        return out;
    }

    /**
     * Reads the elements as a tensor of {@code shape}: a large one of a type whose every value is exact in float32
     * goes straight into ND4J storage chunk by chunk (no Java array of the data's size is made), anything else
     * through {@link #read}.
     */
    Tensor readTensor(ByteReader in, boolean bigEndian, int[] shape, int[] tensorShape) {
        int count = Shapes.numel(in.where(), shape);
        Tensor.Filler filler = Tensor.filler(tensorShape, exactInFloat32());
        if (filler == null) {
            return new Tensor(tensorShape, read(in, bigEndian, shape));
        }
        readChunks(in, bigEndian, shape, count, (chunk, at, n) -> filler.put(chunk, n));
        return filler.finish();
    }

    /** Whether every value of this type is exact in float32. */
    boolean exactInFloat32() {
        return this == BOOL || this == UINT8 || this == INT8 || this == UINT16 || this == INT16 || this == FLOAT16
                || this == FLOAT32;
    }

    /** Receives the decoded values chunk by chunk: {@code n} values that start at element {@code at}. */
    @FunctionalInterface
    private interface Chunks {
        void accept(double[] chunk, int at, int n);
    }

    /**
     * Decodes {@code count} elements stored after the reader's position, a chunk at a time, each handed to
     * {@code sink}; fails at the byte where the data ends early or where a value cannot be represented.
     */
    private void readChunks(ByteReader in, boolean bigEndian, int[] shape, int count, Chunks sink) {
        long start = in.position();
        long total = (long) count * size;
        int perChunk = Math.max(1, (1 << 16) / size);
        byte[] chunk = new byte[perChunk * size];
        double[] values = new double[perChunk];
        int done = 0;
        while (done < count) {
            int want = Math.min(perChunk, count - done);
            long chunkStart = in.position();
            int got = in.read(chunk, 0, want * size);
            if (got < want * size) {
                throw in.errorAt(start, "the data ends after " + (chunkStart - start + got) + " of the " + total
                        + " bytes that shape " + Arrays.toString(shape) + " of " + label + " needs");
            }
            int bad = decode(chunk, want, bigEndian, values, 0);
            if (bad >= 0) {
                throw in.errorAt(chunkStart + (long) bad * size, invalid(chunk, bad, bigEndian));
            }
            sink.accept(values, done, want);
            done += want;
        }
    }

    /** Decodes {@code n} elements; returns the index of the first that cannot be represented, or -1. */
    private int decode(byte[] b, int n, boolean bigEndian, double[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            int p = i * size;
            double v;
            switch (this) {
                case BOOL -> {
                    if (b[p] != 0 && b[p] != 1) {
                        return i;
                    }
                    v = b[p];
                }
                case UINT8 -> v = b[p] & 0xff;
                case INT8 -> v = b[p];
                case UINT16 -> v = bits(b, p, 2, bigEndian);
                case INT16 -> v = (short) bits(b, p, 2, bigEndian);
                case UINT32 -> v = bits(b, p, 4, bigEndian);
                case INT32 -> v = (int) bits(b, p, 4, bigEndian);
                case UINT64 -> {
                    long x = bits(b, p, 8, bigEndian);
                    if (x < 0 || x > EXACT) {
                        return i;
                    }
                    v = x;
                }
                case INT64 -> {
                    long x = bits(b, p, 8, bigEndian);
                    if (x > EXACT || x < -EXACT) {
                        return i;
                    }
                    v = x;
                }
                case FLOAT16 -> v = halfToFloat((int) bits(b, p, 2, bigEndian));
                case FLOAT32 -> v = Float.intBitsToFloat((int) bits(b, p, 4, bigEndian));
                default -> v = Double.longBitsToDouble(bits(b, p, 8, bigEndian));
            }
            out[outOff + i] = v;
        }
        return -1;
    }

    private String invalid(byte[] b, int i, boolean bigEndian) {
        if (this == BOOL) {
            return "a bool element holds " + (b[i] & 0xff) + "; expected 0 or 1";
        }
        long x = bits(b, i * size, 8, bigEndian);
        String shown = this == UINT64 ? Long.toUnsignedString(x) : Long.toString(x);
        return "the " + label + " value " + shown + " is beyond 2^53 and would not be exact as a number";
    }

    private static long bits(byte[] b, int p, int n, boolean bigEndian) {
        long x = 0;
        for (int k = 0; k < n; k++) {
            int idx = bigEndian ? p + k : p + n - 1 - k;
            x = (x << 8) | (b[idx] & 0xff);
        }
        return x;
    }

    /** IEEE 754 binary16 to float (subnormals, infinities and NaN included). */
    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        float magnitude;
        if (exp == 0) {
            magnitude = mant * 0x1p-24f;
        } else if (exp == 31) {
            magnitude = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        }
        return sign == 1 ? -magnitude : magnitude;
    }
}
