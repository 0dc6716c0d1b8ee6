package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.RepeatingNode;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplNothing;

/**
 * {@code for x in xs { ... }}: x runs over the elements of a list, or over the slices of a tensor along its first
 * axis (the elements of a vector, the rows of a matrix), read through the tape so that gradients flow.
 */
public final class PplForEachNode extends PplExpressionNode {
    @Child private PplExpressionNode sequence;
    @Child private LoopNode loop;
    private final int cursorSlot;

    public PplForEachNode(int slot, int cursorSlot, PplExpressionNode sequence, PplExpressionNode body) {
        this.cursorSlot = cursorSlot;
        this.sequence = sequence;
        this.loop = Truffle.getRuntime().createLoopNode(new Body(slot, cursorSlot, body));
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        frame.setObject(cursorSlot, cursor(sequence.executeGeneric(frame), sequence));
        loop.execute(frame);
        return PplNothing.INSTANCE;
    }

    /** The elements still to visit. */
    private static final class Cursor {
        final Object sequence;
        final int size;
        int next;

        Cursor(Object sequence, int size) {
            this.sequence = sequence;
            this.size = size;
        }

        @TruffleBoundary
        Object element(int i) {
            return sequence instanceof PplList l ? l.get(i) : AD.index(sequence, i);
        }
    }

    @TruffleBoundary
    private static Cursor cursor(Object v, PplExpressionNode at) {
        if (v instanceof PplList l) {
            return new Cursor(l, l.size());
        }
        if (AD.isTensor(v) && AD.tensorValue(v).rank() > 0) {
            return new Cursor(v, AD.tensorValue(v).dim(0));
        }
        throw new PplException("for x in xs: expected a list or a tensor to loop over, got " + org.ppl4j.runtime.value.Printer.kind(v)
                + " (for a range of numbers write for i in a..b)", at);
    }

    private static final class Body extends Node implements RepeatingNode {
        @Child private PplExpressionNode body;
        private final int slot;
        private final int cursorSlot;

        Body(int slot, int cursorSlot, PplExpressionNode body) {
            this.slot = slot;
            this.cursorSlot = cursorSlot;
            this.body = body;
        }

        @Override
        public boolean executeRepeating(VirtualFrame frame) {
            Cursor c = (Cursor) frame.getObject(cursorSlot);
            if (c.next >= c.size) {
                return false;
            }
            frame.setObject(slot, c.element(c.next++));
            body.executeGeneric(frame);
            return true;
        }
    }
}
