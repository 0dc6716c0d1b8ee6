package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;

@NodeInfo(shortName = "+")
public abstract class PplAddNode extends PplBinaryNode {
    /** Fast path: constants stay unboxed doubles. */
    @Specialization
    protected double doDouble(double a, double b) {
        return a + b;
    }

    /** Tracked numbers and tensors go to the tape; anything else is a positioned error. */
    @Fallback
    protected Object doGeneric(Object a, Object b) {
        return Arith.binary(Arith.Op.ADD, a, b, this);
    }
}
