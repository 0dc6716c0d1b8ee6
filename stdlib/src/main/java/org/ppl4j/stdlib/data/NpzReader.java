package org.ppl4j.stdlib.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.ppl4j.runtime.value.PplRecord;

/**
 * NumPy's {@code .npz} archives ({@code np.savez}, {@code np.savez_compressed}): a zip file with one
 * {@code NAME.npy} member per array, read as a record {@code {NAME: tensor, ...}} in the archive's order.
 *
 * <p>The archive is read front to back in one pass (the file may be a pipe), and nothing is believed until the
 * end: each member's data must be as long as its header or data descriptor says and match its CRC-32, and the
 * central directory at the end must list exactly the members read, at the offsets they were read from. So a
 * truncated or damaged archive is an error naming the file, the member and the byte offset, never a record with
 * arrays silently missing. Stored and deflated members, data descriptors and ZIP64 sizes are understood.
 */
public final class NpzReader {
    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int DESCRIPTOR = 0x08074b50;
    private static final long UNKNOWN = 0xffffffffL;

    private NpzReader() {
    }

    /** A member as its local header and data gave it. */
    private record Member(String name, long offset) {
    }

    public static PplRecord read(DataPath where, InputStream raw) {
        Archive in = new Archive(where, new BufferedInputStream(raw, 1 << 16));
        Map<String, Object> arrays = new LinkedHashMap<>();
        List<Member> members = new ArrayList<>();
        try {
            int signature = in.signature("the archive ends before its first entry (an empty file?)");
            if (signature == END) {
                throw where.error("the archive holds no arrays");
            }
            if (signature != LOCAL) {
                byte[] start = in.first();
                throw where.atByte(0, false, "not an .npz file: expected a zip archive starting with 50 4b 03 04 "
                        + "(PK..), found " + IdxReader.hex(start) + Formats.guess(start));
            }
            while (signature == LOCAL) {
                long offset = in.position - 4;
                String name = readMember(where, in, offset, arrays);
                members.add(new Member(name, offset));
                signature = in.signature("the archive is cut off at byte " + in.position + ", after the entry '" + name
                        + "' (truncated): its central directory is missing");
            }
            checkCentralDirectory(where, in, signature, members);
        } catch (EOFException e) {
            throw where.error(e.getMessage());
        } catch (IOException e) {
            throw where.error("the file cannot be read (" + e.getMessage() + ")");
        }
        if (arrays.isEmpty()) {
            throw where.error("the archive holds no arrays");
        }
        return new PplRecord("record", arrays);
    }

    /** Reads one member after its signature: header, array, data descriptor; returns its name. */
    private static String readMember(DataPath where, Archive in, long offset, Map<String, Object> arrays)
            throws IOException {
        String cut = "the entry header at byte " + offset + " is cut off at byte %d (truncated)";
        in.skip(2, cut); // version needed
        int flags = in.u16(cut);
        int method = in.u16(cut);
        in.skip(4, cut); // time, date
        long crc = in.u32(cut);
        long compressed = in.u32(cut);
        long size = in.u32(cut);
        int nameLength = in.u16(cut);
        int extraLength = in.u16(cut);
        String name = new String(in.bytes(nameLength, cut), java.nio.charset.StandardCharsets.UTF_8);
        byte[] extra = in.bytes(extraLength, cut);
        long[] zip64 = zip64(extra, size == UNKNOWN, compressed == UNKNOWN);
        size = zip64[0] >= 0 ? zip64[0] : size;
        compressed = zip64[1] >= 0 ? zip64[1] : compressed;
        boolean described = (flags & 8) != 0;
        String entry = "the entry '" + name + "' (at byte " + offset + ")";
        if (!name.endsWith(".npy") && !name.endsWith("/")) {
            throw where.member(name).error("the archive member '" + name + "' is not a .npy array; an .npz file "
                    + "holds only NAME.npy members");
        }
        if ((flags & 1) != 0) {
            throw where.error(entry + " is encrypted");
        }
        if (method != 0 && method != 8) {
            throw where.error(entry + " uses compression method " + method + "; .npz files are stored (0) or deflated (8)");
        }
        if (described && method == 0) {
            throw where.error(entry + " is stored with its size after the data, which cannot be read front to back");
        }
        long dataStart = in.position;
        MemberData data = new MemberData(in, method == 8, described ? -1 : compressed, entry);
        Object array = null;
        String key = name.substring(0, Math.max(0, name.length() - 4));
        DataPath member = where.member(key);
        if (!name.endsWith("/")) {
            if (arrays.containsKey(key)) {
                throw member.error("the archive holds two arrays named '" + key + "'");
            }
            array = NpyReader.read(ByteReader.zipMember(member, data));
        }
        data.drain();
        if (described) {
            String descriptorCut = entry + ": its data descriptor is cut off at byte %d (truncated)";
            long first = in.u32(descriptorCut);
            crc = first == (DESCRIPTOR & UNKNOWN) ? in.u32(descriptorCut) : first;
            boolean wide = zip64[0] >= 0 || zip64[1] >= 0;
            compressed = wide ? in.u64(descriptorCut) : in.u32(descriptorCut);
            size = wide ? in.u64(descriptorCut) : in.u32(descriptorCut);
        }
        if (data.compressedRead != compressed || data.written != size) {
            throw where.error(entry + " is damaged: its header says " + compressed + " bytes (" + size
                    + " uncompressed), the data from byte " + dataStart + " holds " + data.compressedRead + " ("
                    + data.written + ")");
        }
        if (data.crc.getValue() != crc) {
            throw where.error(entry + " is damaged: the CRC-32 of its data is " + Long.toHexString(data.crc.getValue())
                    + ", the archive says " + Long.toHexString(crc));
        }
        if (array != null) {
            arrays.put(key, array);
        }
        return name;
    }

