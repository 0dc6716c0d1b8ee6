package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.nodes.Node;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.value.Printer;

/** The slow paths of the operators: tracked values, tensors, strings, and the errors for everything else. */
public final class Arith {
    private Arith() {
    }

    /** Operators, with the verb used in error messages. */
    public enum Op {
        ADD("add"), SUB("subtract"), MUL("multiply"), DIV("divide"), MOD("take the remainder of"),
        POW("raise"), MATMUL("matrix-multiply");

        final String verb;

        Op(String verb) {
            this.verb = verb;
        }
    }

    @TruffleBoundary
    public static Object binary(Op op, Object a, Object b, Node node) {
        if (op == Op.ADD && (a instanceof String || b instanceof String)) {
            return Printer.show(a) + Printer.show(b);
        }
        if (!numeric(a) || !numeric(b)) {
            throw new PplException("cannot " + op.verb + " " + kind(a) + " and " + kind(b), node);
        }
        try {
            switch (op) {
                case ADD:
                    return AD.add(a, b);
                case SUB:
                    return AD.sub(a, b);
                case MUL:
                    return AD.mul(a, b);
                case DIV:
                    return AD.div(a, b);
                case POW:
                    return AD.pow(a, b);
                case MATMUL:
                    return AD.matmul(a, b);
                case MOD:
                    return AD.binary(a, b, (x, y) -> x - Math.floor(x / y) * y, (x, y) -> 1,
                            (x, y) -> -Math.floor(x / y));
                default:
                    throw new IllegalStateException(op.toString());
            }
        } catch (RuntimeException e) {
            throw PplException.wrap(e, node);
        }
    }

    @TruffleBoundary
    public static Object negate(Object a, Node node) {
        if (!numeric(a)) {
            throw new PplException("cannot negate " + kind(a), node);
        }
        return AD.neg(a);
    }

    /** Compares primal values: comparisons are not differentiable, so tracked numbers compare by value. */
    @TruffleBoundary
    public static int compare(Object a, Object b, Node node) {
        notBatched(a, b, "a comparison");
        Tape.observe(a);
        Tape.observe(b);
        Object x = AD.value(a);
        Object y = AD.value(b);
        if (x instanceof Double p && y instanceof Double q) {
            return Double.compare(p, q);
        }
        if (x instanceof String p && y instanceof String q) {
            return p.compareTo(q);
        }
        throw new PplException("cannot compare " + kind(a) + " with " + kind(b), node);
    }

    @TruffleBoundary
    public static boolean equal(Object a, Object b) {
        notBatched(a, b, "a test of equality");
        Tape.observe(a);
        Tape.observe(b);
        Object x = AD.value(a);
        Object y = AD.value(b);
        return x.equals(y);
    }

    /** A number, a tensor, or the values of a vectorised body ({@link Batched}), which AD's operations batch. */
    private static boolean numeric(Object v) {
        return AD.isNumeric(v) || v instanceof Batched;
    }

    /** A vectorised body's values cannot decide one boolean: the body runs as a loop instead. */
    static void notBatched(Object a, Object b, String what) {
        if (a instanceof Batched || b instanceof Batched) {
            throw new NotBatchable(what + " of values that differ per iteration");
        }
    }

    /** "a number", "a string", "a list", ... for messages. */
    public static String kind(Object v) {
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return Printer.kind(v);
    }
}
