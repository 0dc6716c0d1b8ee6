package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/** A constant: number, string or boolean. */
public final class PplLiteralNode extends PplExpressionNode {
    private final Object value;

    public PplLiteralNode(Object value) {
        this.value = value;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return value;
    }

    @Override
    public double executeDouble(VirtualFrame frame) throws com.oracle.truffle.api.nodes.UnexpectedResultException {
        if (value instanceof Double d) {
            return d;
        }
        throw new com.oracle.truffle.api.nodes.UnexpectedResultException(value);
    }
}
