package org.ppl4j.compiler;

import org.ppl4j.compiler.ast.Span;

/** A rejected program: what is wrong and where. The front end turns it into a positioned parse error. */
public final class CompileError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Span span;
    private final boolean incomplete;

    public CompileError(String message, Span span) {
        this(message, span, false);
    }

    public CompileError(String message, Span span, boolean incomplete) {
        super(message, null, false, false);
        this.span = span;
        this.incomplete = incomplete;
    }

    public Span span() {
        return span;
    }

    /** Whether the source merely ended too early (the REPL then reads another line). */
    public boolean incomplete() {
        return incomplete;
    }
}
