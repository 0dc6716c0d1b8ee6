package org.ppl4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ppl4j.embed.ErrorFormatter;

/** Reads a program file as UTF-8; bytes that are not UTF-8 are an error at their line and column. */
final class ProgramText {
    private ProgramText() {
    }

    /** A program file that is not valid UTF-8, with the position of the first bad byte. */
    static final class NotUtf8 extends IOException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;
        private final String lineText;
        private final int badByte;

        NotUtf8(int line, int column, String lineText, int badByte) {
            super("not valid UTF-8");
            this.line = line;
            this.column = column;
            this.lineText = lineText;
            this.badByte = badByte;
        }

        /** {@code file:line:col: error: ...}, the line (the bad bytes shown as U+FFFD) and a caret. */
        String format(String file) {
            return ErrorFormatter.format(file, line, column, 1, lineText, String.format("the file is not valid UTF-8: "
                    + "the byte 0x%02X here does not belong to a UTF-8 character (save the file as UTF-8)", badByte));
        }
    }

    /**
     * The text of {@code file}.
     *
     * @throws NotUtf8 when a byte sequence is not UTF-8 (lines counted at {@code \n}, columns in characters)
     * @throws IOException when the file cannot be read
     */
    static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            out.flip();
            String before = out.toString();
            int lineStart = before.lastIndexOf('\n') + 1;
            int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
            int column = before.length() - lineStart + 1;
            int bad = in.position();
            int end = bad;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            String rest = new String(bytes, bad, end - bad, StandardCharsets.UTF_8); // bad bytes become U+FFFD
            String lineText = before.substring(lineStart) + rest;
            throw new NotUtf8(line, column, lineText.endsWith("\r") ? lineText.substring(0, lineText.length() - 1)
                    : lineText, bytes[bad] & 0xff);
        }
        out.flip();
        return out.toString();
    }
}
