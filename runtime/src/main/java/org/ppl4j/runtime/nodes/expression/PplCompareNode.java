package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeField;
import com.oracle.truffle.api.dsl.Specialization;

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

    @Fallback
    protected boolean doGeneric(Object a, Object b) {
        return getKind().test(Arith.compare(a, b, this));
    }
}
