package org.ppl4j.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST images for the VAE benchmark, read from IDX files (gzipped or not) without ppl4j code, so the
 * hand-written baseline shares nothing with the language. Pixels are binarised as the VAE example does:
 * {@code pixel / 255 > 0.5}.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the full set. */
    public static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");
    /** The subset shipped with the VAE example, relative to the repository root. */
    public static final Path SUBSET = Path.of("examples/vae/data");

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final int IMAGE_MAGIC = 0x00000803;

    private FashionMnist() {
    }

    /**
     * The folder with the training images: the full set when it is installed, else the example's subset under
     * {@code root}; null when neither is there.
     */
    public static Path locate(Path root) {
        for (Path dir : List.of(DEBIAN, root.resolve(SUBSET))) {
            if (imagesFile(dir) != null) {
                return dir;
            }
        }
        return null;
    }

    /** {@code train-images-idx3-ubyte.gz} or {@code train-images-idx3-ubyte} in {@code dir}, or null. */
    static Path imagesFile(Path dir) {
        for (String name : List.of(TRAIN_IMAGES + ".gz", TRAIN_IMAGES)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * At most {@code limit} training images from {@code dir}, binarised, row-major: image {@code i}'s pixels are
     * {@code [i * pixels, (i + 1) * pixels)}.
     */
    public static Images trainImages(Path dir, int limit) throws IOException {
        Path file = imagesFile(dir);
        if (file == null) {
            throw new IOException(dir + ": no " + TRAIN_IMAGES + "[.gz] there");
        }
        return readImages(file, limit);
    }

    /** How many training images {@code dir} holds, from the file's header. */
    public static int trainCount(Path dir) throws IOException {
        Path file = imagesFile(dir);
        if (file == null) {
            throw new IOException(dir + ": no " + TRAIN_IMAGES + "[.gz] there");
        }
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                DataInputStream data = new DataInputStream(in)) {
            if (data.readInt() != IMAGE_MAGIC) {
                throw new IOException(file + ": not an IDX image file");
            }
            return data.readInt();
        }
    }

    /** Reads an IDX3 image file (gzip when the name ends in .gz), binarising each pixel at 0.5. */
    public static Images readImages(Path file, int limit) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16)
                        : new BufferedInputStream(raw, 1 << 16);
                DataInputStream data = new DataInputStream(in)) {
            int magic = data.readInt();
            if (magic != IMAGE_MAGIC) {
                throw new IOException(file + ": not an IDX image file (magic number 0x" + Integer.toHexString(magic)
                        + ", expected 0x" + Integer.toHexString(IMAGE_MAGIC) + ")");
            }
            int count = data.readInt();
            int rows = data.readInt();
            int cols = data.readInt();
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new IOException(file + ": bad IDX dimensions " + count + " x " + rows + " x " + cols);
            }
            int n = Math.min(count, limit);
            int pixels = rows * cols;
            float[] values = new float[Math.multiplyExact(n, pixels)];
            byte[] image = new byte[pixels];
            for (int i = 0; i < n; i++) {
                try {
                    data.readFully(image);
                } catch (EOFException e) {
                    throw new IOException(file + ": the file ends inside image " + i + " of " + count, e);
                }
                for (int p = 0; p < pixels; p++) {
                    values[i * pixels + p] = (image[p] & 0xff) / 255.0 > 0.5 ? 1f : 0f;
                }
            }
            return new Images(n, pixels, values);
        }
    }

    /** Binarised images, row-major. */
    public record Images(int count, int pixels, float[] values) {
    }
}
