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
}
