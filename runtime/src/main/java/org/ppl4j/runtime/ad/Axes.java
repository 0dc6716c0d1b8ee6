package org.ppl4j.runtime.ad;

import java.util.Arrays;

/**
 * The two structural tensor operations that {@code replicate}, {@code map} and the reductions along one axis are
 * built from: stacking equal-shaped values along a new first axis, and selecting one slice along any axis. Both
 * are differentiable (the adjoint of a stack is cut back into its pieces; that of a selection is scattered into
 * the slice it came from) and keep provenance, so the estimate pass knows which random choices a stacked or
 * selected value depends on.
 */
public final class Axes {
    private Axes() {
    }

    /**
     * Stacks numbers (a vector) or tensors of one shape (a tensor with a new first axis of length n). Returns
     * null when the values are not all numbers, or tensors of different shapes, or a mix of the two.
     */
    public static Object stack(Object[] values) {
        int tensors = 0;
        int[] shape = null;
        for (Object v : values) {
            if (!AD.isNumeric(v)) {
                return null;
            }
            if (AD.isTensor(v)) {
                tensors++;
                int[] s = AD.tensorValue(v).shape();
                if (shape == null) {
                    shape = s;
                } else if (!Arrays.equals(shape, s)) {
                    return null;
                }
            }
        }
        if (tensors == 0) {
            return AD.stack(values);
        }
        if (tensors < values.length) {
            return null;
        }
        int n = Tensor.numel(shape);
        int[] stacked = new int[shape.length + 1];
        stacked[0] = values.length;
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        double[] data = new double[Tensor.allocatableInJava(stacked)];
        Tape tape = null;
        for (int i = 0; i < values.length; i++) {
            System.arraycopy(AD.tensorValue(values[i]).d(), 0, data, i * n, n);
            if (values[i] instanceof TensorVar t) {
                if (tape != null && tape != t.tape) {
                    throw new IllegalStateException("values from two different gradient evaluations were combined");
                }
                tape = t.tape;
            }
        }
        Tensor value = new Tensor(stacked, data);
        if (tape == null) {
            return value;
        }
        int[] pieceShape = shape;
        return TensorVar.record(tape, value, g -> {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof TensorVar t) {
                    t.addAdjoint(new Tensor(pieceShape, Arrays.copyOfRange(g.d(), i * n, (i + 1) * n)));
                }
            }
        }, values);
    }

    /**
     * Slice {@code i} along {@code axis} of a tensor of rank >= 1: a tensor of rank - 1 (a number for a vector).
     * Gradients flow back into that slice only.
     */
    public static Object select(Object x, int axis, int i) {
        Tensor t = AD.tensorValue(x);
        int[] shape = t.shape();
        if (axis < 0 || axis >= shape.length) {
            throw new ShapeException("axis " + axis + " is out of range for a tensor of shape " + Arrays.toString(shape));
        }
        if (i < 0 || i >= shape[axis]) {
            throw new IndexOutOfBoundsException("index " + i + " is out of bounds for axis " + axis + " of size "
                    + shape[axis]);
        }
        if (axis == 0) {
            return AD.index(x, i);
        }
        // the range [i, i + 1) along the axis, with the axis dropped
        return AD.reshape(AD.range(x, axis, i, i + 1, 1), Tensor.dropAxis(shape, axis));
    }
}
