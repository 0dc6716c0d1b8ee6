package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplNothing;

public final class PplIfNode extends PplExpressionNode {
    @Child private PplExpressionNode condition;
    @Child private PplExpressionNode thenPart;
    @Child private PplExpressionNode elsePart;
    private final CountingConditionProfile profile = CountingConditionProfile.create();

    public PplIfNode(PplExpressionNode condition, PplExpressionNode thenPart, PplExpressionNode elsePart) {
        this.condition = condition;
        this.thenPart = thenPart;
        this.elsePart = elsePart;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        if (profile.profile(evaluateCondition(frame))) {
            return thenPart.executeGeneric(frame);
        }
        return elsePart == null ? PplNothing.INSTANCE : elsePart.executeGeneric(frame);
    }

    private boolean evaluateCondition(VirtualFrame frame) {
        try {
            return condition.executeBoolean(frame);
        } catch (UnexpectedResultException e) {
            throw notBoolean(e.getResult());
        }
    }

    /** Behind a boundary: partial evaluation must not expand the message's formatting into the branch's code. */
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private PplException notBoolean(Object result) {
        if (result instanceof org.ppl4j.runtime.ad.Batched) {
            throw new org.ppl4j.runtime.ad.NotBatchable("an if on values that differ per iteration");
        }
        return new PplException("a condition must be true or false, got " + AD.describe(result), condition);
    }
}
