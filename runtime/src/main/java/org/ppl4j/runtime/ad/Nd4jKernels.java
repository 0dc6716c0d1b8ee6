package org.ppl4j.runtime.ad;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The kernels for large tensors, on ND4J. Every reference to ND4J lives in this class, so that a program whose
 * tensors all stay small never loads ND4J (its first operation costs about a second). Arrays are handed around
 * as {@code Object} for the same reason. Operations never modify their inputs: tensors are immutable values.
 */
final class Nd4jKernels {
    /**
     * Off-heap memory ND4J may hold before JavaCPP asks for a garbage collection (it frees an array's memory only
     * when the array is collected). JavaCPP's default is the whole Java heap, a quarter of the machine: a fit then
     * grows by each step's intermediate arrays until then. Set before ND4J loads JavaCPP; a value the user gave
     * (-Dorg.bytedeco.javacpp.maxBytes=...) wins.
     */
    static final String MAX_OFF_HEAP = "1g";

    static {
        if (System.getProperty("org.bytedeco.javacpp.maxBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxBytes", MAX_OFF_HEAP);
        }
        String threads = System.getProperty("ppl.threads", System.getenv().getOrDefault("PPL_THREADS", "1"));
        Nd4j.getEnvironment().setMaxMasterThreads(Integer.parseInt(threads));
        Nd4j.getEnvironment().setMaxThreads(Integer.parseInt(threads));
    }

    private Nd4jKernels() {
    }

    private static DataType dtype() {
        return Tensor.largeFloat64() ? DataType.DOUBLE : DataType.FLOAT;
    }

    private static long[] longs(int[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = shape[i];
        }
        return r;
    }

