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
            outerWrite(org.ppl4j.runtime.PplContext.get(this));
            Escapes.fromStep(v); // an enclosing function's variable may outlive a fit step that writes it
        }
        PplReadLocalNode.scope(frame, depth).setObject(slot, v);
        return PplNothing.INSTANCE;
    }

    /**
     * A vectorised body writes each variable once where the loop writes it once per iteration: a write outside
     * the function it runs in (perhaps outside the body) makes the body run as a loop.
     */
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private static void outerWrite(org.ppl4j.runtime.PplContext context) {
        if (context.batch() > 0) {
            throw new org.ppl4j.runtime.ad.NotBatchable("an assignment to a variable of an enclosing function");
        }
    }
}
