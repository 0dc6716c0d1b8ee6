package org.ppl4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox tells its listener of every change a program asks of the file system and of nothing else (how
 * {@code ppl run} knows whether a program may still be started again unseen).
 */
class SandboxChangesTest {
    @Test
    void writesAreToldAndReadsAreNot(@TempDir Path dir) throws Exception {
        Path existing = Files.writeString(dir.resolve("a.txt"), "a");
        AtomicInteger changes = new AtomicInteger();
        SandboxFileSystem fs = sandbox(dir, changes);

        fs.newByteChannel(existing, Set.of(StandardOpenOption.READ)).close();
        fs.readAttributes(existing, "size");
        fs.checkAccess(existing, Set.of());
        fs.newDirectoryStream(dir, p -> true).close();
        fs.toRealPath(existing);
        assertEquals(0, changes.get(), "a read was told as a change");

        fs.newByteChannel(dir.resolve("b.txt"), Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE)).close();
        assertEquals(1, changes.get());
        fs.newByteChannel(existing, Set.of(StandardOpenOption.APPEND)).close();
        assertEquals(2, changes.get());
        fs.createDirectory(dir.resolve("d"));
        assertEquals(3, changes.get());
        fs.move(dir.resolve("b.txt"), dir.resolve("c.txt"));
        assertEquals(4, changes.get());
        fs.copy(dir.resolve("c.txt"), dir.resolve("e.txt"));
        assertEquals(5, changes.get());
        fs.delete(dir.resolve("e.txt"));
        assertEquals(6, changes.get());
        // a write outside the sandbox is refused, and told (conservatively: the refusal itself is seen)
        assertThrows(SecurityException.class, () -> fs.newByteChannel(dir.getParent().resolve("outside.txt"),
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE)));
        assertEquals(7, changes.get());
    }

    /** Reading a pipe consumes it (a program run again would not read the same), so it is told as a change. */
    @Test
    void openingAPipeIsTold(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "no mkfifo here");
        AtomicInteger changes = new AtomicInteger();
        SandboxFileSystem fs = sandbox(dir, changes);
        fs.readAttributes(fifo, "size");
        assertEquals(0, changes.get());
        // a writer on another thread, so that opening the pipe for reading does not wait for ever
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, "x");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        try (java.nio.channels.SeekableByteChannel c = fs.newByteChannel(fifo, Set.of(StandardOpenOption.READ))) {
            c.read(java.nio.ByteBuffer.allocate(8));
        }
        writer.join(10_000);
        assertEquals(1, changes.get());
    }

    private static SandboxFileSystem sandbox(Path dir, AtomicInteger changes) {
        return new SandboxFileSystem(List.of(dir), "hint", changes::incrementAndGet);
    }
}
