package org.ppl4j.compiler.ast;

import java.util.List;

/** The abstract syntax of ppl4j: immutable records, each with its source span. */
public final class Ast {
    private Ast() {
    }

    public record Program(List<Stmt> items, Span span) {
    }

    /** What a declaration declares. */
    public enum DeclKind {
        MODEL("model"), OBJECTIVE("objective"), FN("fn");

        public final String keyword;

        DeclKind(String keyword) {
            this.keyword = keyword;
        }
    }

    // ---------------------------------------------------------------- statements

    public sealed interface Stmt permits Decl, Let, Param, Sample, Track, For, If, Local, Return, Assign, ExprStmt {
        Span span();
    }

    public record Decl(DeclKind kind, String name, Span nameSpan, List<String> params, List<Span> paramSpans,
            Block body, Span span) implements Stmt {
    }

    public record Block(List<Stmt> statements, Span span) {
    }

    public record Let(String name, Span nameSpan, Expr value, Span span) implements Stmt {
    }

    public record Param(String name, Span nameSpan, Expr init, String constraint, Span constraintSpan, Span span)
            implements Stmt {
    }

    /**
     * {@code name[i]... ~ dist by strategy}, or {@code let v = name[i] ~ dist} ({@code binding} "v"); the
     * strategy is null when not annotated, the binding null when the value is not bound to another name.
     */
    public record Sample(String name, Span nameSpan, List<Expr> indices, Expr distribution, StrategySpec strategy,
            String binding, Span span) implements Stmt {
    }

    /**
     * {@code track name[i]... = value}: a derived quantity of a model (Pyro's {@code deterministic}, Stan's generated
     * quantities), recorded at its address beside the random choices but never scored; {@code track name = value}
     * also binds {@code name}.
     */
    public record Track(String name, Span nameSpan, List<Expr> indices, Expr value, Span span) implements Stmt {
    }

    /** {@code by name(options)} as written. */
    public record StrategySpec(String name, List<Arg> options, Span span) {
    }

    /** {@code for i in from..to { }}, or {@code for x in from { }} over a list or a tensor's first axis ({@code to} null). */
    public record For(String variable, Span variableSpan, Expr from, Expr to, Block body, Span span)
            implements Stmt {
    }

    /** {@code elseBlock} is null when absent; an else-if is an else block holding one If. */
    /** {@code local { ... }}: choices of the current minibatch's data points (scaled by N / B in a minibatch fit). */
    public record Local(Block body, int axes, Span span) implements Stmt {
        /** A plain {@code local}: one independent axis, the data axis. */
        public Local(Block body, Span span) {
            this(body, 1, span);
        }

    }

    public record If(Expr condition, Block thenBlock, Block elseBlock, Span span) implements Stmt {
    }

    public record Return(Expr value, Span span) implements Stmt {
    }

    public record Assign(String name, Span nameSpan, Expr value, Span span) implements Stmt {
    }

    public record ExprStmt(Expr expr, Span span) implements Stmt {
    }

    // ---------------------------------------------------------------- expressions

    public sealed interface Expr permits Num, Str, Bool, Name, ListLit, ChoicesLit, RecordLit, Lambda, Unary, Binary, Call, Slice,
            Index, Member {
        Span span();
    }

    public record Num(double value, Span span) implements Expr {
    }

    public record Str(String value, Span span) implements Expr {
    }

    public record Bool(boolean value, Span span) implements Expr {
    }

    public record Name(String name, Span span) implements Expr {
    }

    public record ListLit(List<Expr> elements, Span span) implements Expr {
    }

    public record ChoicesLit(List<String> keys, List<Span> keySpans, List<Expr> values, Span span) implements Expr {
    }

    /** {@code { key: value, ... }}: a record; as fit's {@code estimators:} its values are strategies. */
    public record RecordLit(List<String> keys, List<Span> keySpans, List<Expr> values, Span span) implements Expr {
    }

    public record Lambda(List<String> params, List<Span> paramSpans, Block body, Span span) implements Expr {
    }

    public record Unary(String op, Expr operand, Span span) implements Expr {
    }

    public record Binary(String op, Expr left, Expr right, Span span) implements Expr {
    }

    /** An argument, named ({@code steps: 100}) or positional ({@code name} null). */
    public record Arg(String name, Span nameSpan, Expr value) {
    }

    public record Call(Expr callee, List<Arg> args, Span span) implements Expr {
    }

    public record Index(Expr target, Expr index, Span span) implements Expr {
    }

    public record Member(Expr target, String name, Span span) implements Expr {
    }

    /**
     * {@code x[i, a:b, :, ::2]}: one subscript per leading axis, each a point (which drops the axis) or a range
     * whose bounds may be omitted. A single point subscript is an {@link Index} instead.
     */
    public record Slice(Expr target, List<Subscript> subscripts, Span span) implements Expr {
    }

    /** A point ({@code point} set) or a range ({@code lo:hi:step}, any of them null when omitted). */
    public record Subscript(Expr point, Expr lo, Expr hi, Expr step) {
        public List<Expr> parts() {
            List<Expr> r = new java.util.ArrayList<>();
            for (Expr e : new Expr[] {point, lo, hi, step}) {
                if (e != null) {
                    r.add(e);
                }
            }
            return r;
        }
    }
}
