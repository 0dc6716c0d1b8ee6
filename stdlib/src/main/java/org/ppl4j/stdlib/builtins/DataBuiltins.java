package org.ppl4j.stdlib.builtins;

import com.oracle.truffle.api.TruffleFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.stdlib.data.CsvReader;
import org.ppl4j.stdlib.data.DataPath;
import org.ppl4j.stdlib.data.IdxReader;
import org.ppl4j.stdlib.data.NpyReader;
import org.ppl4j.stdlib.data.NpzReader;

/**
 * Reading data files: {@code load_csv}, {@code load_idx}, {@code load_npy}, {@code load_npz} (docs/data.md).
 * Every file is opened through the context's Truffle file system, so the embedder's policy decides what a
 * program may read; the formats themselves are parsed in {@code org.ppl4j.stdlib.data}.
 */
final class DataBuiltins {
    private DataBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                new Builtin("load_csv", List.of("path", "columns", "header", "delimiter", "comment"), 1, false, (a, c) -> {
                    CsvReader.Options options = new CsvReader.Options(columns(a[1]), flag("load_csv", "header", a[2]),
                            delimiter(a[3]), comment(a[4]));
                    return read("load_csv", a[0], c, (w, in) -> CsvReader.read(w, in, options));
                }),
                new Builtin("load_idx", List.of("path", "flatten"), 1, false, (a, c) -> {
                    boolean flatten = Boolean.TRUE.equals(flag("load_idx", "flatten", a[1]));
                    return read("load_idx", a[0], c, (w, in) -> IdxReader.read(w, in, flatten));
                }),
                Builtin.of("load_npy", List.of("path"), (a, c) -> read("load_npy", a[0], c, NpyReader::read)),
                Builtin.of("load_npz", List.of("path"), (a, c) -> read("load_npz", a[0], c, NpzReader::read)));
    }

    private interface Format {
        Object read(DataPath where, InputStream in);
    }

    /** Opens the file the program names, through the embedder's file system, and reads it whole. */
    private static Object read(String builtin, Object pathValue, PplContext context, Format format) {
        if (!(pathValue instanceof String path)) {
            throw new IllegalArgumentException(builtin + ": 'path' must be a string, got " + Printer.kind(pathValue));
        }
        DataPath where = new DataPath(builtin, path);
        TruffleFile file;
        try {
            file = context.env().getPublicTruffleFile(path);
            if (!file.exists()) {
                throw where.error("no such file" + (file.isAbsolute() ? "" : " (relative to "
                        + context.env().getCurrentWorkingDirectory() + ")"));
            }
            if (file.isDirectory()) {
                throw where.error("this is a directory; expected a file");
            }
        } catch (SecurityException | UnsupportedOperationException e) {
            throw notAllowed(builtin, path, e);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(builtin + ": '" + path + "' is not a valid path: " + e.getReason());
        }
        InputStream in;
        try {
            in = file.isRegularFile() ? new Polling(file.newInputStream(), builtin) : readAside(where, file, context);
        } catch (SecurityException | UnsupportedOperationException e) {
            throw notAllowed(builtin, path, e);
        } catch (IOException e) {
            throw where.error("the file cannot be opened (" + e.getMessage() + ")");
        }
        try (in) {
            return format.read(where, in);
        } catch (IOException e) {
            throw where.error("the file cannot be read (" + e.getMessage() + ")");
        }
    }

    /** A file's bytes with a cancellation point ({@code --timeout}, Ctrl-C) every MiB read. */
    private static final class Polling extends java.io.FilterInputStream {
        private static final long EVERY = 1 << 20;
        private final String builtin;
        private long sincePoll;

        Polling(InputStream in, String builtin) {
            super(in);
            this.builtin = builtin;
        }

        private void count(long n) {
            sincePoll += Math.max(0, n);
            if (sincePoll >= EVERY) {
                sincePoll = 0;
                org.ppl4j.runtime.Stop.poll(builtin);
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }
    }

    /**
     * A pipe or device: opening and reading it may block until a writer comes, in native code that neither
     * cancellation nor an interrupt reaches. It is read whole on a thread of its own while this one waits, checking
     * for a stop ({@code --timeout}, Ctrl-C) and interrupts; a reader left blocked is a daemon and ends with the JVM.
     */
    private static InputStream readAside(DataPath where, TruffleFile file, PplContext context) throws IOException {
        java.util.concurrent.FutureTask<byte[]> read = new java.util.concurrent.FutureTask<>(() -> {
            try (InputStream in = file.newInputStream()) {
                return in.readAllBytes();
            }
        });
        Thread reader = new Thread(read, "ppl-read " + file.getName());
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                try {
                    return new java.io.ByteArrayInputStream(read.get(100, java.util.concurrent.TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.TimeoutException waiting) {
                    if (context.stop().pending()) {
                        throw new org.ppl4j.runtime.error.PplStopped(context.stop().reason(), "stopped ("
                                + context.stop().reason() + ") while waiting for " + where.path(), null);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw where.error("reading was interrupted while waiting for data (a pipe with no writer?)");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage());
        }
    }

    /** The sandbox's refusal, naming the path and how to allow it (one message for every file access). */
    private static IllegalArgumentException notAllowed(String builtin, String path, RuntimeException e) {
        return new IllegalArgumentException(org.ppl4j.runtime.PplFiles.refusal(builtin, path, e), e);
    }

    private static Boolean flag(String builtin, String param, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(builtin + ": '" + param + "' must be true or false, got " + Printer.kind(v));
    }

    /** Column names (strings) or 0-based indices (whole numbers), or null for all columns. */
    private static List<Object> columns(Object v) {
        if (v == null) {
            return null;
        }
        Function<Object, IllegalArgumentException> bad = x -> new IllegalArgumentException("load_csv: 'columns' must "
                + "be a list of column names or 0-based indices, such as [\"x\", \"y\"] or [0, 2]; found "
                + (x instanceof Double d ? Printer.number(d) : Printer.kind(x)));
        if (!(v instanceof PplList list)) {
            throw bad.apply(v);
        }
        List<Object> out = new ArrayList<>();
        for (Object element : list.toArray()) {
            Object x = org.ppl4j.runtime.ad.AD.value(element);
            if (x instanceof String s) {
                out.add(s);
            } else if (x instanceof Double d && d >= 0 && d == Math.rint(d) && d < Integer.MAX_VALUE) {
                out.add((int) (double) d);
            } else {
                throw bad.apply(x);
            }
        }
        return out;
    }

    private static Character comment(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s && s.length() == 1 && s.charAt(0) != '"' && s.charAt(0) > ' ') {
            return s.charAt(0);
        }
        throw new IllegalArgumentException("load_csv: 'comment' must be one character such as \"#\", got "
                + (v instanceof String s ? "\"" + s + "\"" : Printer.kind(v)));
    }

    private static char delimiter(Object v) {
        if (v == null) {
            return ',';
        }
        if (v instanceof String s && s.length() == 1 && s.charAt(0) != '"' && s.charAt(0) != '\n'
                && s.charAt(0) != '\r') {
            return s.charAt(0);
        }
        throw new IllegalArgumentException("load_csv: 'delimiter' must be one character such as \",\", \";\" or \"\\t\", "
                + "got " + (v instanceof String s ? "\"" + s + "\"" : Printer.kind(v)));
    }
}
