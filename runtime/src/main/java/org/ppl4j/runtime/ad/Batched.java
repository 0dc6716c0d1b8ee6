package org.ppl4j.runtime.ad;

import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The value of an expression in a vectorised {@code replicate(k)} or {@code map} body: k values, one per
 * iteration, stacked along a leading batch axis ({@code [k, ...event shape]}, a {@link Tensor} or a
 * {@link TensorVar}). It is not a number to the rest of the runtime ({@link AD#isNumeric} is false), so an
 * operation that has no batching rule fails (and the body runs as a loop) instead of mixing iterations. The
 * rules, written once here: an elementwise operation applies to the stacked values after the event axes of its
 * operands are aligned ({@link #aligned}: an unbatched operand broadcasts against each iteration's value, as it
 * would in the loop), a reduction of every element reduces each iteration's elements.
 */
public final class Batched {
    private final Object stacked;
    private final int size;
    private final int[] eventShape;

    private Batched(Object stacked, int size) {
        this.stacked = stacked;
        this.size = size;
        int[] shape = AD.tensorValue(stacked).shape();
        this.eventShape = Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** k values stacked along the first axis of {@code stacked}, which must have length k. */
    public static Batched of(Object stacked, int k) {
        if (!AD.isTensor(stacked) || AD.tensorValue(stacked).rank() == 0 || AD.tensorValue(stacked).dim(0) != k) {
            throw new IllegalStateException("a batched value needs a leading axis of length " + k + ", got "
                    + AD.describe(stacked));
        }
        return new Batched(stacked, k);
    }

    /** The same unbatched value in each of k iterations (gradients flow back through the broadcast). */
    public static Batched broadcast(Object value, int k) {
        int[] shape = AD.isTensor(value) ? AD.tensorValue(value).shape() : new int[0];
        int[] full = new int[shape.length + 1];
        full[0] = k;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return new Batched(AD.add(value, Tensor.zeros(full)), k);
    }

    /** The k values along the first axis. */
    public Object stacked() {
        return stacked;
    }

    /** k, the number of iterations. */
    public int size() {
        return size;
    }

    /** The shape of one iteration's value. */
    public int[] eventShape() {
        return eventShape.clone();
    }

    public int eventRank() {
        return eventShape.length;
    }

    /** The rank of one iteration's value: a batched value's event rank, a tensor's rank, 0 for a number. */
    public static int eventRank(Object v) {
        if (v instanceof Batched b) {
            return b.eventRank();
        }
        return AD.isTensor(v) ? AD.tensorValue(v).rank() : 0;
    }

    /**
     * The stacked values with axes of length 1 inserted after the batch axis so that each iteration's value has
     * {@code rank} axes: broadcasting against an unbatched value of rank at most {@code rank} then pairs the
     * unbatched value with every iteration's, as the loop does, instead of with the batch axis.
     */
    public Object aligned(int rank) {
        if (rank == eventShape.length) {
            return stacked;
        }
        if (rank < eventShape.length) {
            throw new IllegalArgumentException("cannot align a batched value of event rank " + eventShape.length
                    + " to rank " + rank);
        }
        int[] shape = new int[rank + 1];
        Arrays.fill(shape, 1);
        shape[0] = size;
        System.arraycopy(eventShape, 0, shape, 1 + rank - eventShape.length, eventShape.length);
        return AD.reshape(stacked, shape);
    }

    /** An elementwise operation per iteration: op applied to the stacked values. */
    public Batched map(UnaryOperator<Object> op) {
        return of(op.apply(stacked), size);
    }

    /**
     * An elementwise binary operation per iteration, at least one operand batched: both aligned to the larger
     * event rank, then op applied to the stacked values (an unbatched operand broadcasts over the iterations).
     */
    public static Batched binary(Object a, Object b, BinaryOperator<Object> op) {
        int k = sizeOf(a, b);
        if (!(a instanceof Batched) && !AD.isNumeric(a) || !(b instanceof Batched) && !AD.isNumeric(b)) {
            throw new NotBatchable("an operation on a batched value and " + AD.describe(a instanceof Batched ? b : a));
        }
        int rank = Math.max(eventRank(a), eventRank(b));
        Object x = a instanceof Batched p ? p.aligned(rank) : a;
        Object y = b instanceof Batched q ? q.aligned(rank) : b;
        return of(op.apply(x, y), k);
    }

    /** The number of iterations of the batched ones among {@code values}; they must agree. */
    public static int sizeOf(Object... values) {
        int k = -1;
        for (Object v : values) {
            if (v instanceof Batched b) {
                if (k >= 0 && k != b.size) {
                    throw new NotBatchable("batched values of " + k + " and " + b.size + " iterations");
                }
                k = b.size;
            }
        }
        if (k < 0) {
            throw new IllegalArgumentException("no batched value among the operands");
        }
        return k;
    }

    /** Per iteration, the sum of its value's elements: a batched number. */
    public Batched sumEvent() {
        if (eventShape.length == 0) {
            return this;
        }
        Object flat = eventShape.length == 1 ? stacked : AD.reshape(stacked, new int[] {size, Tensor.numel(eventShape)});
        return of(AD.sumAxis(flat, 1, false), size);
    }

    /**
     * Per iteration, a matrix (or vector) product with an unbatched right operand: the leading axes of a batched
     * left operand of rank >= 1 fold into the rows of one product.
     */
    public static Batched matmul(Object a, Object b) {
        if (!(a instanceof Batched x) || b instanceof Batched || !AD.isNumeric(b) || x.eventRank() == 0
                || AD.tensorValue(b).rank() == 0 || AD.tensorValue(b).rank() > 2) {
            throw new NotBatchable("a matrix product with a batched right operand");
        }
        int n = x.eventShape[x.eventShape.length - 1];
        int rows = Tensor.numel(x.eventShape) / n * x.size;
        Tensor w = AD.tensorValue(b);
        Object product = AD.matmul(AD.reshape(x.stacked, new int[] {rows, n}), b);
        int[] shape = new int[x.eventShape.length + (w.rank() == 2 ? 1 : 0)];
        shape[0] = x.size;
        System.arraycopy(x.eventShape, 0, shape, 1, x.eventShape.length - 1);
        if (w.rank() == 2) {
            shape[shape.length - 1] = w.dim(1);
        }
        return of(AD.reshape(product, shape), x.size);
    }

    @Override
    public String toString() {
        return "batched(" + size + " x " + Arrays.toString(eventShape) + ")";
    }
}
