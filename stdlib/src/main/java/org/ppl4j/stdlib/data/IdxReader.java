package org.ppl4j.stdlib.data;

import java.io.InputStream;
import java.util.Arrays;
import org.ppl4j.runtime.ad.Tensor;

/**
 * IDX files, the format of MNIST and Fashion-MNIST: two zero bytes, a type byte, the number of dimensions,
 * each dimension as a big-endian 32-bit integer, then the elements in row-major order, big-endian. The file
 * may be gzip-compressed (detected from its first bytes). The whole file must be exactly the header and the
 * data the header announces.
 */
public final class IdxReader {
    private IdxReader() {
    }

    /**
     * Reads an IDX file as a tensor of its dimensions; with {@code flatten}, [n, d1, d2, ...] becomes
     * [n, d1 * d2 * ...] (a one-dimensional file becomes [n, 1]).
     */
    public static Tensor read(DataPath where, InputStream raw, boolean flatten) {
        try (ByteReader in = ByteReader.open(where, raw)) {
            byte[] magic = in.readExactly(4, "the IDX magic number (00 00 type rank)");
            if (magic[0] != 0 || magic[1] != 0) {
                throw in.errorAt(0, "not an IDX file: expected the magic number 00 00 <type> <rank>, found "
                        + hex(magic) + Formats.guess(magic));
            }
            ElementType type = type(magic[2]);
            if (type == null) {
                throw in.errorAt(2, String.format("unknown IDX element type 0x%02x; expected 0x08 (ubyte), 0x09 (byte), "
                        + "0x0b (short), 0x0c (int), 0x0d (float) or 0x0e (double)", magic[2] & 0xff));
            }
            int rank = magic[3] & 0xff;
            if (rank == 0) {
                throw in.errorAt(3, "the IDX header declares 0 dimensions; expected at least 1");
            }
            byte[] dimBytes = in.readExactly(4 * rank, "the " + rank + " dimension sizes");
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                int p = 4 * i;
                long d = ((dimBytes[p] & 0xffL) << 24) | ((dimBytes[p + 1] & 0xff) << 16) | ((dimBytes[p + 2] & 0xff) << 8)
                        | (dimBytes[p + 3] & 0xff);
                if (d > Integer.MAX_VALUE) {
                    throw in.errorAt(4 + p, "dimension " + (i + 1) + " is " + d + ", more than a tensor can hold");
                }
                shape[i] = (int) d;
            }
            int[] tensorShape = flatten ? new int[] {shape[0], (int) Shapes.product(shape, 1)} : shape;
            Tensor data = type.readTensor(in, true, shape, tensorShape);
            long extra = in.remaining();
            if (extra > 0) {
                throw in.error(extra + " bytes follow the data; the header announces shape " + Arrays.toString(shape)
                        + " of " + type.label + ", which ends here");
            }
            return data;
        }
    }

    private static ElementType type(byte code) {
        switch (code) {
            case 0x08:
                return ElementType.UINT8;
            case 0x09:
                return ElementType.INT8;
            case 0x0b:
                return ElementType.INT16;
            case 0x0c:
                return ElementType.INT32;
            case 0x0d:
                return ElementType.FLOAT32;
            case 0x0e:
                return ElementType.FLOAT64;
            default:
                return null;
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }
}
