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

    private static SandboxFileSystem sandbox(Path dir, AtomicInteger changes) {
        return new SandboxFileSystem(List.of(dir), "hint", changes::incrementAndGet);
    }
}
