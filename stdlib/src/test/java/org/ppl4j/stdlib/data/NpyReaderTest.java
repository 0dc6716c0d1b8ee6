package org.ppl4j.stdlib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.data.Fixtures.concat;
import static org.ppl4j.stdlib.data.Fixtures.cut;
import static org.ppl4j.stdlib.data.Fixtures.encode;
import static org.ppl4j.stdlib.data.Fixtures.gzip;
import static org.ppl4j.stdlib.data.Fixtures.npy;
import static org.ppl4j.stdlib.data.Fixtures.stream;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;

class NpyReaderTest {
    private static final DataPath WHERE = new DataPath("load_npy", "x.npy");
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final double[] SIX = {-1.5, 0, 2.25, 1e-300, 7, Double.POSITIVE_INFINITY};

    private static Object read(byte[] file) {
        return NpyReader.read(WHERE, stream(file));
    }

    private static Tensor tensor(byte[] file) {
        return (Tensor) read(file);
    }

    private static String error(byte[] file) {
        return assertThrows(IllegalArgumentException.class, () -> read(file)).getMessage();
    }

    /**
     * Large arrays (12,000 elements): float32 and int16 go straight into ND4J float32 with their exact values;
     * float64 values that float32 would round keep every digit; an int32 array too.
     */
    @Test
    void largeArraysKeepExactValues() {
        double[] v = new double[12000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 2001) - 1000;
        }
        for (String descr : new String[] {"<f4", "<i2", "<i4"}) {
            char type = descr.equals("<f4") ? 'f' : descr.equals("<i2") ? 's' : 'i';
            Tensor t = tensor(npy(descr, "(120, 100)", encode(type, LE, v)));
            assertTrue(t.isLarge(), descr);
            assertArrayEquals(new int[] {120, 100}, t.shape(), descr);
            assertArrayEquals(v, t.toArray(), 0.0, descr);
        }
        double[] fine = new double[12000];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = 0.1 * i + 1e-9;
        }
        assertArrayEquals(fine, tensor(npy("<f8", "(12000,)", encode('d', LE, fine))).toArray(), 0.0);
    }

    @Test
    void float64MatrixInCOrder() {
        Tensor t = tensor(npy("<f8", "(2, 3)", encode('d', LE, SIX)));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(SIX, t.toArray());
    }

    @Test
    void everySupportedDtype() {
        double[] small = {0, 1, 100, 7};
        double[] signed = {-100, -1, 0, 100};
        assertArrayEquals(new double[] {1.5f, -0.1f, 3, 0}, tensor(npy("<f4", "(4,)",
                encode('f', LE, 1.5, -0.1, 3, 0))).toArray());
        assertArrayEquals(new double[] {1.5, -0.25, 65504, 0}, tensor(npy("<f2", "(4,)",
                encode('h', LE, 1.5, -0.25, 65504, 0))).toArray());
        assertArrayEquals(signed, tensor(npy("<i4", "(4,)", encode('i', LE, signed))).toArray());
        assertArrayEquals(signed, tensor(npy("<i8", "(2, 2)", encode('l', LE, signed))).toArray());
        assertArrayEquals(signed, tensor(npy("<i2", "(4,)", encode('s', LE, signed))).toArray());
        assertArrayEquals(signed, tensor(npy("|i1", "(4,)", encode('b', LE, signed))).toArray());
        assertArrayEquals(new double[] {0, 255, 128, 7}, tensor(npy("|u1", "(4,)",
                encode('b', LE, 0, 255, 128, 7))).toArray());
        assertArrayEquals(new double[] {65535, 1, 0, 2}, tensor(npy("<u2", "(4,)",
                encode('s', LE, 65535, 1, 0, 2))).toArray());
        assertArrayEquals(new double[] {4294967295.0, 1, 0, 2}, tensor(npy("<u4", "(4,)",
                encode('i', LE, 4294967295.0, 1, 0, 2))).toArray());
        assertArrayEquals(small, tensor(npy("<u8", "(4,)", encode('l', LE, small))).toArray());
        assertArrayEquals(new double[] {1, 0, 0, 1}, tensor(npy("|b1", "(4,)",
                encode('b', LE, 1, 0, 0, 1))).toArray());
    }

    @Test
    void bigEndianAndLaterFormatVersions() {
        assertArrayEquals(SIX, tensor(npy(">f8", "(6,)", encode('d', ByteOrder.BIG_ENDIAN, SIX))).toArray());
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";
        assertArrayEquals(SIX, tensor(npy(2, header, encode('d', LE, SIX))).toArray());
        assertArrayEquals(new int[] {3, 2}, tensor(npy(3, header, encode('d', LE, SIX))).shape());
    }

    @Test
    void gzippedFilesAreRecognisedByTheirBytes() {
        assertArrayEquals(SIX, tensor(gzip(npy("<f8", "(6,)", encode('d', LE, SIX)))).toArray());
    }

    @Test
    void aZeroDimensionalArrayIsANumberAndAnEmptyOneAnEmptyTensor() {
        assertEquals(2.5, read(npy("<f8", "()", encode('d', LE, 2.5))));
        Tensor empty = tensor(npy("<f8", "(0, 3)", new byte[0]));
        assertArrayEquals(new int[] {0, 3}, empty.shape());
    }

    @Test
    void python2HeadersAndDoubleQuotesParse() {
        byte[] file = npy(1, "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (2L, 1L)}",
                encode('l', LE, 3, 4));
        assertArrayEquals(new int[] {2, 1}, tensor(file).shape());
    }

    @Test
    void fortranOrderIsRejectedWithTheFix() {
        byte[] file = npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", encode('d', LE, SIX));
        String m = error(file);
        assertTrue(m.contains("at byte 10: the array is stored in Fortran (column-major) order"), m);
        assertTrue(m.contains("np.ascontiguousarray"), m);
    }

    @Test
    void objectStringAndStructuredDtypesAreRejected() {
        assertTrue(error(npy("|O", "(2,)", new byte[16])).contains("dtype '|O': an object array holds Python objects"));
        assertTrue(error(npy("<U3", "(2,)", new byte[24])).contains("dtype '<U3': a string array holds text"));
        assertTrue(error(npy("<c16", "(1,)", new byte[16])).contains("complex numbers are not supported"));
        byte[] structured = npy(1, "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[12]);
        assertTrue(error(structured).contains("the dtype is structured"), error(structured));
        String m = error(npy("<f16", "(1,)", new byte[16]));
        assertTrue(m.contains("expected one of bool, uint8/16/32/64, int8/16/32/64 and float16/32/64"), m);
    }

    @Test
    void aWrongMagicNamesWhatTheFileLooksLike() {
        String m = error(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        assertTrue(m.contains("at byte 0: not a .npy file: expected the magic string \\x93NUMPY, found 50 4b 03 04 00 00"),
                m);
        assertTrue(m.contains("use load_npz"), m);
    }

    @Test
    void truncatedFilesSayWhereTheyEnd() {
        byte[] file = npy("<f8", "(2, 3)", encode('d', LE, SIX));
        String data = error(cut(file, 128 + 20));
        assertTrue(data.contains("x.npy: at byte 128: the data ends after 20 of the 48 bytes that shape [2, 3] of "
                + "float64 needs"), data);
        String header = error(cut(file, 30));
        assertTrue(header.contains("at byte 10: the file ends after 20 of the 118 bytes of the header"), header);
        assertTrue(error(cut(file, 7)).contains("at byte 6: the file ends after 1 of the 2 bytes of the format version"));
    }

    @Test
    void trailingBytesAreAnError() {
        byte[] file = concat(npy("<f8", "(2, 3)", encode('d', LE, SIX)), new byte[8]);
        assertTrue(error(file).contains("at byte 176: 8 bytes follow the data; the header announces shape [2, 3] of "
                + "float64"), error(file));
    }

    @Test
    void valuesThatANumberCannotHoldExactlyAreErrors() {
        String bool = error(npy("|b1", "(3,)", new byte[] {1, 0, 2}));
        assertTrue(bool.contains("at byte 130: a bool element holds 2; expected 0 or 1"), bool);
        String big = error(npy("<i8", "(2,)", encode('l', LE, 1, (double) (1L << 60))));
        assertTrue(big.contains("at byte 136: the int64 value 1152921504606846976 is beyond 2^53"), big);
    }

    @Test
    void malformedHeadersPointIntoTheHeader() {
        String missing = error(npy(1, "{'descr': '<f8', 'fortran_order': False}", new byte[0]));
        assertTrue(missing.contains("has no 'shape'"), missing);
        String badShape = error(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }", new byte[0]));
        assertTrue(badShape.contains("at byte 64: bad .npy header: expected a size (a whole number >= 0), found 'x)"),
                badShape);
        byte[] version = npy("<f8", "(1,)", new byte[8]);
        version[6] = 9;
        assertTrue(error(version).contains("at byte 6: unknown .npy format version 9.0; expected 1.0, 2.0 or 3.0"));
    }
}