    /** The ZIP64 extra field's sizes: {uncompressed, compressed}, -1 where the field does not give one. */
    private static long[] zip64(byte[] extra, boolean hasSize, boolean hasCompressed) {
        long[] r = {-1, -1};
        for (int i = 0; i + 4 <= extra.length;) {
            int id = (extra[i] & 0xff) | (extra[i + 1] & 0xff) << 8;
            int length = (extra[i + 2] & 0xff) | (extra[i + 3] & 0xff) << 8;
            if (id == 1) {
                int at = i + 4;
                if (hasSize && at + 8 <= extra.length) {
                    r[0] = le(extra, at, 8);
                    at += 8;
                }
                if (hasCompressed && at + 8 <= extra.length) {
                    r[1] = le(extra, at, 8);
                }
            }
            i += 4 + length;
        }
        return r;
    }

    private static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = v << 8 | (b[at + k] & 0xff);
        }
        return v;
    }

    /**
     * The central directory must list the members read, in the same order and at the same offsets, and end with
     * the end record; any difference means the archive was cut or damaged.
     */
    private static void checkCentralDirectory(DataPath where, Archive in, int signature, List<Member> members)
            throws IOException {
        int index = 0;
        while (signature == CENTRAL) {
            long at = in.position - 4;
            String cut = "the central directory entry at byte " + at + " is cut off at byte %d (truncated)";
            in.skip(12, cut);
            in.skip(4, cut); // crc
            long compressed = in.u32(cut);
            long size = in.u32(cut);
            int nameLength = in.u16(cut);
            int extraLength = in.u16(cut);
            int commentLength = in.u16(cut);
            in.skip(8, cut); // disk, attributes
            long offset = in.u32(cut);
            String name = new String(in.bytes(nameLength, cut), java.nio.charset.StandardCharsets.UTF_8);
            byte[] extra = in.bytes(extraLength, cut);
            in.bytes(commentLength, cut);
            if (offset == UNKNOWN) {
                offset = zip64Offset(extra, size == UNKNOWN, compressed == UNKNOWN);
            }
            if (index >= members.size()) {
                throw where.error("the central directory (entry at byte " + at + ") lists '" + name + "' at byte "
                        + offset + ", which the archive does not hold there (damaged)");
            }
            Member m = members.get(index);
            if (!m.name().equals(name) || m.offset() != offset) {
                throw where.error("the central directory (entry at byte " + at + ") lists '" + name + "' at byte "
                        + offset + ", but the archive holds '" + m.name() + "' at byte " + m.offset() + " (damaged)");
            }
            index++;
            signature = in.signature("the central directory is cut off at byte " + in.position
                    + " (truncated): it has no end record");
        }
        if (signature == ZIP64_END) {
            long at = in.position - 4;
            String cut = "the ZIP64 end record at byte " + at + " is cut off at byte %d (truncated)";
            in.skip(in.u64(cut), cut);
            signature = in.signature("the archive is cut off at byte " + in.position + " (truncated): its end record is "
                    + "missing");
            if (signature == ZIP64_LOCATOR) {
                in.skip(16, cut);
                signature = in.signature("the archive is cut off at byte " + in.position + " (truncated): its end "
                        + "record is missing");
            }
        }
        if (signature != END) {
            throw where.error("the archive is damaged at byte " + (in.position - 4) + ": expected "
                    + (index == 0 ? "an entry or the central directory" : "a central directory entry or the end record")
                    + ", found " + String.format("%08x", signature));
        }
        if (index < members.size()) {
            Member m = members.get(index);
            throw where.error("the central directory does not list the entry '" + m.name() + "' at byte " + m.offset()
                    + " (damaged)");
        }
        String cut = "the end record is cut off at byte %d (truncated)";
        in.skip(16, cut);
        in.bytes(in.u16(cut), cut); // the comment
    }

    private static long zip64Offset(byte[] extra, boolean hasSize, boolean hasCompressed) {
        for (int i = 0; i + 4 <= extra.length;) {
            int id = (extra[i] & 0xff) | (extra[i + 1] & 0xff) << 8;
            int length = (extra[i + 2] & 0xff) | (extra[i + 3] & 0xff) << 8;
            if (id == 1) {
                int at = i + 4 + (hasSize ? 8 : 0) + (hasCompressed ? 8 : 0);
                if (at + 8 <= extra.length) {
                    return le(extra, at, 8);
                }
            }
            i += 4 + length;
        }
        return -1;
    }

    /** The archive's bytes with the offset of the next one. */
    private static final class Archive {
        final DataPath where;
        final InputStream in;
        long position;
        private byte[] first;

        Archive(DataPath where, InputStream in) {
            this.where = where;
            this.in = in;
        }

        byte[] first() {
            return first;
        }

        /** The next four bytes as a signature; at the end of the file an error saying {@code atEnd}. */
        int signature(String atEnd) throws IOException {
            byte[] b = in.readNBytes(4);
            if (position == 0) {
                first = b;
            }
            position += b.length;
            if (b.length == 0 || (position <= 4 && b.length < 4)) {
                if (position <= 4 && b.length > 0) {
                    return 0; // a file of 1 to 3 bytes: not an archive
                }
                throw new EOFException(atEnd);
            }
            if (b.length < 4) {
                throw new EOFException(atEnd);
            }
            return (int) le(b, 0, 4);
        }

        byte[] bytes(int n, String cut) throws IOException {
            byte[] b = in.readNBytes(n);
            position += b.length;
            if (b.length < n) {
                throw new EOFException(String.format(cut, position));
            }
            return b;
        }

        void skip(long n, String cut) throws IOException {
            long skipped = 0;
            while (skipped < n) {
                int chunk = (int) Math.min(n - skipped, 1 << 16);
                skipped += bytes(chunk, cut).length;
            }
        }

        int u16(String cut) throws IOException {
            return (int) le(bytes(2, cut), 0, 2);
        }

        long u32(String cut) throws IOException {
            return le(bytes(4, cut), 0, 4);
        }

        long u64(String cut) throws IOException {
            return le(bytes(8, cut), 0, 8);
        }
    }

    /**
     * One member's data, decompressed, as a stream: {@code length} compressed bytes (-1: up to the end of the
     * deflate stream). Counts what it reads and writes and the CRC-32 of what it writes; a cut is an error naming
     * the entry and the offset.
     */
    private static final class MemberData extends InputStream {
        private final Archive archive;
        private final Inflater inflater;
        private final long length;
        private final String entry;
        private final byte[] input = new byte[1 << 16];
        final CRC32 crc = new CRC32();
        long compressedRead;
        long written;

        MemberData(Archive archive, boolean deflated, long length, String entry) {
            this.archive = archive;
            this.inflater = deflated ? new Inflater(true) : null;
            this.length = length;
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = inflater == null ? readStored(b, off, len) : readDeflated(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                written += n;
            }
            return n;
        }

        private int readStored(byte[] b, int off, int len) throws IOException {
            long left = length - compressedRead;
            if (left <= 0) {
                return -1;
            }
            int n = archive.in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw cut();
            }
            compressedRead += n;
            archive.position += n;
            return n;
        }

        private int readDeflated(byte[] b, int off, int len) throws IOException {
            while (true) {
                settle();
                if (inflater.finished()) {
                    return -1;
                }
                int n;
                try {
                    n = inflater.inflate(b, off, len);
                } catch (DataFormatException e) {
                    throw new EOFException(entry + " is damaged: its compressed data is not valid deflate data near "
                            + "byte " + archive.position + " (" + e.getMessage() + ")");
                }
                if (n > 0) {
                    return n;
                }
                if (inflater.finished()) {
                    continue;
                }
                if (inflater.needsDictionary() || !inflater.needsInput()) {
                    throw new EOFException(entry + " is damaged: its compressed data cannot be inflated");
                }
                settle();
                int want = input.length;
                if (length >= 0) {
                    long left = length - compressedRead;
                    if (left <= 0) {
                        throw cut();
                    }
                    want = (int) Math.min(want, left);
                }
                // where a data descriptor follows, the data's length is known only when the inflater finishes:
                // it is lent the bytes ahead, and the archive moves on by what it used (settle)
                archive.in.mark(want);
                int got = archive.in.read(input, 0, want);
                if (got < 0) {
                    throw cut();
                }
                archive.in.reset();
                inflater.setInput(input, 0, got);
                pending = got;
            }
        }

        private int pending; // bytes lent to the inflater and not yet moved past in the archive

        /** Moves the archive past the bytes the inflater has used. */
        private void settle() throws IOException {
            int used = pending - inflater.getRemaining();
            if (used > 0) {
                archive.in.skipNBytes(used);
                archive.position += used;
                compressedRead += used;
                pending -= used;
            }
        }

        /** Reads to the end of the member's data, so the archive stands at what follows it. */
        void drain() throws IOException {
            byte[] sink = new byte[1 << 16];
            while (read(sink, 0, sink.length) >= 0) {
                // counted and checksummed by read
            }
            if (inflater != null) {
                settle();
                inflater.end();
            }
        }

        private EOFException cut() {
            return new EOFException(entry + " is cut off at byte " + archive.position + " (truncated): "
                    + (length >= 0 ? "its data should run to byte " + (archive.position - compressedRead + length)
                            : "its compressed data does not end"));
        }

        @Override
        public void close() {
            // the archive stays open for its next member
        }
    }
}
