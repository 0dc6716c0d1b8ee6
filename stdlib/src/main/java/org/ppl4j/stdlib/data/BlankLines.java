package org.ppl4j.stdlib.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.util.BitSet;

/**
 * Notes which lines of a text hold only spaces and tabs, as the text streams to the CSV parser. The parser
 * gives such a line as a record of one empty cell, exactly as it gives a quoted empty cell ({@code ""}); only the
 * first is a blank line to skip, the second is a missing value to report. Line breaks are counted as the parser
 * counts them: {@code \n}, {@code \r} and {@code \r\n}.
 */
final class BlankLines extends FilterReader {
    private final BitSet blank = new BitSet();
    private int line = 1;
    private boolean onlySpaces = true;
    private boolean afterCarriageReturn;

    BlankLines(Reader in) {
        super(in);
    }

    /** Whether line {@code n} (1-based), already read by the parser, held only spaces and tabs. */
    boolean isBlank(long n) {
        return n <= Integer.MAX_VALUE && (blank.get((int) n) || (n == line && onlySpaces));
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            see((char) c);
        }
        return c;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = 0; i < n; i++) {
            see(buf[off + i]);
        }
        return n;
    }

    private void see(char c) {
        if (c == '\n' && afterCarriageReturn) {
            afterCarriageReturn = false; // the second half of \r\n
            return;
        }
        afterCarriageReturn = c == '\r';
        if (c == '\n' || c == '\r') {
            if (onlySpaces) {
                blank.set(line);
            }
            line++;
            onlySpaces = true;
        } else if (c != ' ' && c != '\t') {
            onlySpaces = false;
        }
    }
}
