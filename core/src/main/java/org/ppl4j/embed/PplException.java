package org.ppl4j.embed;

/**
 * A ppl4j program failed to compile or to run. {@link #getMessage()} is the message as the {@code ppl}
 * command shows it: {@code file:line:col: error: message}, the source line and a caret under the spot.
 *
 * <pre>{@code
 * try (PplProgram program = Ppl.compile("let x = nromal(0, 1)", "bad.ppl")) {
 *     program.run();
 * } catch (PplException e) {
 *     System.err.println(e.getMessage()); // bad.ppl:1:9: error: unknown name 'nromal'; did you mean 'normal'? ...
 *     int line = e.line();                // 1
 * }
 * }</pre>
 */
public final class PplException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Whether the program was rejected before it ran, failed while running, or was stopped by
     * {@link PplProgram#cancel()}.
     */
    public enum Kind {
        COMPILE, RUNTIME, CANCELLED
    }

    private final Kind kind;
    private final String file;
    private final int line;
    private final int column;
    private final String reason;

    PplException(Kind kind, String file, int line, int column, String reason, String formatted, Throwable cause) {
        super(formatted, cause);
        this.kind = kind;
        this.file = file;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** Compile error, runtime error or cancelled fit. */
    public Kind kind() {
        return kind;
    }

    /** The source's name, as given to {@link Ppl#compile(String, String)} or the file's path. */
    public String file() {
        return file;
    }

    /** The 1-based line of the error, or 0 when it has no position. */
    public int line() {
        return line;
    }

    /** The 1-based column of the error, or 0 when it has no position. */
    public int column() {
        return column;
    }

    /** The error alone, without position or source line. */
    public String reason() {
        return reason;
    }
}
