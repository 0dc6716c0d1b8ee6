package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.trace.Handler;

/**
 * {@code local { ... }}: the choices made in the block belong to the data points of the current minibatch. A
 * fit with {@code data:} and {@code batch:} scales their log densities by N / B (as Pyro's subsampled plate
 * does), so that the objective stays an unbiased estimate of its full-data value; otherwise the block just runs.
 */
public final class PplLocalNode extends PplExpressionNode {
    @Child private PplExpressionNode body;

    /** The leading axes of the block's tensor choices that hold independent elements ({@code local(axes: k)}). */
    private final int axes;

    public PplLocalNode(PplExpressionNode body) {
        this(body, 1);
    }

    public PplLocalNode(PplExpressionNode body, int axes) {
        this.body = body;
        this.axes = axes;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Handler h = enter(PplContext.get(this), axes);
        try {
            return body.executeGeneric(frame);
        } finally {
            exit(h);
        }
    }

    @TruffleBoundary
    private static Handler enter(PplContext context, int axes) {
        context.noteLocalBlock();
        Handler h = context.handler();
        if (h != null) {
            h.enterLocal(axes);
        }
        return h;
    }

    @TruffleBoundary
    private static void exit(Handler h) {
        if (h != null) {
            h.exitLocal();
        }
    }
}
