package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeField;
import com.oracle.truffle.api.dsl.Specialization;

/** {@code ==} (or {@code !=} when negated): numbers by value, other values structurally. */
@NodeField(name = "negated", type = boolean.class)
public abstract class PplEqualNode extends PplBinaryNode {
    protected abstract boolean isNegated();

    /** Fast path: plain numbers. */
    @Specialization
    protected boolean doDouble(double a, double b) {
        return (a == b) != isNegated();
    }

    @Specialization
    protected boolean doBoolean(boolean a, boolean b) {
        return (a == b) != isNegated();
    }

    @Fallback
    protected boolean doGeneric(Object a, Object b) {
        return Arith.equal(a, b) != isNegated();
    }
}
