package org.ppl4j.compiler.ast;

/** Where a piece of syntax is: 1-based line and column, and the character range in the source. */
public record Span(int line, int column, int offset, int length) {
    public static final Span NONE = new Span(1, 1, 0, 0);

    public Span to(Span end) {
        return new Span(line, column, offset, Math.max(length, end.offset + end.length - offset));
    }
}