    /** A Java array copied into a new ND4J array of the working type, in bulk (element puts are slow). */
    @TruffleBoundary
    static Object fromDoubles(double[] d, int[] shape) {
        INDArray a = Nd4j.createUninitialized(dtype(), longs(shape), 'c');
        java.nio.ByteBuffer bytes = a.data().asNio().order(java.nio.ByteOrder.nativeOrder());
        if (dtype() == DataType.DOUBLE) {
            bytes.asDoubleBuffer().put(d);
        } else {
            float[] f = new float[d.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) d[i];
            }
            bytes.asFloatBuffer().put(f);
        }
        return a;
    }

    /** The elements of an ND4J array, row-major, copied out in bulk. */
    @TruffleBoundary
    static double[] toDoubles(Object nd) {
        INDArray a = (INDArray) nd;
        if (a.isView() || a.ordering() != 'c' || a.data().length() != a.length()) {
            a = a.dup('c');
        }
        java.nio.ByteBuffer bytes = a.data().asNio().order(java.nio.ByteOrder.nativeOrder());
        double[] d = new double[(int) a.length()];
        if (a.dataType() == DataType.DOUBLE) {
            bytes.asDoubleBuffer().get(d);
        } else if (a.dataType() == DataType.FLOAT) {
            float[] f = new float[d.length];
            bytes.asFloatBuffer().get(f);
            for (int i = 0; i < d.length; i++) {
                d[i] = f[i];
            }
        } else {
            return a.castTo(DataType.DOUBLE).data().asDouble();
        }
        return d;
    }

    /** Frees the arrays' memory now (views share their base's memory and are left to it). */
    @TruffleBoundary
    static void free(java.util.List<Object> arrays) {
        for (Object o : arrays) {
            INDArray a = (INDArray) o;
            if (a.closeable()) {
                a.close();
            }
        }
    }

    @TruffleBoundary
    static Object full(int[] shape, double v) {
        return Nd4j.valueArrayOf(longs(shape), v, dtype());
    }

    /** An operand as an ND4J array of the working type (small tensors are copied in). */
    private static INDArray nd(Tensor t) {
        INDArray a = (INDArray) t.nd();
        return a.dataType() == dtype() ? a : a.castTo(dtype());
    }

    private static INDArray broadcast(INDArray a, int[] target) {
        long[] t = longs(target);
        if (Arrays.equals(a.shape(), t)) {
            return a;
        }
        if (a.rank() < t.length) {
            long[] padded = new long[t.length];
            Arrays.fill(padded, 1);
            System.arraycopy(a.shape(), 0, padded, t.length - a.rank(), a.rank());
            a = a.reshape(padded);
        }
        return a.broadcast(t);
    }

    /** Elementwise a op b under NumPy broadcasting; {@code shape} is the broadcast shape. */
    @TruffleBoundary
    static Object binary(Tensor.Op2 op, Tensor a, Tensor b, int[] shape) {
        // results go to arrays allocated without zero-filling them (ND4J's own x.mul(y) and friends fill theirs
        // with zeros first: a third of an elementwise kernel's time)
        if (b.size() == 1 && op != Tensor.Op2.POW) {
            INDArray x = broadcast(nd(a), shape);
            double k = b.get(0);
            INDArray z = uninitialised(x);
            switch (op) {
                case ADD:
                    return x.add(k, z);
                case SUB:
                    return x.sub(k, z);
                case MUL:
                    return x.mul(k, z);
                default:
                    return x.div(k, z);
            }
        }
        if (a.size() == 1 && op != Tensor.Op2.POW) {
            INDArray y = broadcast(nd(b), shape);
            double k = a.get(0);
            INDArray z = uninitialised(y);
            switch (op) {
                case ADD:
                    return y.add(k, z);
                case SUB:
                    return y.rsub(k, z);
                case MUL:
                    return y.mul(k, z);
                default:
                    return y.rdiv(k, z);
            }
        }
        if (op != Tensor.Op2.POW && shape.length == 2 && a.rank() == 2 && a.dim(0) == shape[0] && a.dim(1) == shape[1]
                && (b.rank() == 1 || b.rank() == 2 && b.dim(0) == 1) && b.size() == shape[1]) {
            return rowVector(op, nd(a), nd(b)); // a bias added to every row of a batch: one kernel, no broadcast copy
        }
        INDArray x = broadcast(nd(a), shape);
        INDArray y = broadcast(nd(b), shape);
        if (op == Tensor.Op2.POW) {
            return Transforms.pow(x, y, true);
        }
        INDArray z = uninitialised(x);
        switch (op) {
            case ADD:
                return x.add(y, z);
            case SUB:
                return x.sub(y, z);
            case MUL:
                return x.mul(y, z);
            default:
                return x.div(y, z);
        }
    }

    /** A new C-order array of x's shape and type, not zero-filled: for a kernel that writes every element. */
    private static INDArray uninitialised(INDArray x) {
        return Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
    }

    private static INDArray rowVector(Tensor.Op2 op, INDArray x, INDArray row) {
        INDArray r = row.rank() == 2 ? row.reshape(row.length()) : row;
        INDArray z = uninitialised(x);
        switch (op) {
            case ADD:
                return Nd4j.exec(new BroadcastAddOp(x, r, z, 1));
            case SUB:
                return Nd4j.exec(new BroadcastSubOp(x, r, z, 1));
            case MUL:
                return Nd4j.exec(new BroadcastMulOp(x, r, z, 1));
            default:
                return Nd4j.exec(new BroadcastDivOp(x, r, z, 1));
        }
    }


    @TruffleBoundary
    static Object unary(Tensor.Op1 op, Tensor t) {
        INDArray x = nd(t);
        switch (op) {
            case NEG:
                return x.neg();
            case EXP:
                return Transforms.exp(x, true);
            case LOG:
                return Transforms.log(x, true);
            case LOG1P:
                return Transforms.log(x.add(1.0), false);
            case SQRT:
                return Transforms.sqrt(x, true);
            case SQUARE:
                return x.mul(x);
            case ABS:
                return Transforms.abs(x, true);
            case TANH:
                return Transforms.tanh(x, true);
            case SIGMOID:
                return Transforms.sigmoid(x, true);
            case SOFTPLUS:
                return softplus(x);
            case RELU:
                return Transforms.relu(x, true);
            case SIGN:
                return Transforms.sign(x, true);
            case STEP:
                return x.gt(0.0).castTo(x.dataType());
            default:
                throw new IllegalArgumentException("no ND4J kernel for " + op);
        }
    }

    /**
     * log(1 + e^x) = max(x, 0) + softplus(-|x|): ND4J's own softplus overflows above 88 in float32, but not for
     * arguments at or below 0.
     */
    private static INDArray softplus(INDArray x) {
        // ND4J's own kernel, log(1 + exp(x)), is one pass but overflows to infinity above about 88 in float32:
        // checked with one dot product, and then computed as max(x, 0) + log(1 + exp(-|x|)), in five passes
        INDArray quick = Transforms.softPlus(x, true);
        if (Double.isFinite(denseSum(quick))) {
            return quick;
        }
        INDArray tail = Transforms.softPlus(Transforms.abs(x, true).negi(), false);
        return tail.addi(Transforms.relu(x, true));
    }

    /** Sum over every element, accumulated in double precision. */
    @TruffleBoundary
    static double sum(Tensor t) {
        return denseSum((INDArray) t.nd());
    }

    /** Vectors of ones for {@link #denseSum}, by length and type: a fit sums arrays of a handful of lengths. */
    private static final java.util.Map<Long, INDArray> ONES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The sum of the elements, accumulated in float64. A dense float32 array is summed as one BLAS dot product
     * with a vector of ones ({@code dsdot} accumulates float32 products in float64): 10 to 40 times faster than
     * ND4J's reduction of a float64 copy, which is the fall-back for views. Float64 arrays keep ND4J's reduction
     * (no copy needed), whose order of summation the Java path's matches.
     */
    private static double denseSum(INDArray x) {
        long n = x.length();
        if (x.dataType() == DataType.FLOAT && !x.isView() && x.offset() == 0 && x.ordering() == 'c'
                && x.elementWiseStride() == 1 && n > 0 && n < Integer.MAX_VALUE) {
            INDArray ones = ONES.get(n);
            if (ones == null) {
                if (ONES.size() >= 64) {
                    ONES.clear(); // many lengths: a new vector now and then costs less than holding them all
                }
                ones = Nd4j.ones(DataType.FLOAT, n);
                ONES.put(n, ones);
            }
            return openblas.cblas_dsdot((int) n, (FloatPointer) x.data().addressPointer(), 1,
                    (FloatPointer) ones.data().addressPointer(), 1);
        }
        return (x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
    }

    /** Sum along {@code axes}, dropping them. */
    @TruffleBoundary
    static Object sumAxes(Tensor t, int[] axes) {
        return nd(t).sum(false, axes);
    }

    @TruffleBoundary
    static Object maxAxes(Tensor t, int[] axes) {
        return nd(t).max(false, axes);
    }

    @TruffleBoundary
    static Object reshape(Tensor t, int[] shape) {
        return nd(t).reshape('c', longs(shape));
    }

    @TruffleBoundary
    static Object broadcastTo(Tensor t, int[] shape) {
        return broadcast(nd(t), shape).dup('c');
    }

    /** [m,k] @ [k,n], either operand optionally transposed first (without copying it). */
    @TruffleBoundary
    static Object matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        // BLAS reads the operands transposed in place: no transposed copy is made
        return Nd4j.gemm(nd(a), nd(b), transA, transB);
    }

    @TruffleBoundary
    static Object transpose(Tensor t) {
        return nd(t).transpose().dup('c');
    }

    /** The given rows (first-axis slices), stacked in that order. */
    @TruffleBoundary
    static Object rows(Tensor t, int[] rows) {
        // one native gather over the tensor seen as a matrix of its first-axis slices: INDArray.getRows copies
        // row by row, an operation each (5 ms for 128 rows of 784 floats, against 0.35 ms)
        INDArray x = nd(t);
        long n = x.size(0);
        long width = n == 0 ? 0 : x.length() / n;
        INDArray picked = Nd4j.pullRows(x.reshape('c', n, width), 1, rows);
        long[] shape = x.shape().clone();
        shape[0] = rows.length;
        return picked.reshape('c', shape);
    }

    /**
     * Whether every element passes {@code check}, from one or two reductions (a NaN or an infinity anywhere makes
     * the sum NaN or infinite). A reduction can only fail safe (a finite tensor whose float sum overflows): then
     * the elements are checked one by one.
     */
    @TruffleBoundary
    static boolean allMatch(Tensor t, Tensor.Check check) {
        INDArray x = nd(t);
        double sum = denseSum(x); // float64: finite whenever every element is (no overflow)
        boolean quick;
        switch (check) {
            case NOT_NAN:
                quick = !Double.isNaN(sum);
                break;
            case FINITE:
                quick = Double.isFinite(sum);
                break;
            case POSITIVE:
                quick = !Double.isNaN(sum) && x.minNumber().doubleValue() > 0;
                break;
            case NON_NEGATIVE:
                quick = !Double.isNaN(sum) && x.minNumber().doubleValue() >= 0;
                break;
            default: // BINARY: x (1 - x) is 0 exactly at 0 and 1
                quick = Double.isFinite(sum) && x.mul(x.rsub(1.0)).amaxNumber().doubleValue() == 0;
                break;
        }
        if (quick) {
            return true;
        }
        for (double v : t.d()) {
            if (!check.test(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One Adam step on a large parameter, in place on the moment arrays {@code m} and {@code v} (created by the
     * first call, returned in {@code state}); returns the new parameter value. Ascends {@code grad}. With
     * {@code inPlace} the parameter's own array is updated and returned; with {@code overwriteGrad} ND4J's fused
     * AdamUpdater writes the update over the gradient's array instead of a copy of it.
     */
    @TruffleBoundary
    static Object adam(Tensor param, Tensor grad, Object[] state, double lr, double beta1, double beta2,
            double eps, long t, boolean inPlace, boolean overwriteGrad) {
        INDArray u = nd(param);
        INDArray g = overwriteGrad ? nd(grad) : nd(grad).dup('c');
        if (state[0] == null) {
            state[0] = Nd4j.zeros(u.dataType(), u.shape());
            state[1] = Nd4j.zeros(u.dataType(), u.shape());
        }
        INDArray v = (INDArray) state[0];
        INDArray m = (INDArray) state[1];
        // lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps'), with eps' = eps sqrt(1 - b2^t): exactly
        // lr * mHat / (sqrt(vHat) + eps), the Java optimiser's update; v and m are updated in place
        double epsT = eps * Math.sqrt(1 - Math.pow(beta2, t));
        Nd4j.exec(new AdamUpdater(g, v, m, g, v, m, lr, beta1, beta2, epsT, (int) (t - 1)));
        return inPlace ? u.addi(g) : u.add(g); // the same kernel either way: the same rounding
    }

    /** x cmp k elementwise as 1 or 0 in the working type (NaN compares false). */
    @TruffleBoundary
    static Object compare(Tensor t, double k, Tensor.Cmp cmp) {
        INDArray x = nd(t);
        INDArray r;
        switch (cmp) {
            case LT:
                r = x.lt(k);
                break;
            case LE:
                r = x.lte(k);
                break;
            case GT:
                r = x.gt(k);
                break;
            default:
                r = x.gte(k);
                break;
        }
        return r.castTo(dtype());
    }

    /** Whether a kernel may write into this array: dense, in C order, of the working type, not a view. */
    static boolean writable(Object nd) {
        INDArray a = (INDArray) nd;
        return a.dataType() == dtype() && a.ordering() == 'c' && !a.isView() && a.elementWiseStride() == 1;
    }

    @TruffleBoundary
    static double[] stateToDoubles(Object nd) {
        return ((INDArray) nd).dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    static int[] shapeOf(Object nd) {
        long[] s = ((INDArray) nd).shape();
        int[] r = new int[s.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) s[i];
        }
        return r;
    }
}
