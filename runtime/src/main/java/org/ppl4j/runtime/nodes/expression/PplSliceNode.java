package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import java.util.Arrays;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/**
 * {@code x[i, a:b, :, ::s]} on tensors, with NumPy's meaning: subscript k applies to axis k; a point index
 * (negative counts from the end) drops its axis, a range keeps it; omitted range bounds mean the whole axis and
 * out-of-range bounds are clipped. Gradients flow back into the selected elements.
 */
public final class PplSliceNode extends PplExpressionNode {
    @Child private PplExpressionNode target;
    /** Per subscript: point, lo, hi, step (null where absent). */
    @Children private final PplExpressionNode[] parts;

    public PplSliceNode(PplExpressionNode target, PplExpressionNode[] parts) {
        this.target = target;
        this.parts = parts;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object t = target.executeGeneric(frame);
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                values[i] = parts[i].executeGeneric(frame);
            }
        }
        return slice(t, values);
    }

    @TruffleBoundary
    private Object slice(Object t, Object[] values) {
        if (!AD.isTensor(t)) {
            throw new PplException("cannot slice " + Arith.kind(t) + "; ranges and several subscripts need a tensor",
                    target);
        }
        int[] shape = AD.tensorValue(t).shape();
        int n = values.length / 4;
        if (n > shape.length) {
            throw new PplException(n + " subscripts for a tensor of shape " + Arrays.toString(shape)
                    + ", which has " + shape.length + " axes", this);
        }
        Object x = t;
        int axis = 0; // the axis of x that subscript k applies to (points drop theirs)
        try {
            for (int k = 0; k < n; k++) {
                int size = shape[k];
                if (parts[4 * k] != null) {
                    int i = whole(values[4 * k], parts[4 * k]);
                    int j = i < 0 ? i + size : i;
                    if (j < 0 || j >= size) {
                        throw new PplException("index " + i + " is out of bounds for axis " + k + " of size " + size
                                + " (shape " + Arrays.toString(shape) + ")", parts[4 * k]);
                    }
                    x = org.ppl4j.runtime.ad.Axes.select(x, axis, j);
                    continue;
                }
                int step = values[4 * k + 3] == null ? 1 : whole(values[4 * k + 3], parts[4 * k + 3]);
                if (step == 0) {
                    throw new PplException("a slice step cannot be zero", parts[4 * k + 3]);
                }
                int lo = bound(values[4 * k + 1], parts[4 * k + 1], size, step, true);
                int hi = bound(values[4 * k + 2], parts[4 * k + 2], size, step, false);
                x = AD.range(x, axis, lo, hi, step);
                axis++;
            }
        } catch (PplException e) {
            throw e;
        } catch (RuntimeException e) {
            throw PplException.wrap(e, this);
        }
        return x;
    }

    /** A range bound resolved as NumPy does: negative from the end, clipped, defaults by the step's sign. */
    private static int bound(Object v, PplExpressionNode node, int size, int step, boolean lower) {
        if (v == null) {
            return step > 0 ? (lower ? 0 : size) : (lower ? size - 1 : -1);
        }
        int b = whole(v, node);
        if (b < 0) {
            b += size;
        }
        if (step > 0) {
            return Math.max(0, Math.min(size, b));
        }
        return Math.max(-1, Math.min(size - 1, b));
    }

    private static int whole(Object v, PplExpressionNode node) {
        Object d = AD.value(v);
        if (!(d instanceof Double x) || x != Math.rint(x)) {
            throw new PplException("a subscript must be a whole number, got " + Arith.kind(v), node);
        }
        if (Math.abs(x) > Integer.MAX_VALUE) {
            throw new PplException("a subscript must lie within -2147483647 to 2147483647 (2^31 - 1, the most "
                    + "elements a list or tensor holds), got " + org.ppl4j.runtime.value.Printer.number(x), node);
        }
        return (int) (double) x;
    }
}
