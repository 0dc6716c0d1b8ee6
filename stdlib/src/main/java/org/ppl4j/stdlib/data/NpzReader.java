package org.ppl4j.stdlib.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.ppl4j.runtime.value.PplRecord;

/**
 * NumPy's {@code .npz} archives ({@code np.savez}, {@code np.savez_compressed}): a zip file with one
 * {@code NAME.npy} member per array, read as a record {@code {NAME: tensor, ...}} in the archive's order.
 */
public final class NpzReader {
    private NpzReader() {
    }

    public static PplRecord read(DataPath where, InputStream raw) {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        byte[] start = new byte[4];
        int n;
        try {
            buffered.mark(4);
            n = buffered.readNBytes(start, 0, 4);
            buffered.reset();
        } catch (IOException e) {
            throw where.error("the file cannot be read (" + e.getMessage() + ")");
        }
        if (n == 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 5 && start[3] == 6) {
            throw where.error("the archive holds no arrays");
        }
        if (n < 4 || start[0] != 'P' || start[1] != 'K' || start[2] != 3 || start[3] != 4) {
            throw where.atByte(0, false, "not an .npz file: expected a zip archive starting with 50 4b 03 04 (PK..), found "
                    + IdxReader.hex(java.util.Arrays.copyOf(start, n)) + Formats.guess(java.util.Arrays.copyOf(start, n)));
        }
        Map<String, Object> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(buffered)) {
            ZipEntry entry;
            while ((entry = nextEntry(where, zip)) != null) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (!name.endsWith(".npy")) {
                    throw where.member(name).error("the archive member '" + name + "' is not a .npy array; an .npz file "
                            + "holds only NAME.npy members");
                }
                String key = name.substring(0, name.length() - 4);
                DataPath member = where.member(key);
                if (arrays.containsKey(key)) {
                    throw member.error("the archive holds two arrays named '" + key + "'");
                }
                arrays.put(key, NpyReader.read(ByteReader.zipMember(member, zip)));
            }
        } catch (IOException e) {
            throw where.error("the zip archive is damaged (" + e.getMessage() + ")");
        }
        if (arrays.isEmpty()) {
            throw where.error("the archive holds no arrays");
        }
        return new PplRecord("record", arrays);
    }

    private static ZipEntry nextEntry(DataPath where, ZipInputStream zip) {
        try {
            return zip.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw where.error("the zip archive is damaged (" + e.getMessage() + ")");
        }
    }
}
