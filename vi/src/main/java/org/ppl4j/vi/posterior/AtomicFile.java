package org.ppl4j.vi.posterior;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that a reader sees the old one or the whole new one: a temporary file in the same directory,
 * forced to disk, renamed over the target (an atomic rename on one file system).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** What writes the file's bytes. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path file, Body body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
                body.write(fos);
                fos.flush();
                fos.getFD().sync();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
