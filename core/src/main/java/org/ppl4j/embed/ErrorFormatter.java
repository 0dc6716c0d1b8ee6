package org.ppl4j.embed;

import org.graalvm.polyglot.SourceSection;

/**
 * {@code file:line:col: error: message}, the offending line, and a caret under the spot: how {@code ppl} and
 * {@link PplException#getMessage()} show an error.
 *
 * <pre>{@code
 * String shown = ErrorFormatter.format("bad.ppl", "let x = nromal(0, 1)", 8, 6, "unknown name 'nromal'");
 * // bad.ppl:1:9: error: unknown name 'nromal'
 * //   let x = nromal(0, 1)
 * //           ^~~~~~
 * }</pre>
 */
public final class ErrorFormatter {
    private ErrorFormatter() {
    }

    public static String format(String file, int line, int column, int length, String lineText, String message) {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(':').append(line).append(':').append(column).append(": error: ").append(message);
        if (lineText != null) {
            String text = lineText.replace('\t', ' ');
            sb.append('\n').append("  ").append(text).append('\n').append("  ");
            sb.append(" ".repeat(Math.max(0, column - 1))).append('^');
            int tildes = Math.min(length, Math.max(0, text.length() - column + 1)) - 1;
            if (tildes > 0) {
                sb.append("~".repeat(tildes));
            }
        }
        return sb.toString();
    }

    /** The same, for a spot given as a character offset into {@code text}. */
    public static String format(String file, String text, int offset, int length, String message) {
        int start = Math.max(0, Math.min(offset, text.length()));
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < start; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int lineEnd = text.indexOf('\n', lineStart);
        String lineText = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
        return format(file, line, start - lineStart + 1, Math.max(1, length), lineText, message);
    }

    public static String format(SourceSection section, String fallbackFile, String message) {
        if (section == null || !section.isAvailable()) {
            return fallbackFile + ": error: " + message;
        }
        int line = section.getStartLine();
        String lineText = line <= section.getSource().getLineCount()
                ? section.getSource().getCharacters(line).toString() : null;
        int length = section.getStartLine() == section.getEndLine() ? Math.max(1, section.getCharLength())
                : Math.max(1, lineText == null ? 1 : lineText.length() - section.getStartColumn() + 1);
        String file = section.getSource().getPath() != null ? fallbackFile.equals(section.getSource().getName())
                ? fallbackFile : displayName(section, fallbackFile) : section.getSource().getName();
        return format(file, line, section.getStartColumn(), length, lineText, message);
    }

    private static String displayName(SourceSection section, String fallbackFile) {
        String path = section.getSource().getPath();
        return path.endsWith(fallbackFile) ? fallbackFile : path;
    }
}
