package org.ppl4j.stdlib.data;

/** Recognises the first bytes of the other formats, so that a file given to the wrong loader says what it is. */
final class Formats {
    private Formats() {
    }

    /** A hint such as {@code " (this looks like a NumPy .npy file: use load_npy)"}, or "". */
    static String guess(byte[] start) {
        if (start.length >= 2 && (start[0] & 0xff) == 0x93 && start[1] == 'N') {
            return " (this looks like a NumPy .npy file: use load_npy)";
        }
        if (start.length >= 2 && start[0] == 'P' && start[1] == 'K') {
            return " (this looks like a zip archive, such as a NumPy .npz file: use load_npz)";
        }
        if (start.length >= 2 && start[0] == 0 && start[1] == 0) {
            return " (this looks like an IDX file: use load_idx)";
        }
        boolean text = start.length > 0;
        for (byte b : start) {
            text &= b == '\t' || b == '\n' || b == '\r' || (b >= 0x20 && b < 0x7f);
        }
        return text ? " (this looks like text, such as a CSV file: use load_csv)" : "";
    }
}
