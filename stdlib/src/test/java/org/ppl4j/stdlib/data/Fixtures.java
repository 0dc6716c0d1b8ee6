package org.ppl4j.stdlib.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small data files in memory, byte by byte from the format specifications, for the reader tests. */
final class Fixtures {
    private Fixtures() {
    }

    static ByteArrayInputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    /** An IDX file: 00 00 type rank, big-endian dimensions, then the elements (already encoded). */
    static byte[] idx(int typeCode, int[] shape, byte[] elements) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + elements.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) shape.length);
        for (int d : shape) {
            b.putInt(d);
        }
        b.put(elements);
        return b.array();
    }

    /** Elements of one type, encoded with the given byte order ('b' byte, 's' short, 'i' int, 'l' long, 'f', 'd'). */
    static byte[] encode(char type, ByteOrder order, double... values) {
        int size = switch (type) {
            case 'b' -> 1;
            case 's', 'h' -> 2;
            case 'i', 'f' -> 4;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(size * values.length).order(order);
        for (double v : values) {
            switch (type) {
                case 'b' -> b.put((byte) (long) v);
                case 's' -> b.putShort((short) (long) v);
                case 'h' -> b.putShort(half(v));
                case 'i' -> b.putInt((int) (long) v);
                case 'l' -> b.putLong((long) v);
                case 'f' -> b.putFloat((float) v);
                default -> b.putDouble(v);
            }
        }
        return b.array();
    }

    /** binary16 bits of values that binary16 represents exactly (normal numbers, zero). */
    private static short half(double v) {
        if (v == 0) {
            return 0;
        }
        int sign = v < 0 ? 1 : 0;
        double a = Math.abs(v);
        int exp = Math.getExponent(a);
        int mant = (int) Math.round((a / Math.scalb(1.0, exp) - 1) * 1024);
        return (short) ((sign << 15) | ((exp + 15) << 10) | mant);
    }

    /** A .npy file of format version {@code major}, header padded as NumPy does. */
    static byte[] npy(int major, String header, byte[] elements) {
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + header.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String h = header + " ".repeat(padded - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length() + elements.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length());
        } else {
            b.putInt(h.length());
        }
        b.put(h.getBytes(StandardCharsets.ISO_8859_1));
        b.put(elements);
        return b.array();
    }

    static byte[] npy(String descr, String shape, byte[] elements) {
        return npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", elements);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip archive; {@code stored} writes the members uncompressed (np.savez), else deflated (savez_compressed). */
    static byte[] zip(boolean stored, Map<String, byte[]> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                ZipEntry e = new ZipEntry(m.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(m.getValue());
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(m.getValue().length);
                    e.setCompressedSize(m.getValue().length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(m.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Map<String, byte[]> members(Object... nameThenBytes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            m.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return m;
    }

    static byte[] cut(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
