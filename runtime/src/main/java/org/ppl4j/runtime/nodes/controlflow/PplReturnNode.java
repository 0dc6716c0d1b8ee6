package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.nodes.PplExpressionNode;

public final class PplReturnNode extends PplExpressionNode {
    @Child private PplExpressionNode value;

    public PplReturnNode(PplExpressionNode value) {
        this.value = value;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        throw new PplReturnException(value.executeGeneric(frame));
    }
}
