package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.RepeatingNode;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplNothing;

/** {@code for i in a..b { ... }}: i runs over the integers a, a+1, ..., b-1. */
public final class PplForNode extends PplExpressionNode {
    @Child private PplExpressionNode from;
    @Child private PplExpressionNode to;
    @Child private LoopNode loop;
    private final int slot;
    private final int limitSlot;

    public PplForNode(int slot, int limitSlot, PplExpressionNode from, PplExpressionNode to,
            PplExpressionNode body) {
        this.slot = slot;
        this.limitSlot = limitSlot;
        this.from = from;
        this.to = to;
        this.loop = Truffle.getRuntime().createLoopNode(new Body(slot, limitSlot, body));
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        frame.setDouble(slot, bound(frame, from));
        frame.setDouble(limitSlot, bound(frame, to));
        loop.execute(frame);
        return PplNothing.INSTANCE;
    }

    private double bound(VirtualFrame frame, PplExpressionNode e) {
        Object raw = e.executeGeneric(frame);
        if (AD.isTracked(raw)) {
            observe(raw);
        }
        Object v = AD.value(raw);
        if (v instanceof Double d && d == Math.rint(d)) {
            return d;
        }
        throw notWhole(v, e);
    }

    /** Behind a boundary: partial evaluation must not expand the message's formatting into the loop's code. */
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private static PplException notWhole(Object v, PplExpressionNode at) {
        return new PplException("a loop bound must be a whole number, got " + AD.describe(v), at);
    }

    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private static void observe(Object v) {
        org.ppl4j.runtime.ad.Tape.observe(v);
    }

    private static final class Body extends Node implements RepeatingNode {
        @Child private PplExpressionNode body;
        private final int slot;
        private final int limitSlot;

        Body(int slot, int limitSlot, PplExpressionNode body) {
            this.slot = slot;
            this.limitSlot = limitSlot;
            this.body = body;
        }

        @Override
        public boolean executeRepeating(VirtualFrame frame) {
            double i = frame.getDouble(slot);
            if (i >= frame.getDouble(limitSlot)) {
                return false;
            }
            body.executeGeneric(frame);
            frame.setDouble(slot, i + 1);
            return true;
        }
    }
}
