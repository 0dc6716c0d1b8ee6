package org.ppl4j.stdlib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.data.Fixtures.concat;
import static org.ppl4j.stdlib.data.Fixtures.cut;
import static org.ppl4j.stdlib.data.Fixtures.encode;
import static org.ppl4j.stdlib.data.Fixtures.gzip;
import static org.ppl4j.stdlib.data.Fixtures.idx;
import static org.ppl4j.stdlib.data.Fixtures.stream;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;

class IdxReaderTest {
    private static final DataPath WHERE = new DataPath("load_idx", "images.idx");
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    /** Two 2x3 "images" of unsigned bytes, values chosen to include 0, 255 and bytes above 127. */
    private static final double[] PIXELS = {0, 1, 127, 128, 200, 255, 9, 8, 7, 6, 5, 4};

    private static byte[] images() {
        return idx(0x08, new int[] {2, 2, 3}, encode('b', BE, PIXELS));
    }

    private static Tensor read(byte[] file, boolean flatten) {
        return IdxReader.read(WHERE, stream(file), flatten);
    }

    private static String error(byte[] file) {
        return assertThrows(IllegalArgumentException.class, () -> read(file, false)).getMessage();
    }

    @Test
    void unsignedBytesKeepTheirShapeRawOrGzipped() {
        for (byte[] file : new byte[][] {images(), gzip(images())}) {
            Tensor t = read(file, false);
            assertArrayEquals(new int[] {2, 2, 3}, t.shape());
            assertArrayEquals(PIXELS, t.toArray());
        }
    }

