package org.ppl4j.cli;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.runtime.value.Printer;

/**
 * {@code ppl check --dump ast}: the AST records as an indented tree, one node a line, each with its
 * {@code line:col}. Plain fields (names, numbers, operators) stay on the node's line; child nodes go below
 * it, labelled with their field when a node has several kinds of children.
 *
 * <p>The walk reads the records' components, so a node kind added to {@link Ast} is printed without
 * changes here.
 */
public final class AstPrinter {
    private final StringBuilder out = new StringBuilder();

    private AstPrinter() {
    }

    public static String print(Ast.Program program) {
        return printNode(program);
    }

    /** The tree under any AST record: a declaration, a statement, an expression. */
    public static String printNode(Record node) {
        AstPrinter p = new AstPrinter();
        p.node(node, null, 0);
        return p.out.toString();
    }

    private void node(Object node, String label, int depth) {
        indent(depth);
        if (label != null) {
            out.append(label).append(": ");
        }
        if (!(node instanceof Record r)) {
            out.append(scalar(node)).append('\n');
            return;
        }
        out.append(r.getClass().getSimpleName());
        List<RecordComponent> children = new ArrayList<>();
        Span span = null;
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = value(c, r);
            if (v == null || !c.getName().equals("span") && (c.getName().endsWith("Span")
                    || c.getName().endsWith("Spans"))) {
                continue;
            }
            if (v instanceof Span s) {
                span = s;
            } else if (holdsNodes(c)) {
                children.add(c);
            } else {
                out.append(' ').append(c.getName()).append('=').append(scalar(v));
            }
        }
        if (span != null) {
            out.append("  @").append(span.line()).append(':').append(span.column());
        }
        out.append('\n');
        boolean labelled = children.size() > 1;
        for (RecordComponent c : children) {
            Object v = value(c, r);
            if (v instanceof List<?> list) {
                if (list.isEmpty()) {
                    continue;
                }
                if (labelled) {
                    indent(depth + 1);
                    out.append(c.getName()).append(":\n");
                }
                for (Object x : list) {
                    node(x, null, depth + (labelled ? 2 : 1));
                }
            } else {
                node(v, labelled ? c.getName() : null, depth + 1);
            }
        }
    }

    /** A component declared as a node or a list of nodes is printed below; the rest inline. */
    private static boolean holdsNodes(RecordComponent c) {
        Type t = c.getGenericType();
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            t = p.getActualTypeArguments()[0];
        }
        return t instanceof Class<?> k && k != Span.class && (k.isRecord() || k.isInterface() && k.isSealed());
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
        }
    }

    private static String scalar(Object v) {
        if (v instanceof Double d) {
            return Printer.number(d);
        }
        if (v instanceof String s) {
            return quoteIfNeeded(s);
        }
        if (v instanceof Ast.DeclKind k) {
            return k.keyword;
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object x : l) {
                if (!(x instanceof Span)) {
                    parts.add(scalar(x));
                }
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    private static String quoteIfNeeded(String s) {
        return s.matches("[A-Za-z_][A-Za-z_0-9]*|[-+*/%^@<>=!&|.]+") ? s : '"' + s.replace("\"", "\\\"") + '"';
    }

    private void indent(int depth) {
        out.append("  ".repeat(depth));
    }
}
