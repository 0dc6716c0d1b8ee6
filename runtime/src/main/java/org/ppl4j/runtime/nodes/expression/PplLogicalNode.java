package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/** Short-circuit {@code &&} and {@code ||}. */
public final class PplLogicalNode extends PplExpressionNode {
    @Child private PplExpressionNode left;
    @Child private PplExpressionNode right;
    private final boolean isAnd;

    public PplLogicalNode(boolean isAnd, PplExpressionNode left, PplExpressionNode right) {
        this.isAnd = isAnd;
        this.left = left;
        this.right = right;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        boolean l = operand(frame, left);
        if (isAnd != l) {
            return l;
        }
        return operand(frame, right);
    }

    private boolean operand(VirtualFrame frame, PplExpressionNode e) {
        try {
            return e.executeBoolean(frame);
        } catch (UnexpectedResultException ex) {
            throw notBoolean(ex.getResult(), e);
        }
    }

    /** Behind a boundary: partial evaluation must not expand the message's formatting into compiled code. */
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private PplException notBoolean(Object v, PplExpressionNode at) {
        return new PplException((isAnd ? "'&&'" : "'||'") + " needs true or false, got " + Arith.kind(v), at);
    }
}
