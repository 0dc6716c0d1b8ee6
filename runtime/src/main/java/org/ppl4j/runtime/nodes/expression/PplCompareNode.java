package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeField;
import com.oracle.truffle.api.dsl.Specialization;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.error.PplException;

/** {@code <, <=, >, >=} on numbers (by value) and strings. */
@NodeField(name = "kind", type = PplCompareNode.Kind.class)
public abstract class PplCompareNode extends PplBinaryNode {
    /** The comparison, as a test on the sign of compare(a, b). */
    public enum Kind {
        LT, LE, GT, GE;

        boolean test(int c) {
            switch (this) {
                case LT:
                    return c < 0;
                case LE:
                    return c <= 0;
                case GT:
                    return c > 0;
                default:
                    return c >= 0;
            }
        }
    }

    protected abstract Kind getKind();

    /** Fast path: plain numbers. */
    @Specialization
    protected boolean doDouble(double a, double b) {
        switch (getKind()) {
            case LT:
                return a < b;
            case LE:
                return a <= b;
            case GT:
                return a > b;
            default:
                return a >= b;
        }
    }

    /** Tensors compare elementwise (1 where true, 0 where false, broadcast); anything else as one value. */
    @Fallback
    protected Object doGeneric(Object a, Object b) {
        if (AD.isTensor(a) || AD.isTensor(b)) {
            return elementwise(a, b);
        }
        return getKind().test(Arith.compare(a, b, this));
    }

    @TruffleBoundary
    private Object elementwise(Object a, Object b) {
        if (!AD.isNumeric(a) || !AD.isNumeric(b)) {
            throw new PplException("cannot compare " + Arith.kind(a) + " with " + Arith.kind(b), this);
        }
        Kind kind = getKind();
        try {
            // NaN compares false, and -0 equals 0, as with numbers
            return AD.compare(a, b, Tensor.Cmp.valueOf(kind.name()), (x, y) -> !Double.isNaN(x) && !Double.isNaN(y)
                    && kind.test(x < y ? -1 : x > y ? 1 : 0) ? 1 : 0);
        } catch (RuntimeException e) {
            throw PplException.wrap(e, this);
        }
    }
}
