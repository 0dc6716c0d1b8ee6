package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplNothing;

/** A sequence of statements; its value is the last one's. */
public final class PplBlockNode extends PplExpressionNode {
    @Children private final PplExpressionNode[] statements;

    public PplBlockNode(PplExpressionNode[] statements) {
        this.statements = statements;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object last = PplNothing.INSTANCE;
        for (PplExpressionNode s : statements) {
            last = s.executeGeneric(frame);
        }
        return last;
    }
}
