package org.ppl4j.cli;

import java.lang.reflect.RecordComponent;
import java.util.List;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.compiler.passes.Resolution;

/**
 * {@code ppl check --dump resolve}: what the resolve pass decided, in source order. Each definition says
 * where its value lives (a global, or a slot of the function's frame) and each use of a name says what it
 * refers to. Functions, models and objectives open an indented section with their frame size.
 */
public final class ResolutionPrinter {
    private final Resolution resolution;
    private final StringBuilder out = new StringBuilder();

    private ResolutionPrinter(Resolution resolution) {
        this.resolution = resolution;
    }

    public static String print(Ast.Program program, Resolution resolution) {
        ResolutionPrinter p = new ResolutionPrinter(resolution);
        p.out.append("program  (frame: ").append(slots(resolution.frameSize(program))).append(")\n");
        for (Ast.Stmt s : program.items()) {
            p.walk(s, 1);
        }
        return p.out.toString();
    }

    private void walk(Object node, int depth) {
        if (node instanceof List<?> list) {
            for (Object x : list) {
                walk(x, depth);
            }
            return;
        }
        if (!(node instanceof Record r) || node instanceof Span) {
            return;
        }
        Resolution.Binding defined = resolution.definition(node);
        if (defined != null) {
            line(depth, definitionSpan(node), definedName(node), "defines " + describe(defined)
                    + (node instanceof Ast.For ? " (loop variable)" : ""));
        }
        Resolution.Binding used = resolution.binding(node);
        if (used != null) {
            String name = node instanceof Ast.Name n ? n.name() : node instanceof Ast.Assign a ? a.name() : "?";
            Span span = node instanceof Ast.Assign a ? a.nameSpan() : node instanceof Ast.Expr e ? e.span() : null;
            line(depth, span, name, (node instanceof Ast.Assign ? "assigns " : "") + describe(used));
        }
        int inner = depth;
        if (node instanceof Ast.Decl d) {
            header(depth, d.kind().keyword + " " + d.name() + "(" + String.join(", ", d.params()) + ")", node);
            inner = depth + 1;
        } else if (node instanceof Ast.Lambda l) {
            header(depth, "fn(" + String.join(", ", l.params()) + ") at " + l.span().line() + ":" + l.span().column(),
                    node);
            inner = depth + 1;
        }
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                walk(c.getAccessor().invoke(r), inner);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
            }
        }
    }

    private void header(int depth, String what, Object function) {
        out.append("  ".repeat(depth)).append(what).append("  (frame: ").append(slots(resolution.frameSize(function)))
                .append(")\n");
    }

    private void line(int depth, Span span, String name, String what) {
        String at = span == null ? "" : span.line() + ":" + span.column();
        out.append("  ".repeat(depth)).append(String.format("%-7s %-14s %s", at, name, what).stripTrailing())
                .append('\n');
    }

    private static String describe(Resolution.Binding b) {
        if (b instanceof Resolution.Local l) {
            return "local slot " + l.slot() + (l.depth() == 0 ? ""
                    : ", " + l.depth() + (l.depth() == 1 ? " function" : " functions") + " out");
        }
        if (b instanceof Resolution.Global g) {
            return "global " + g.name();
        }
        if (b instanceof Resolution.Builtin bi) {
            return "builtin";
        }
        return String.valueOf(b);
    }

    private static String slots(int n) {
        return n + (n == 1 ? " slot" : " slots");
    }

    private static String definedName(Object node) {
        if (node instanceof Ast.Decl d) {
            return d.name();
        }
        if (node instanceof Ast.Let l) {
            return l.name();
        }
        if (node instanceof Ast.Param p) {
            return p.name();
        }
        if (node instanceof Ast.Sample s) {
            return s.binding() != null ? s.binding() : s.name();
        }
        if (node instanceof Ast.For f) {
            return f.variable();
        }
        return node.getClass().getSimpleName();
    }

    private static Span definitionSpan(Object node) {
        if (node instanceof Ast.Decl d) {
            return d.nameSpan();
        }
        if (node instanceof Ast.Let l) {
            return l.nameSpan();
        }
        if (node instanceof Ast.Param p) {
            return p.nameSpan();
        }
        if (node instanceof Ast.Sample s) {
            return s.nameSpan();
        }
        if (node instanceof Ast.For f) {
            return f.variableSpan();
        }
        return node instanceof Ast.Stmt s ? s.span() : null;
    }
}
