package org.ppl4j.runtime.nodes.local;

import com.oracle.truffle.api.frame.Frame;
import com.oracle.truffle.api.frame.MaterializedFrame;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/** Reads a local of this function ({@code depth} 0) or of an enclosing one, through the scope chain. */
public final class PplReadLocalNode extends PplExpressionNode {
    private final int depth;
    private final int slot;

    public PplReadLocalNode(int depth, int slot) {
        this.depth = depth;
        this.slot = slot;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return scope(frame, depth).getValue(slot);
    }

    /** The frame {@code depth} levels out: argument 0 of each frame is its defining scope. */
    @ExplodeLoop
    static Frame scope(VirtualFrame frame, int depth) {
        Frame f = frame;
        for (int d = 0; d < depth; d++) {
            f = (MaterializedFrame) f.getArguments()[0];
        }
        return f;
    }
}
