package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplList;

/** {@code [a, b, c]}. */
public final class PplListNode extends PplExpressionNode {
    @Children private final PplExpressionNode[] elements;

    public PplListNode(PplExpressionNode[] elements) {
        this.elements = elements;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] values = new Object[elements.length];
        for (int i = 0; i < elements.length; i++) {
            values[i] = elements[i].executeGeneric(frame);
        }
        return new PplList(values);
    }
}
