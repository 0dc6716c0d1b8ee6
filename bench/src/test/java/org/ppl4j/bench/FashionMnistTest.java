package org.ppl4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    private static byte[] idx(int magic, int count, int rows, int cols, int[] pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int p : pixels) {
                out.writeByte(p);
            }
        }
        return bytes.toByteArray();
    }

    private static void gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    @Test
    void readsGzippedImagesAndBinarisesAtOneHalf(@TempDir Path dir) throws Exception {
        // 3 images of 2 x 2; 127/255 < 0.5 < 128/255
        int[] pixels = {0, 127, 128, 255, 255, 255, 0, 0, 1, 200, 3, 4};
        gzip(dir.resolve("train-images-idx3-ubyte.gz"), idx(0x803, 3, 2, 2, pixels));
        FashionMnist.Images all = FashionMnist.trainImages(dir, Integer.MAX_VALUE);
        assertEquals(3, all.count());
        assertEquals(4, all.pixels());
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0}, all.values());
        FashionMnist.Images two = FashionMnist.trainImages(dir, 2);
        assertEquals(2, two.count());
        assertEquals(8, two.values().length);
    }

    @Test
    void readsUncompressedFiles(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x803, 1, 1, 2, new int[] {9, 250}));
        assertArrayEquals(new float[] {0, 1}, FashionMnist.trainImages(dir, 10).values());
    }

    @Test
    void badFilesSayWhatIsWrong(@TempDir Path dir) throws Exception {
        gzip(dir.resolve("train-images-idx3-ubyte.gz"), idx(0x801, 1, 1, 1, new int[] {0}));
        IOException magic = assertThrows(IOException.class, () -> FashionMnist.trainImages(dir, 10));
        assertTrue(magic.getMessage().contains("not an IDX image file") && magic.getMessage().contains(dir.toString()),
                magic.getMessage());
        gzip(dir.resolve("train-images-idx3-ubyte.gz"), idx(0x803, 5, 2, 2, new int[] {1, 2, 3, 4, 5}));
        IOException truncated = assertThrows(IOException.class, () -> FashionMnist.trainImages(dir, 10));
        assertTrue(truncated.getMessage().contains("ends inside image 1 of 5"), truncated.getMessage());
        IOException missing = assertThrows(IOException.class, () -> FashionMnist.trainImages(dir.resolve("none"), 1));
        assertTrue(missing.getMessage().contains("no train-images-idx3-ubyte"), missing.getMessage());
    }

    @Test
    void locatesNothingWhereThereIsNoData(@TempDir Path dir) {
        if (!Files.isDirectory(FashionMnist.DEBIAN)) {
            assertNull(FashionMnist.locate(dir));
        } else {
            assertEquals(FashionMnist.DEBIAN, FashionMnist.locate(dir), "the full set comes first");
        }
    }
}
