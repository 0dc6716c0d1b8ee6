package org.ppl4j.runtime.nodes.local;

import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.Escapes;
import org.ppl4j.runtime.value.PplNothing;

/** {@code let x = e}, {@code x = e}, or the binding of {@code x ~ d} and {@code param x = e}. */
public final class PplWriteLocalNode extends PplExpressionNode {
    @Child private PplExpressionNode value;
    private final int depth;
    private final int slot;

    public PplWriteLocalNode(int depth, int slot, PplExpressionNode value) {
        this.depth = depth;
        this.slot = slot;
        this.value = value;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        if (depth > 0) {
            Escapes.fromStep(v); // an enclosing function's variable may outlive a fit step that writes it
        }
        PplReadLocalNode.scope(frame, depth).setObject(slot, v);
        return PplNothing.INSTANCE;
    }
}
