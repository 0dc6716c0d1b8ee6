package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/** {@code -x} and {@code !b}. */
public final class PplUnaryNode extends PplExpressionNode {
    @Child private PplExpressionNode operand;
    private final boolean not;

    public PplUnaryNode(boolean not, PplExpressionNode operand) {
        this.not = not;
        this.operand = operand;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        if (not) {
            Object v = operand.executeGeneric(frame);
            if (v instanceof Boolean b) {
                return !b;
            }
            throw notBoolean(v);
        }
        try {
            return -operand.executeDouble(frame);
        } catch (UnexpectedResultException e) {
            return Arith.negate(e.getResult(), this);
        }
    }

    /** Behind a boundary: partial evaluation must not expand the message's formatting into compiled code. */
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private PplException notBoolean(Object v) {
        return new PplException("'!' needs true or false, got " + Arith.kind(v), this);
    }
}
