package org.ppl4j.stdlib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.data.Fixtures.cut;
import static org.ppl4j.stdlib.data.Fixtures.encode;
import static org.ppl4j.stdlib.data.Fixtures.members;
import static org.ppl4j.stdlib.data.Fixtures.npy;
import static org.ppl4j.stdlib.data.Fixtures.stream;
import static org.ppl4j.stdlib.data.Fixtures.zip;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplRecord;

class NpzReaderTest {
    private static final DataPath WHERE = new DataPath("load_npz", "d.npz");
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static byte[] x() {
        return npy("<f8", "(2, 2)", encode('d', LE, 1, 2, 3, 4));
    }

    private static byte[] y() {
        return npy("|u1", "(3,)", new byte[] {7, 8, 9});
    }

    private static String error(byte[] file) {
        return assertThrows(IllegalArgumentException.class, () -> NpzReader.read(WHERE, stream(file))).getMessage();
    }

    @Test
    void storedAndDeflatedArchivesGiveARecordInArchiveOrder() {
        for (boolean stored : new boolean[] {true, false}) {
            PplRecord r = NpzReader.read(WHERE, stream(zip(stored, members("x.npy", x(), "y.npy", y()))));
            assertEquals(List.of("x", "y"), List.copyOf(r.fields().keySet()));
            Tensor xs = (Tensor) r.get("x");
            assertArrayEquals(new int[] {2, 2}, xs.shape());
            assertArrayEquals(new double[] {1, 2, 3, 4}, xs.toArray());
            assertArrayEquals(new double[] {7, 8, 9}, ((Tensor) r.get("y")).toArray());
        }
    }

    @Test
    void anErrorInsideAnArrayNamesTheArray() {
        byte[] badY = cut(y(), y().length - 1);
        String m = error(zip(false, members("x.npy", x(), "y.npy", badY)));
        assertTrue(m.startsWith("load_npz: d.npz, array 'y': at byte 128: the data ends after 2 of the 3 bytes"), m);
    }

    @Test
    void notAZipArchive() {
        String m = error(x());
        assertTrue(m.contains("d.npz: at byte 0: not an .npz file: expected a zip archive starting with 50 4b 03 04"), m);
        assertTrue(m.contains("use load_npy"), m);
    }

    @Test
    void anEmptyArchiveHoldsNoArrays() {
        assertTrue(error(zip(false, members())).contains("the archive holds no arrays"));
    }

    @Test
    void membersMustBeNpyArrays() {
        String m = error(zip(false, members("x.npy", x(), "notes.txt", "hi".getBytes())));
        assertTrue(m.contains("the archive member 'notes.txt' is not a .npy array"), m);
    }

    @Test
    void aTruncatedArchiveIsDamaged() {
        byte[] file = zip(false, members("x.npy", x(), "y.npy", y()));
        String m = error(cut(file, 100));
        assertTrue(m.contains("load_npz: d.npz, array 'x': at byte "), m);
        assertTrue(m.contains("the zip archive is damaged") || m.contains("the data ends after"), m);
    }

    /**
     * Every cut of a stored and of a deflated (data descriptors) two-array archive, at each byte, is an error
     * naming the file and a byte offset: none gives a record with an array missing, as a cut where the second
     * entry starts used to.
     */
    @Test
    void everyTruncationIsAnErrorWithTheOffset() {
        for (boolean stored : new boolean[] {true, false}) {
            byte[] file = zip(stored, members("x.npy", x(), "y.npy", y()));
            for (int at = 0; at < file.length; at++) {
                byte[] cut = cut(file, at);
                String m = assertThrows(IllegalArgumentException.class, () -> NpzReader.read(WHERE, stream(cut)),
                        "cut at " + at + " of " + file.length).getMessage();
                assertTrue(m.startsWith("load_npz: d.npz"), m);
                assertTrue(at < 4 || m.contains("byte ") && (m.contains("truncated") || m.contains("damaged")),
                        "cut at " + at + ": " + m);
            }
        }
    }

    @Test
    void aCutWhereTheSecondEntryStartsNamesTheFirstAndTheOffset() {
        byte[] whole = zip(true, members("x.npy", x(), "y.npy", y()));
        int second = 30 + "x.npy".length() + x().length;
        String m = error(cut(whole, second));
        assertEquals("load_npz: d.npz: the archive is cut off at byte " + second + ", after the entry 'x.npy' "
                + "(truncated): its central directory is missing", m);
    }

    @Test
    void damagedCompressedDataNamesTheEntry() {
        byte[] file = zip(false, members("x.npy", x(), "y.npy", y()));
        int data = 30 + "x.npy".length();
        boolean sawError = false;
        for (int at = data; at < data + 20; at++) {
            byte[] bad = file.clone();
            bad[at] ^= (byte) 0x5a;
            try {
                NpzReader.read(WHERE, stream(bad));
            } catch (IllegalArgumentException e) {
                sawError = true;
                // the damage shows in the decoded array or in the entry's data
                assertTrue(e.getMessage().contains("'x.npy' (at byte 0)")
                        || e.getMessage().startsWith("load_npz: d.npz, array 'x': at byte "), e.getMessage());
                assertTrue(!e.getMessage().contains("null"), e.getMessage());
                continue;
            }
            throw new AssertionError("a damaged byte at " + at + " was read without error (CRC-32 not checked)");
        }
        assertTrue(sawError);
    }

    @Test
    void anEntryMissingFromTheCentralDirectoryIsDamage() {
        byte[] file = zip(true, members("x.npy", x(), "y.npy", y()));
        // rename the second central directory entry's name: the directory no longer matches what was read
        String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        int central = text.indexOf("PK\u0001\u0002", 0);
        int last = text.lastIndexOf("y.npy");
        assertTrue(central > 0 && last > central);
        file[last] = 'z';
        String m = error(file);
        assertTrue(m.contains("the central directory (entry at byte ") && m.contains("lists 'z.npy'")
                && m.contains("but the archive holds 'y.npy'"), m);
    }
}
