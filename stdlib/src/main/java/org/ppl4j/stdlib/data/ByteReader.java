package org.ppl4j.stdlib.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The bytes of a data file, gunzipped when the file starts with the gzip magic number (whatever its name),
 * with the offset of the next byte so that errors can say where they are. A read error of the underlying
 * file, or corrupt gzip data, becomes an error naming the file and the offset reached.
 */
final class ByteReader implements AutoCloseable {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private final DataPath where;
    private final InputStream in;
    private final boolean gzip;
    private final String damaged;
    private long position;

    private ByteReader(DataPath where, InputStream in, boolean gzip, String damaged) {
        this.where = where;
        this.in = in;
        this.gzip = gzip;
        this.damaged = damaged;
    }

    /** Reads {@code raw}, gunzipping it if it starts with the gzip magic number. */
    static ByteReader open(DataPath where, InputStream raw) {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        if (startsWithGzipMagic(where, buffered)) {
            return new ByteReader(where, new BufferedInputStream(gunzip(where, buffered), 1 << 16), true,
                    "the gzip data is damaged");
        }
        return new ByteReader(where, buffered, false, "the file cannot be read");
    }

    /** The bytes of {@code raw}, gunzipped if it starts with the gzip magic number, for readers of text. */
    static InputStream decompressed(DataPath where, InputStream raw) {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        return startsWithGzipMagic(where, buffered) ? gunzip(where, buffered) : buffered;
    }

    private static boolean startsWithGzipMagic(DataPath where, BufferedInputStream in) {
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
        } catch (IOException e) {
            throw where.error("the file cannot be read (" + e.getMessage() + ")");
        }
    }

    private static InputStream gunzip(DataPath where, InputStream in) {
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) {
            throw where.error("the file starts like gzip data but its gzip header is damaged (" + e.getMessage() + ")");
        }
    }

    /** Reads one member of a zip archive, as the archive's stream decompresses it. */
    static ByteReader zipMember(DataPath where, InputStream in) {
        InputStream member = new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the archive stays open for its next member
            }
        };
        return new ByteReader(where, new BufferedInputStream(member, 1 << 16), false, "the zip archive is damaged");
    }

    boolean gzip() {
        return gzip;
    }

    long position() {
        return position;
    }

    DataPath where() {
        return where;
    }

    /** An error at the current offset. */
    IllegalArgumentException error(String message) {
        return where.atByte(position, gzip, message);
    }

    /** An error at a given offset. */
    IllegalArgumentException errorAt(long offset, String message) {
        return where.atByte(offset, gzip, message);
    }

    /** Reads up to {@code len} bytes; fewer only where the data ends. */
    int read(byte[] b, int off, int len) {
        int total = 0;
        while (total < len) {
            int n;
            try {
                n = in.read(b, off + total, len - total);
            } catch (IOException e) {
                position += total;
                throw error(damaged + " (" + e.getMessage() + ")");
            }
            if (n < 0) {
                break;
            }
            total += n;
        }
        position += total;
        return total;
    }

    /** Reads exactly {@code len} bytes of {@code what}, or fails saying where the file ends. */
    byte[] readExactly(int len, String what) {
        byte[] b = new byte[len];
        long start = position;
        int n = read(b, 0, len);
        if (n < len) {
            throw errorAt(start, "the file ends after " + n + " of the " + len + " bytes of " + what);
        }
        return b;
    }

    /** The number of bytes left to the end of the data (read and dropped). */
    long remaining() {
        byte[] sink = new byte[1 << 16];
        long start = position;
        while (read(sink, 0, sink.length) > 0) {
            // counting only
        }
        long n = position - start;
        position = start;
        return n;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // the data is fully read by then; a failing close loses nothing
        }
    }
}