    /**
     * A large file (12,000 bytes of images, more than a small tensor holds) goes straight into ND4J storage, in
     * float32 (every byte value is exact there), with the same values as the small path; a large float64 file,
     * whose values float32 would round, keeps them exactly.
     */
    @Test
    void largeFilesLoadIntoNd4jWithExactValues() {
        double[] pixels = new double[20 * 20 * 30];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 37 + 11) % 256;
        }
        for (boolean flatten : new boolean[] {false, true}) {
            Tensor t = read(gzip(idx(0x08, new int[] {20, 20, 30}, encode('b', BE, pixels))), flatten);
            assertTrue(t.isLarge());
            assertArrayEquals(flatten ? new int[] {20, 600} : new int[] {20, 20, 30}, t.shape());
            assertArrayEquals(pixels, t.toArray());
        }
        double[] fine = new double[12000];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = 0.1 * i + 1e-9;
        }
        Tensor f = read(idx(0x0e, new int[] {12000}, encode('d', BE, fine)), false);
        assertArrayEquals(fine, f.toArray());
        // data that ends early is still an error at its byte
        byte[] whole = idx(0x08, new int[] {20, 20, 30}, encode('b', BE, pixels));
        String message = error(cut(whole, whole.length - 100));
        assertTrue(message.contains("the data ends after 11900 of the 12000 bytes"), message);
    }

    @Test
    void flattenKeepsTheFirstDimension() {
        Tensor t = read(gzip(images()), true);
        assertArrayEquals(new int[] {2, 6}, t.shape());
        assertArrayEquals(PIXELS, t.toArray());
        Tensor labels = read(idx(0x08, new int[] {3}, new byte[] {7, 0, 9}), true);
        assertArrayEquals(new int[] {3, 1}, labels.shape());
    }

    @Test
    void labelsAreAVector() {
        Tensor t = read(idx(0x08, new int[] {4}, new byte[] {9, 0, 3, 1}), false);
        assertArrayEquals(new int[] {4}, t.shape());
        assertArrayEquals(new double[] {9, 0, 3, 1}, t.toArray());
    }

    @Test
    void everyElementTypeReadsExactly() {
        double[] signedBytes = {-128, -1, 0, 127};
        assertArrayEquals(signedBytes, read(idx(0x09, new int[] {4}, encode('b', BE, signedBytes)), false).toArray());
        double[] shorts = {-32768, -2, 300, 32767};
        assertArrayEquals(shorts, read(idx(0x0b, new int[] {2, 2}, encode('s', BE, shorts)), false).toArray());
        double[] ints = {Integer.MIN_VALUE, -5, 70000, Integer.MAX_VALUE};
        assertArrayEquals(ints, read(idx(0x0c, new int[] {4}, encode('i', BE, ints)), false).toArray());
        double[] floats = {-1.5, 0.1f, 3e38f, Float.NaN};
        assertArrayEquals(floats, read(idx(0x0d, new int[] {4}, encode('f', BE, floats)), false).toArray());
        double[] doubles = {-1.5, 0.1, 1e300, Double.NEGATIVE_INFINITY};
        assertArrayEquals(doubles, read(idx(0x0e, new int[] {1, 4}, encode('d', BE, doubles)), false).toArray());
    }

    @Test
    void anEmptyFileSaysWhatWasExpected() {
        String m = error(new byte[0]);
        assertTrue(m.startsWith("load_idx: images.idx: at byte 0: the file ends after 0 of the 4 bytes of the IDX magic"),
                m);
    }

    @Test
    void aWrongMagicNumberNamesTheFormatFound() {
        byte[] npy = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
        String m = error(npy);
        assertTrue(m.contains("at byte 0: not an IDX file: expected the magic number 00 00 <type> <rank>, found 93 4e 55 4d"),
                m);
        assertTrue(m.contains("use load_npy"), m);
        assertTrue(error("x,y\n1,2\n".getBytes()).contains("use load_csv"));
    }

    @Test
    void anUnknownTypeByteIsNamed() {
        byte[] file = images();
        file[2] = 0x0a;
        assertTrue(error(file).contains("at byte 2: unknown IDX element type 0x0a; expected 0x08 (ubyte)"), error(file));
    }

    @Test
    void rankZeroIsRejected() {
        assertTrue(error(new byte[] {0, 0, 8, 0}).contains("at byte 3: the IDX header declares 0 dimensions"));
    }

    @Test
    void aTruncatedHeaderSaysWhere() {
        String m = error(cut(images(), 9));
        assertTrue(m.contains("at byte 4: the file ends after 5 of the 12 bytes of the 3 dimension sizes"), m);
    }

    @Test
    void truncatedDataGivesTheOffsetAndTheSizeTheHeaderAnnounced() {
        String m = error(cut(images(), 16 + 7));
        assertTrue(m.contains("images.idx: at byte 16: the data ends after 7 of the 12 bytes that shape [2, 2, 3] of uint8 "
                + "needs"), m);
        String gz = error(gzip(cut(images(), 16 + 7)));
        assertTrue(gz.contains("at byte 16 of the decompressed data: the data ends after 7 of the 12 bytes"), gz);
    }

    @Test
    void aCutGzipStreamIsDamagedNotShort() {
        byte[] gz = gzip(images());
        String m = error(cut(gz, gz.length - 6));
        assertTrue(m.contains("of the decompressed data: the gzip data is damaged"), m);
    }

    @Test
    void corruptGzipDataIsReported() {
        byte[] gz = gzip(concat(images(), new byte[0]));
        gz[gz.length - 5] ^= 0x55; // the CRC and length trailer no longer match
        assertTrue(error(gz).contains("the gzip data is damaged"), error(gz));
    }

    @Test
    void trailingBytesAreAnError() {
        String m = error(concat(images(), new byte[] {1, 2, 3}));
        assertTrue(m.contains("at byte 28: 3 bytes follow the data; the header announces shape [2, 2, 3] of uint8"), m);
    }

    @Test
    void anImpossibleShapeFailsBeforeAllocating() {
        byte[] header = idx(0x08, new int[] {1 << 16, 1 << 16}, new byte[0]);
        String m = error(header);
        assertTrue(m.contains("shape [65536, 65536] has more than 2^31 - 1 elements"), m);
        byte[] negative = idx(0x08, new int[] {-1}, new byte[0]);
        assertTrue(error(negative).contains("at byte 4: dimension 1 is 4294967295"), error(negative));
    }

    @Test
    void anEmptyDimensionReadsAsAnEmptyTensor() {
        Tensor t = read(idx(0x08, new int[] {0, 28, 28}, new byte[0]), true);
        assertArrayEquals(new int[] {0, 784}, t.shape());
        assertEquals(0, t.toArray().length);
    }
}
