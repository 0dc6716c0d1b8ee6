package org.ppl4j.stdlib.data;

/**
 * A data file as the user named it, and the builtin reading it: every error a reader raises names both,
 * then the position and what was expected there, so that a user can open the file at the right place.
 *
 * @param builtin the builtin reading the file, {@code load_idx}
 * @param path the path as written in the program
 * @param member the array inside an archive ({@code x.npy} of an {@code .npz}), or {@code null}
 */
public record DataPath(String builtin, String path, String member) {
    public DataPath(String builtin, String path) {
        this(builtin, path, null);
    }

    /** The same file seen as one member of an archive. */
    public DataPath member(String name) {
        return new DataPath(builtin, path, name);
    }

    /** An error about the file as a whole. */
    public IllegalArgumentException error(String message) {
        return new IllegalArgumentException(builtin + ": " + path + (member == null ? "" : ", array '" + member + "'")
                + ": " + message);
    }

    /** An error at a byte offset; {@code decompressed} says that the offset counts bytes after gunzip. */
    public IllegalArgumentException atByte(long offset, boolean decompressed, String message) {
        return error("at byte " + offset + (decompressed ? " of the decompressed data" : "") + ": " + message);
    }

    /** An error in a line of a text file; {@code column} is 1-based, 0 for the whole line. */
    public IllegalArgumentException atLine(long line, int column, String columnName, String message) {
        String where = builtin + ": " + path + ":" + line + ": ";
        if (column > 0) {
            where += "column " + column + (columnName == null || columnName.isEmpty() ? "" : " (" + columnName + ")")
                    + ": ";
        }
        return new IllegalArgumentException(where + message);
    }
}
