package org.ppl4j.stdlib.data;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.ad.Tensor;

/**
 * NumPy's {@code .npy} format, read in Java so that loading data never starts ND4J: the magic string
 * {@code \x93NUMPY}, a version, the header length, a header that is a Python dict literal
 * ({@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}), then the raw elements.
 * Numeric and boolean dtypes of either byte order are read; C order only.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String SUPPORTED = "bool, uint8/16/32/64, int8/16/32/64 and float16/32/64";

    private NpyReader() {
    }

    /** Reads a {@code .npy} file (gzip-compressed or not): a tensor, or a number for a 0-dimensional array. */
    public static Object read(DataPath where, InputStream raw) {
        try (ByteReader in = ByteReader.open(where, raw)) {
            return read(in);
        }
    }

    /** Reads one array from {@code in}, which must end where the array ends. */
    static Object read(ByteReader in) {
        byte[] magic = in.readExactly(6, "the .npy magic string \\x93NUMPY");
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.errorAt(0, "not a .npy file: expected the magic string \\x93NUMPY, found " + IdxReader.hex(magic)
                    + Formats.guess(magic));
        }
        byte[] version = in.readExactly(2, "the format version");
        int major = version[0] & 0xff;
        if (major < 1 || major > 3) {
            throw in.errorAt(6, "unknown .npy format version " + major + "." + (version[1] & 0xff)
                    + "; expected 1.0, 2.0 or 3.0");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lenField = in.readExactly(lenBytes, "the header length");
        long headerLength = 0;
        for (int i = lenBytes - 1; i >= 0; i--) {
            headerLength = (headerLength << 8) | (lenField[i] & 0xff);
        }
        if (headerLength > 1 << 20) {
            throw in.errorAt(8, "the header length is " + headerLength + " bytes; a .npy header is at most a few kB");
        }
        long headerStart = in.position();
        byte[] header = in.readExactly((int) headerLength, "the header");
        String text = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = new HeaderParser(in, headerStart, text).parse();
        Object[] dtype = dtype(in, headerStart, h.descr);
        ElementType type = (ElementType) dtype[0];
        boolean bigEndian = (Boolean) dtype[1];
        if (h.fortranOrder) {
            throw in.errorAt(headerStart, "the array is stored in Fortran (column-major) order; only C order is read: "
                    + "save np.ascontiguousarray(a) instead");
        }
        Object data = h.shape.length == 0 ? type.read(in, bigEndian, h.shape)[0]
                : type.readTensor(in, bigEndian, h.shape, h.shape);
        long extra = in.remaining();
        if (extra > 0) {
            throw in.error(extra + " bytes follow the data; the header announces shape " + Arrays.toString(h.shape)
                    + " of " + type.label + ", which ends here");
        }
        return data;
    }

    /** The element type and byte order of a descr string such as {@code <f8}. */
    private static Object[] dtype(ByteReader in, long headerStart, String descr) {
        if (descr.length() < 2) {
            throw in.errorAt(headerStart, "unsupported dtype '" + descr + "'; expected one of " + SUPPORTED);
        }
        char order = descr.charAt(0);
        boolean bigEndian = order == '>';
        String code = order == '<' || order == '>' || order == '|' || order == '=' ? descr.substring(1) : descr;
        Map<String, ElementType> types = new HashMap<>();
        types.put("b1", ElementType.BOOL);
        types.put("?", ElementType.BOOL);
        types.put("u1", ElementType.UINT8);
        types.put("i1", ElementType.INT8);
        types.put("u2", ElementType.UINT16);
        types.put("i2", ElementType.INT16);
        types.put("u4", ElementType.UINT32);
        types.put("i4", ElementType.INT32);
        types.put("u8", ElementType.UINT64);
        types.put("i8", ElementType.INT64);
        types.put("f2", ElementType.FLOAT16);
        types.put("f4", ElementType.FLOAT32);
        types.put("f8", ElementType.FLOAT64);
        ElementType t = types.get(code);
        if (t != null) {
            return new Object[] {t, bigEndian};
        }
        String what = switch (code.charAt(0)) {
            case 'O' -> "an object array holds Python objects, not numbers";
            case 'U', 'S', 'a' -> "a string array holds text, not numbers";
            case 'c' -> "complex numbers are not supported";
            case 'M', 'm' -> "dates and time deltas are not supported";
            case 'V' -> "raw bytes (void) are not supported";
            default -> "this dtype is not supported";
        };
        throw in.errorAt(headerStart, "dtype '" + descr + "': " + what + "; expected one of " + SUPPORTED);
    }

    private record Header(String descr, boolean fortranOrder, int[] shape) {
    }

    /** The header dict: string keys; values strings, True/False or tuples of integers. */
    private static final class HeaderParser {
        private final ByteReader in;
        private final long start;
        private final String s;
        private int i;

        HeaderParser(ByteReader in, long start, String s) {
            this.in = in;
            this.start = start;
            this.s = s;
        }

        Header parse() {
            skipSpace();
            expect('{', "the header dict to start with '{'");
            Map<String, Object> entries = new HashMap<>();
            skipSpace();
            while (peek() != '}') {
                int keyAt = i;
                if (peek() != '\'' && peek() != '"') {
                    throw fail("a quoted key such as 'descr'");
                }
                String key = string();
                skipSpace();
                expect(':', "':' after the key '" + key + "'");
                skipSpace();
                if (entries.put(key, value(key)) != null) {
                    i = keyAt;
                    throw fail("each key once, but '" + key + "' repeats");
                }
                skipSpace();
                if (peek() == ',') {
                    i++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw fail("',' or '}' after the value of '" + key + "'");
                }
            }
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!entries.containsKey(key)) {
                    throw in.errorAt(start, "the header " + s.strip() + " has no '" + key + "'; expected the keys "
                            + "'descr', 'fortran_order' and 'shape'");
                }
            }
            if (!(entries.get("descr") instanceof String descr)) {
                throw in.errorAt(start, "the dtype is structured (a list of fields); only plain numeric dtypes are read");
            }
            if (!(entries.get("fortran_order") instanceof Boolean fortran)) {
                throw in.errorAt(start, "'fortran_order' must be True or False");
            }
            if (!(entries.get("shape") instanceof int[] shape)) {
                throw in.errorAt(start, "'shape' must be a tuple of sizes, such as (3, 4)");
            }
            return new Header(descr, fortran, shape);
        }

        private Object value(String key) {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                skipBracketed();
                return List.of();
            }
            throw fail("a value for '" + key + "' (a string, True, False or a tuple)");
        }

        private int[] tuple() {
            expect('(', "'('");
            List<Integer> dims = new java.util.ArrayList<>();
            skipSpace();
            while (peek() != ')') {
                int from = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (from == i) {
                    throw fail("a size (a whole number >= 0)");
                }
                long d;
                try {
                    d = Long.parseLong(s.substring(from, i));
                } catch (NumberFormatException e) {
                    d = Long.MAX_VALUE;
                }
                if (d > Integer.MAX_VALUE) {
                    i = from;
                    throw fail("a size below 2^31");
                }
                dims.add((int) d);
                if (peek() == 'L') {
                    i++; // written by Python 2
                }
                skipSpace();
                if (peek() == ',') {
                    i++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw fail("',' or ')' in the shape");
                }
            }
            i++;
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private void skipBracketed() {
            int depth = 0;
            do {
                char c = peek();
                if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    depth--;
                }
                i++;
            } while (depth > 0);
        }

        private String string() {
            char quote = s.charAt(i++);
            int end = s.indexOf(quote, i);
            if (end < 0) {
                throw fail("the closing " + quote + " of a string");
            }
            String v = s.substring(i, end);
            i = end + 1;
            return v;
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw fail(what);
            }
            i++;
        }

        private char peek() {
            if (i >= s.length()) {
                throw fail("more of the header dict; it ends early");
            }
            return s.charAt(i);
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException fail(String expected) {
            String found = i < s.length() ? "'" + s.substring(i, Math.min(s.length(), i + 12)).strip() + "'" : "the end";
            return in.errorAt(start + i, "bad .npy header: expected " + expected + ", found " + found);
        }
    }
}
