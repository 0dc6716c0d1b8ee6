package org.ppl4j.runtime.nodes.local;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.Escapes;
import org.ppl4j.runtime.value.PplNothing;

public final class PplWriteGlobalNode extends PplExpressionNode {
    @Child private PplExpressionNode value;
    private final String name;

    public PplWriteGlobalNode(String name, PplExpressionNode value) {
        this.name = name;
        this.value = value;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        write(PplContext.get(this), value.executeGeneric(frame));
        return PplNothing.INSTANCE;
    }

    @TruffleBoundary
    private void write(PplContext context, Object v) {
        if (context.batch() > 0) { // written once where the loop writes once per iteration
            throw new org.ppl4j.runtime.ad.NotBatchable("an assignment to a top-level variable");
        }
        Escapes.fromStep(v); // a global outlives a fit step that writes it
        context.globals().put(name, v);
    }
}
