package org.ppl4j.embed;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.graalvm.polyglot.io.FileSystem;
import org.graalvm.polyglot.io.IOAccess;
import org.ppl4j.runtime.PplFiles;

/**
 * The file system a ppl4j program sees: the host's, limited to a few allowed directories (and single
 * files). Every file a program touches goes through it, as the Truffle file system of its context:
 * {@code load_csv} and the other loaders, checkpoints written by {@code fit(..., checkpoint: DIR)}, the
 * {@code plot} builtin, {@code --resume}. A path is allowed when its real path (symbolic links followed,
 * {@code ..} resolved as the operating system resolves it) lies inside the real path of an allowed root;
 * a path that does not exist yet is judged by the real path of its nearest existing ancestor. Anything
 * else is refused with a {@link SecurityException} that names the path and says how to allow it.
 *
 * <p>The ppl4j API sets it up from {@link PplOptions#withAllowedPath}; a plain polyglot context can use it too:
 *
 * <pre>{@code
 * try (Context context = Context.newBuilder("ppl")
 *         .allowIO(SandboxFileSystem.ioAccess(List.of(Path.of("data")), "allow it with --data-dir")).build()) {
 *     context.eval("ppl", "let d = load_csv(\"data/points.csv\")");
 * }
 * }</pre>
 *
 * <p>What it does not do: it does not guard against a symbolic link swapped in between the check and the
 * access (the program itself cannot create links, but another process could).
 */
public final class SandboxFileSystem implements FileSystem {
    private final FileSystem delegate = FileSystem.newDefaultFileSystem();
    private final List<Path> roots;
    private final String hint;
    /** Told before each change the program asks for (a file written, made, moved or deleted); may be null. */
    private final Runnable onChange;

    /**
     * A file system that allows {@code roots} (directories, and everything below them, or single files)
     * and nothing else; a refusal ends with {@code hint}, which tells the user how to allow more (for the
     * command line: "allow it with --allow-path DIR").
     */
    public SandboxFileSystem(List<Path> roots, String hint) {
        this(roots, hint, null);
    }

    /**
     * As {@link #SandboxFileSystem(List, String)}, running {@code onChange} (when not null) before each change a
     * program asks of the file system: a file opened for writing, a directory made, anything moved, copied,
     * linked, deleted or given an attribute, and a pipe or device opened (reading one consumes it). {@code ppl run} learns so whether a program may still be started
     * again unseen (docs/performance.md#which-jvm-runs-a-program).
     */
    public SandboxFileSystem(List<Path> roots, String hint, Runnable onChange) {
        this.onChange = onChange;
        List<Path> real = new ArrayList<>();
        for (Path r : roots) {
            Path p = realPath(r.toAbsolutePath());
            if (real.stream().noneMatch(p::startsWith)) {
                real.removeIf(q -> q.startsWith(p));
                real.add(p);
            }
        }
        this.roots = Collections.unmodifiableList(real);
        this.hint = hint;
    }

    /** Polyglot I/O access through a sandbox of {@code roots}: see {@link #SandboxFileSystem(List, String)}. */
    public static IOAccess ioAccess(List<Path> roots, String hint) {
        return IOAccess.newBuilder().fileSystem(new SandboxFileSystem(roots, hint)).build();
    }

    /** Polyglot I/O access through {@link #SandboxFileSystem(List, String, Runnable)}. */
    public static IOAccess ioAccess(List<Path> roots, String hint, Runnable onChange) {
        return IOAccess.newBuilder().fileSystem(new SandboxFileSystem(roots, hint, onChange)).build();
    }

    private void changing() {
        Runnable r = onChange;
        if (r != null) {
            r.run();
        }
    }

    /** The allowed roots, as real paths. */
    public List<Path> roots() {
        return roots;
    }

    private Path check(Path path) {
        Path absolute = delegate.toAbsolutePath(path);
        Path real = realPath(absolute);
        for (Path r : roots) {
            if (real.startsWith(r)) {
                return path;
            }
        }
        String shown = absolute.normalize().toString();
        String leads = real.equals(absolute.normalize()) ? "it is " : "it leads to " + real + ", ";
        String where = roots.isEmpty() ? "no path is allowed"
                : "allowed: " + roots.stream().map(Path::toString).collect(Collectors.joining(", "));
        throw new SecurityException(PplFiles.NOT_ALLOWED_MARK + " " + shown + " is not allowed: " + leads
                + "outside the paths this program may use (" + where + "); " + hint);
    }

    /**
     * The real path of {@code absolute}: {@link Path#toRealPath} of its longest existing prefix (so links and
     * {@code ..} are resolved as the operating system does), then the names that do not exist yet.
     */
    static Path realPath(Path absolute) {
        Path existing = absolute;
        List<Path> rest = new ArrayList<>();
        while (existing != null) {
            try {
                Path real = existing.toRealPath();
                for (int i = rest.size() - 1; i >= 0; i--) {
                    real = real.resolve(rest.get(i));
                }
                return real.normalize();
            } catch (NoSuchFileException e) {
                if (existing.getFileName() == null) {
                    break;
                }
                rest.add(existing.getFileName());
                existing = existing.getParent();
            } catch (IOException | SecurityException e) {
                break;
            }
        }
        return absolute.normalize();
    }

    @Override
    public Path parsePath(URI uri) {
        return delegate.parsePath(uri);
    }

    @Override
    public Path parsePath(String path) {
        return delegate.parsePath(path);
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
        delegate.checkAccess(check(path), modes, linkOptions);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        changing();
        delegate.createDirectory(check(dir), attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
        changing();
        delegate.delete(check(path));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        if (options.contains(java.nio.file.StandardOpenOption.WRITE)
                || options.contains(java.nio.file.StandardOpenOption.APPEND)
                || options.contains(java.nio.file.StandardOpenOption.CREATE)
                || options.contains(java.nio.file.StandardOpenOption.CREATE_NEW)
                || options.contains(java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)
                || options.contains(java.nio.file.StandardOpenOption.DELETE_ON_CLOSE)
                || onChange != null && !java.nio.file.Files.isRegularFile(path) && !java.nio.file.Files.isDirectory(path)) {
            // reading a pipe or a device (a FIFO, /dev/stdin) consumes it: a second run would not read the same
            changing();
        }
        return delegate.newByteChannel(check(path), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        return delegate.newDirectoryStream(check(dir), filter);
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return delegate.toAbsolutePath(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
        return delegate.toRealPath(check(path), linkOptions);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return delegate.readAttributes(check(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        changing();
        delegate.setAttribute(check(path), attribute, value, options);
    }

    @Override
    public void copy(Path source, Path target, java.nio.file.CopyOption... options) throws IOException {
        changing();
        delegate.copy(check(source), check(target), options);
    }

    @Override
    public void move(Path source, Path target, java.nio.file.CopyOption... options) throws IOException {
        changing();
        delegate.move(check(source), check(target), options);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        changing();
        delegate.createLink(check(link), check(existing));
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        changing();
        Path resolvedTarget = target.isAbsolute() ? target : delegate.toAbsolutePath(link).resolveSibling(target);
        check(resolvedTarget);
        delegate.createSymbolicLink(check(link), target, attrs);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return delegate.readSymbolicLink(check(link));
    }

    @Override
    public void setCurrentWorkingDirectory(Path currentWorkingDirectory) {
        delegate.setCurrentWorkingDirectory(currentWorkingDirectory);
    }

    @Override
    public String getSeparator() {
        return delegate.getSeparator();
    }

    @Override
    public String getPathSeparator() {
        return delegate.getPathSeparator();
    }

    @Override
    public String getMimeType(Path path) {
        return delegate.getMimeType(path);
    }

    @Override
    public Charset getEncoding(Path path) {
        return delegate.getEncoding(path);
    }

    @Override
    public Path getTempDirectory() {
        return delegate.getTempDirectory();
    }

    @Override
    public boolean isSameFile(Path path1, Path path2, LinkOption... options) throws IOException {
        return delegate.isSameFile(check(path1), check(path2), options);
    }
}
