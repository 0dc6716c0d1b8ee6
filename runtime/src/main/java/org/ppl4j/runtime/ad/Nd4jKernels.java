package org.ppl4j.runtime.ad;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.ppl4j.kernels.Fn;
import org.ppl4j.kernels.FloatKernels;
import org.ppl4j.kernels.Op;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
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
        // before anything of ND4J loads: ppl run may hand the program over to another JVM here (HandOver)
        HandOver.beforeFirstLargeTensor();
        if (System.getProperty("org.bytedeco.javacpp.maxBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxBytes", MAX_OFF_HEAP);
        }
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            // JavaCPP reads /proc/self/statm at every pointer it makes (each array's shape descriptor too) to
            // compare the process's resident memory with this limit: a twentieth of a VAE step. MemoryBudget
            // guards the process's memory before each large tensor instead.
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
        int threads = Integer.parseInt(System.getProperty("ppl.threads",
                System.getenv().getOrDefault("PPL_THREADS", "1")).trim());
        // where ppl4j's own product multiplies, what is left to ND4J is small, and a second OpenMP thread cost more
        // than it computed (a VAE step 8.76 and 7.22 ms with PPL_THREADS=2 against 5.01 and 5.10 with one,
        // docs/performance.md): PPL_THREADS then splits the own product's large products only
        int nd4jThreads = Products.own(FloatKernels.live()) ? 1 : threads;
        Nd4j.getEnvironment().setMaxMasterThreads(nd4jThreads);
        Nd4j.getEnvironment().setMaxThreads(nd4jThreads);
        FloatKernels.setProductThreads(threads);
    }

    private Nd4jKernels() {
    }

    /**
     * ppl4j's own float32 kernels ({@code kernels/}: the Vector API where the JVM has it), or null: then every
     * elementwise kernel, sum and Adam step is ND4J's. Chosen once ({@link FloatKernels#live}); tests switch it.
     */
    private static FloatKernels own = FloatKernels.live();

    /** Turns ppl4j's own kernels off (ND4J's run) or back to the JVM's choice; for tests that compare the two. */
    static void useOwnKernels(boolean on) {
        own = on ? FloatKernels.live() : null;
        ownProducts = Products.own(own);
    }

    /** Whether float32 matrix products run on the own kernels' product ({@link Products}). */
    private static boolean ownProducts = Products.own(own);

    /** Own products on or off, or back to the JVM's choice (null); for tests that compare the two. */
    static void useOwnProducts(Boolean on) {
        ownProducts = on == null ? Products.own(own) : on && own != null && own.matmulName() != null;
    }

    /** The own kernels when they can run on all these arrays (dense float32, see {@link #dense}), else null. */
    private static FloatKernels own(INDArray... arrays) {
        FloatKernels k = own;
        if (k == null) {
            return null;
        }
        for (INDArray a : arrays) {
            if (!dense(a)) {
                return null;
            }
        }
        return k;
    }

    /** {@code -Dppl.kernels.trace=true}: name each own kernel (and what it fuses) once per shape, on stderr. */
    private static final boolean TRACE = Boolean.getBoolean("ppl.kernels.trace");
    private static final java.util.Set<String> TRACED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void trace(String kernel, INDArray shapeOf) {
        if (TRACE) {
            String line = "ppl4j kernel: " + kernel + " " + Arrays.toString(shapeOf.shape());
            if (TRACED.add(line)) {
                System.err.println(line);
            }
        }
    }

    /** A dense array's memory as a buffer the kernels read and write. */
    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    private static int n(INDArray a) {
        return (int) a.length();
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
        INDArray a = uninitialised(dtype(), longs(shape));
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

    /**
     * Frees the arrays a step made (views share their base's memory and are left to it). The buffers of whole
     * arrays go to this thread's {@link Pool} instead, for the next step's results of the same length.
     */
    @TruffleBoundary
    static void freeStep(java.util.List<Object> arrays) {
        POOL.get().stepEnded();
        free(arrays);
    }

    /** Frees the arrays' memory now, or gives their buffers to the {@link Pool}. */
    @TruffleBoundary
    static void free(java.util.List<Object> arrays) {
        Pool pool = POOL.get();
        for (Object o : arrays) {
            INDArray a = (INDArray) o;
            if (a.closeable()) {
                if (!pool.give(a)) {
                    a.close();
                }
            }
        }
    }

    /**
     * Arrays freed at the end of a fit step, by element type and length, their buffers handed to the results of the
     * next step's kernels: a step makes arrays of the same few lengths as the one before, and a reused buffer
     * costs neither an allocation nor the zero-filling ND4J does for every new array (a twentieth of a VAE
     * step). Each buffer is held once (by address). The pool holds, for each length, no more buffers than a
     * step has asked it for (so arrays that kernels allocate for themselves are closed, not hoarded), and no
     * more than {@code ppl.tensor.poolBytes} (256 MiB) in all.
     */
    static final class Pool {
        private static final long MAX_BYTES = Long.getLong("ppl.tensor.poolBytes", 256L << 20);
        private static final int MAX_PER_LENGTH = 64;
        /** Whole arrays by length: one of the shape asked for is handed out as it is (no new shape information). */
        private final java.util.HashMap<Long, java.util.ArrayDeque<INDArray>> free = new java.util.HashMap<>();
        private final java.util.HashSet<Long> held = new java.util.HashSet<>();
        /** Buffers asked for by length in the step under way, and the most asked for in any one step. */
        private final java.util.HashMap<Long, int[]> asked = new java.util.HashMap<>();
        private final java.util.HashMap<Long, Integer> demand = new java.util.HashMap<>();
        private long bytes;

        private static long key(DataType t, long n) {
            return n * 16 + t.ordinal();
        }

        /** Takes a's buffer when a owns all of it and there is room; false when the caller must close a. */
        boolean give(INDArray a) {
            DataBuffer b = a.data();
            long n = a.length();
            long size = n * b.getElementSize();
            if (a.isView() || a.offset() != 0 || b.length() != n || n == 0 || bytes + size > MAX_BYTES
                    || a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
                return false;
            }
            long address = b.address();
            if (held.contains(address)) {
                return true; // another array over the same memory gave it already
            }
            long key = key(a.dataType(), n);
            int[] now = asked.get(key);
            int cap = Math.min(MAX_PER_LENGTH, Math.max(demand.getOrDefault(key, 0), now == null ? 0 : now[0]));
            java.util.ArrayDeque<INDArray> q = free.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
            if (q.size() >= cap) {
                return false;
            }
            q.push(a);
            held.add(address);
            bytes += size;
            return true;
        }

        /**
         * A C-order array of type t and this shape (n elements) over a pooled buffer, or null. A pooled array of
         * the same shape is returned itself: wrapping its buffer anew costs ND4J a native shape descriptor and a
         * JavaCPP pointer, about as much as the kernel for a [128, 20] tensor.
         */
        INDArray take(DataType t, long[] shape, long n) {
            long key = key(t, n);
            asked.computeIfAbsent(key, k -> new int[1])[0]++;
            java.util.ArrayDeque<INDArray> q = free.get(key);
            INDArray a = q == null ? null : q.poll();
            if (a == null) {
                return null;
            }
            DataBuffer b = a.data();
            held.remove(b.address());
            bytes -= n * b.getElementSize();
            if (a.ordering() == 'c' && java.util.Arrays.equals(a.shape(), shape)) {
                return a;
            }
            return Nd4j.create(b, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', t);
        }

        /** A step ended: what it asked for raises the demand by length. */
        void stepEnded() {
            for (java.util.Map.Entry<Long, int[]> e : asked.entrySet()) {
                demand.merge(e.getKey(), e.getValue()[0], Math::max);
            }
            asked.clear();
        }

        /** Closes every buffer held and forgets the demand. */
        void drain() {
            for (java.util.ArrayDeque<INDArray> q : free.values()) {
                for (INDArray a : q) {
                    a.data().close();
                }
            }
            free.clear();
            held.clear();
            asked.clear();
            demand.clear();
            bytes = 0;
        }

        long bytes() {
            return bytes;
        }
    }

    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

    /** Closes the buffers this thread's pool holds (a fit calls it when it ends). */
    @TruffleBoundary
    static void drainPool() {
        POOL.get().drain();
    }

    /** The bytes this thread's pool holds. */
    static long pooledBytes() {
        return POOL.get().bytes();
    }

    /** A new C-order array, not zero-filled: a pooled buffer when one of its length is free. */
    private static INDArray uninitialised(DataType t, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        INDArray pooled = n == 0 ? null : POOL.get().take(t, shape, n);
        if (pooled != null) {
            return pooled;
        }
        long bytes = n * t.width();
        if (bytes >= MemoryBudget.CHECKED_BYTES) {
            MemoryBudget.check(shape, bytes);
        }
        return Nd4j.createUninitialized(t, shape, 'c');
    }

    /** A new C-order array of the working type, its elements not yet written (see {@link Tensor.Filler}). */
    @TruffleBoundary
    static Object allocate(int[] shape) {
        return Nd4j.createUninitialized(dtype(), longs(shape), 'c');
    }

    /** Writes {@code n} values into the array's elements from {@code offset} on (row-major). */
    @TruffleBoundary
    static void put(Object nd, long offset, double[] values, int n) {
        INDArray a = (INDArray) nd;
        if (a.dataType() == DataType.FLOAT) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) values[i];
            }
            new FloatPointer(a.data().addressPointer()).position(offset).put(f, 0, n);
        } else {
            new DoublePointer(a.data().addressPointer()).position(offset).put(values, 0, n);
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
        // ND4J's broadcast copies one slice at a time, an op per slice: a [k, 1] column of k draws (a batched number
        // meeting a vector in a vectorised predict or replicate) took 100 ms for k = 16000. One loop here instead.
        long n = 1;
        for (long d : t) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            return a.broadcast(t);
        }
        long[] from = a.shape();
        double[] src = a.dup('c').data().asDouble();
        long[] strides = new long[t.length];
        long stride = 1;
        for (int k = t.length - 1; k >= 0; k--) {
            strides[k] = from[k] == 1 ? 0 : stride;
            stride *= from[k];
        }
        double[] r = new double[(int) n];
        long[] idx = new long[t.length];
        long off = 0;
        for (int i = 0; i < r.length; i++) {
            r[i] = src[(int) off];
            for (int k = t.length - 1; k >= 0; k--) { // the next index, row-major, and its offset in src
                if (++idx[k] < t[k]) {
                    off += strides[k];
                    break;
                }
                off -= strides[k] * (t[k] - 1);
                idx[k] = 0;
            }
        }
        return Nd4j.create(r, t, 'c').castTo(a.dataType());
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
            FloatKernels own = own(x);
            if (own != null) {
                trace(op + " by a number", x);
                own.zipScalar(Op.valueOf(op.name()), bytes(x), (float) k, false, bytes(z), n(x));
                return z;
            }
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
            FloatKernels own = own(y);
            if (own != null) {
                trace("a number " + op + " a tensor", y);
                own.zipScalar(Op.valueOf(op.name()), bytes(y), (float) k, true, bytes(z), n(y));
                return z;
            }
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
        FloatKernels own = op == Tensor.Op2.POW ? null : own(x, y);
        if (own != null) {
            INDArray z = uninitialised(x);
            trace(op.toString(), z);
            own.zip(Op.valueOf(op.name()), bytes(x), bytes(y), bytes(z), n(z));
            return z;
        }
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
        return uninitialised(x.dataType(), x.shape());
    }

    private static INDArray rowVector(Tensor.Op2 op, INDArray x, INDArray row) {
        INDArray r = row.rank() == 2 ? row.reshape(row.length()) : row;
        INDArray z = uninitialised(x);
        FloatKernels own = own(x, row);
        if (own != null) {
            trace(op + " of a row vector to every row", x);
            own.zipRow(Op.valueOf(op.name()), bytes(x), bytes(row), bytes(z), (int) x.size(0), (int) x.size(1));
            return z;
        }
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
        FloatKernels own = own(x);
        if (own != null) {
            INDArray z = uninitialised(x);
            trace(op.toString().toLowerCase(java.util.Locale.ROOT), x);
            own.map(Fn.valueOf(op.name()), bytes(x), bytes(z), n(x));
            return z;
        }
        switch (op) {
            case NEG:
                return x.neg();
            case EXP:
                return Nd4j.exec(new Exp(x, uninitialised(x)));
            case LOG:
                return Nd4j.exec(new Log(x, uninitialised(x)));
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
                return sigmoid(x);
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
     * g * f'(x) in one pass, given fx = f(x), or null when ppl4j's own kernels cannot run it (then the tape
     * composes the derivative from whole-tensor operations).
     */
    @TruffleBoundary
    static Object unaryGradient(Tensor.Op1 op, Tensor x, Tensor fx, Tensor g) {
        if (own == null || op == Tensor.Op1.SIGN || op == Tensor.Op1.STEP) {
            return null;
        }
        INDArray xv = nd(x);
        INDArray fv = nd(fx);
        INDArray gv = nd(g);
        FloatKernels own = own(xv, fv, gv);
        if (own == null || gv.length() != xv.length() || fv.length() != xv.length()) {
            return null;
        }
        INDArray z = uninitialised(xv);
        trace("fused " + op.toString().toLowerCase(java.util.Locale.ROOT) + " gradient g * f'(x), one pass", xv);
        own.mapGradient(Fn.valueOf(op.name()), bytes(xv), bytes(fv), bytes(gv), bytes(z), n(xv));
        return z;
    }

    /** sum(-0.5 ((x - mu) / sigma)^2) in one pass of the own kernels, or null when they cannot run on these arrays. */
    @TruffleBoundary
    static Double normalQuadratic(Tensor x, Tensor mu, Tensor sigma) {
        INDArray xv = nd(x);
        INDArray mv = nd(mu);
        INDArray sv = nd(sigma);
        FloatKernels own = own(xv, mv, sv);
        if (own == null) {
            return null;
        }
        trace("fused normal log density sum(-0.5 ((x - mu) / sigma)^2), one pass", xv);
        return own.normalQuadratic(bytes(xv), bytes(mv), bytes(sv), n(xv));
    }

    /** Its gradients (see {@link Tensor#normalQuadraticGradient}), after {@link #normalQuadratic} ran on them. */
    @TruffleBoundary
    static Object[] normalQuadraticGradient(Tensor x, Tensor mu, Tensor sigma, double g, boolean withSigma) {
        INDArray xv = nd(x);
        INDArray gm = uninitialised(xv);
        INDArray gs = withSigma ? uninitialised(xv) : null;
        trace("fused normal log density gradients, one pass", xv);
        own.normalQuadraticGradient(bytes(xv), bytes(nd(mu)), bytes(nd(sigma)), (float) g, bytes(gm),
                gs == null ? null : bytes(gs), n(xv));
        return new Object[] {gm, gs};
    }

    /** Whether ppl4j's own kernels run large tensors' elementwise work (else ND4J's). */
    static boolean ownKernelsRun() {
        return own != null;
    }

    /**
     * A fused run's backward pass in one pass of the own kernels ({@link Tensor#chainGradient}): {the product, the
     * column sums or null}, or null when they cannot run on these arrays.
     */
    @TruffleBoundary
    static Object[] chainGradient(Tensor.Op1[] ops, Tensor[] xs, Tensor[] fxs, Tensor g, int cols) {
        if (own == null) {
            return null;
        }
        int k = ops.length;
        Fn[] fns = new Fn[k];
        INDArray[] arrays = new INDArray[2 * k + 1];
        ByteBuffer[] xb = new ByteBuffer[k];
        ByteBuffer[] fb = new ByteBuffer[k];
        INDArray gv = nd(g);
        arrays[2 * k] = gv;
        for (int m = 0; m < k; m++) {
            if (ops[m] == null) {
                return null;
            }
            fns[m] = Fn.valueOf(ops[m].name());
            arrays[m] = nd(xs[m]);
            arrays[k + m] = fns[m].gradientReadsValue() ? nd(fxs[m]) : gv;
        }
        FloatKernels kernels = own(arrays);
        if (kernels == null) {
            return null;
        }
        for (int m = 0; m < k; m++) {
            xb[m] = bytes(arrays[m]);
            fb[m] = fns[m].gradientReadsValue() ? bytes(arrays[k + m]) : null;
        }
        int n = n(gv);
        INDArray z = uninitialised(gv);
        INDArray sums = cols > 0 ? uninitialised(DataType.FLOAT, new long[] {cols}) : null;
        if (TRACE) {
            StringBuilder what = new StringBuilder("fused run backward g");
            for (Fn f : fns) {
                what.append(" * ").append(f.toString().toLowerCase(java.util.Locale.ROOT)).append("'");
            }
            trace(what.append(cols > 0 ? ", with a row's column sums, one pass" : ", one pass").toString(), gv);
        }
        kernels.mapGradientChain(fns, xb, fb, bytes(gv), bytes(z), sums == null ? null : bytes(sums),
                cols > 0 ? n / cols : 1, cols > 0 ? cols : n);
        return new Object[] {z, sums};
    }

    /**
     * log(1 + e^x) = max(x, 0) + softplus(-|x|): ND4J's own softplus overflows above 88 in float32, but not for
     * arguments at or below 0.
     */
    private static INDArray softplus(INDArray x) {
        // ND4J's own kernel, log(1 + exp(x)), is one pass but overflows to infinity above about 88 in float32:
        // checked with one dot product, and then computed as max(x, 0) + log(1 + exp(-|x|)), in five passes
        INDArray quick = Nd4j.exec(new SoftPlus(x, uninitialised(x)));
        if (Double.isFinite(denseSum(quick))) {
            return quick;
        }
        INDArray tail = Transforms.softPlus(Transforms.abs(x, true).negi(), false);
        return tail.addi(Transforms.relu(x, true));
    }

    /**
     * sum(x * l - softplus(l)) in two passes, float64 accumulation: the dot product x . l (BLAS, float32
     * operands) and the sum of softplus(l) (one kernel, into a temporary freed at once, or handed to
     * {@code softplus[0]} when that is not null: the same values {@code l.apply(SOFTPLUS)} makes, for a caller that
     * may split the sum per element later).
     */
    @TruffleBoundary
    static double bernoulliLogitsSum(Tensor x, Tensor l, Object[] softplus) {
        INDArray lv = nd(l);
        INDArray xv = nd(x);
        FloatKernels own = own(lv, xv);
        if (own != null && lv.length() == xv.length()) {
            trace("fused Bernoulli log-likelihood sum(x l - softplus(l)), one pass", lv);
            return own.bernoulliLogitsSum(bytes(xv), bytes(lv), n(lv));
        }
        INDArray sp = softplus(lv);
        double total;
        boolean kept = false;
        try {
            total = dot(xv, lv) - denseSum(sp);
            if (softplus != null) {
                softplus[0] = sp;
                kept = true;
            }
        } finally {
            if (!kept) {
                free(java.util.List.of(sp));
            }
        }
        return total;
    }

    /** g (x - sigmoid(l)): one sigmoid pass, then BLAS's scal and axpy in place where the layout allows. */
    @TruffleBoundary
    static Object bernoulliLogitsGradient(Tensor x, Tensor l, double g) {
        INDArray xv = nd(x);
        INDArray lv = nd(l);
        FloatKernels own = own(lv, xv);
        if (own != null && lv.length() == xv.length()) {
            INDArray z = uninitialised(lv);
            trace("fused Bernoulli gradient g (x - sigmoid(l)), one pass", lv);
            own.bernoulliLogitsGradient(bytes(xv), bytes(lv), (float) g, bytes(z), n(lv));
            return z;
        }
        INDArray s = sigmoid(lv);
        if (dense(s) && dense(xv) && s.length() == xv.length()) {
            int n = (int) s.length();
            FloatPointer sp = (FloatPointer) s.data().addressPointer();
            openblas.cblas_sscal(n, (float) -g, sp, 1);
            openblas.cblas_saxpy(n, (float) g, (FloatPointer) xv.data().addressPointer(), 1, sp, 1);
            return s;
        }
        s.rsubi(xv.reshape(s.shape()));
        return g == 1 ? s : s.muli(g);
    }

    /** sigmoid(x) into a new (pooled) array. */
    private static INDArray sigmoid(INDArray x) {
        return Nd4j.exec(new Sigmoid(x, uninitialised(x)));
    }

    /** A float32 array BLAS can read as one contiguous vector. */
    private static boolean dense(INDArray x) {
        long n = x.length();
        // a view too when it is its whole buffer (a reshaped gather: a fit's minibatch of data)
        return x.dataType() == DataType.FLOAT && (!x.isView() || x.data().length() == n) && x.offset() == 0
                && x.ordering() == 'c'
                && x.elementWiseStride() == 1 && n > 0 && n < Integer.MAX_VALUE;
    }

    /** The dot product of two arrays of one length, accumulated in float64. */
    private static double dot(INDArray x, INDArray y) {
        FloatKernels own = own(x, y);
        if (own != null && x.length() == y.length()) {
            return own.dot(bytes(x), bytes(y), n(x));
        }
        if (dense(x) && dense(y) && x.length() == y.length()) {
            return openblas.cblas_dsdot((int) x.length(), (FloatPointer) x.data().addressPointer(), 1,
                    (FloatPointer) y.data().addressPointer(), 1);
        }
        INDArray a = x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE);
        INDArray b = y.dataType() == DataType.DOUBLE ? y : y.castTo(DataType.DOUBLE);
        return a.reshape(a.length()).mul(b.reshape(b.length())).sumNumber().doubleValue();
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
        FloatKernels own = own(x);
        if (own != null) {
            return own.sum(bytes(x), (int) n);
        }
        if (dense(x)) {
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
        INDArray x = nd(t);
        FloatKernels own = own(x);
        if (own != null && x.rank() == 2 && axes.length == 1 && axes[0] == 0) {
            // a bias's gradient: the column sums of a batch
            INDArray z = uninitialised(x.dataType(), new long[] {x.size(1)});
            trace("column sums", x);
            own.sumRows(bytes(x), bytes(z), (int) x.size(0), (int) x.size(1));
            return z;
        }
        return x.sum(false, axes);
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

    /** Elements start, start + step, ... ({@code len} of them, step > 0) along {@code axis}, as a new array. */
    @TruffleBoundary
    static Object range(Tensor t, int axis, int start, int len, int step) {
        INDArray x = nd(t);
        org.nd4j.linalg.indexing.INDArrayIndex[] at = new org.nd4j.linalg.indexing.INDArrayIndex[x.rank()];
        for (int k = 0; k < at.length; k++) {
            at[k] = k == axis ? NDArrayIndex.interval(start, step, start + (long) (len - 1) * step + 1)
                    : NDArrayIndex.all();
        }
        return x.get(at).dup('c');
    }

    /** [m,k] @ [k,n], either operand optionally transposed first (without copying it). */
    @TruffleBoundary
    static Object matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        // BLAS reads the operands transposed in place: no transposed copy is made
        INDArray x = nd(a);
        INDArray y = nd(b);
        if (x.rank() == 2 && y.rank() == 2 && rowMajor(x) && rowMajor(y)) {
            // straight to BLAS (row-major) into a C-order result from the pool: ND4J's gemm zero-fills a new
            // Fortran-order result, which the kernels after it then read across its strides
            int m = (int) (transA ? x.size(1) : x.size(0));
            int k = (int) (transA ? x.size(0) : x.size(1));
            int n = (int) (transB ? y.size(0) : y.size(1));
            INDArray c = uninitialised(x.dataType(), new long[] {m, n});
            int lda = (int) x.size(1);
            int ldb = (int) y.size(1);
            int ta = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
            int tb = transB ? openblas.CblasTrans : openblas.CblasNoTrans;
            // a product too large to be one kernel runs in tiles of the result with a cancellation point between
            // them; each tile reads a block of op(A)'s rows and of op(B)'s columns in place
            int rows = tileRows(m, k, n);
            int cols = tileColumns(m, k, n);
            boolean first = true;
            for (int r0 = 0; r0 < m; r0 += rows) {
                for (int c0 = 0; c0 < n; c0 += cols) {
                    if (!first) {
                        org.ppl4j.runtime.Stop.poll("a matrix product");
                    }
                    first = false;
                    int mb = Math.min(rows, m - r0);
                    int nb = Math.min(cols, n - c0);
                    long aAt = transA ? r0 : (long) r0 * lda; // op(A)'s row r0: a row of A, or a column of A^T
                    long bAt = transB ? (long) c0 * ldb : c0; // op(B)'s column c0: a column of B, or a row of B^T
                    long cAt = (long) r0 * n + c0;
                    if (x.dataType() == DataType.FLOAT && ownProducts && own != null && fitsBytes(x, y, c)) {
                        trace("matmul (own product)", c);
                        own.matmul(transA, transB, mb, nb, k, bytes(x), (int) aAt, lda, bytes(y), (int) bAt, ldb,
                                bytes(c), (int) cAt, n);
                    } else if (x.dataType() == DataType.FLOAT) {
                        openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, mb, nb, k, 1f,
                                at((FloatPointer) x.data().addressPointer(), aAt), lda,
                                at((FloatPointer) y.data().addressPointer(), bAt), ldb, 0f,
                                at((FloatPointer) c.data().addressPointer(), cAt), n);
                    } else {
                        openblas.cblas_dgemm(openblas.CblasRowMajor, ta, tb, mb, nb, k, 1.0,
                                at((DoublePointer) x.data().addressPointer(), aAt), lda,
                                at((DoublePointer) y.data().addressPointer(), bAt), ldb, 0.0,
                                at((DoublePointer) c.data().addressPointer(), cAt), n);
                    }
                }
            }
            return c;
        }
        return Nd4j.gemm(x, y, transA, transB);
    }

    /**
     * Multiply-adds in one tile of a product between two cancellation points: 2^28 (half a GFLOP; tens of
     * milliseconds on one core). Products up to 4 times this (every product of the VAE examples: 128 x 784 x 400
     * is 2^25.3) are one kernel call, as before. A tile has at least 256 rows and columns where the result has
     * them, so that BLAS's packing of each tile's operands stays a small part of its work.
     */
    static long blockMultiplyAdds = Long.getLong("ppl.blockMultiplyAdds", 1L << 28); // a test makes it smaller
    private static final int MIN_TILE = 256;

    /** Whether every array's bytes fit a {@link ByteBuffer} (under 2 GiB), as the own kernels read them. */
    private static boolean fitsBytes(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.data().length() * a.data().getElementSize() > Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** The buffer from element {@code at} on: the buffer itself at 0 (a product in one tile), else a view. */
    private static FloatPointer at(FloatPointer p, long at) {
        return at == 0 ? p : new FloatPointer(p).position(p.position() + at);
    }

    private static DoublePointer at(DoublePointer p, long at) {
        return at == 0 ? p : new DoublePointer(p).position(p.position() + at);
    }

    /** Rows of op(A) per tile of the product [m,k] @ [k,n]: all m when the product is small. */
    static int tileRows(int m, int k, int n) {
        if ((long) m * k * n <= 4 * blockMultiplyAdds) {
            return m;
        }
        long side = Math.max(MIN_TILE, (long) Math.sqrt((double) blockMultiplyAdds / Math.max(1, k)));
        return (int) Math.min(m, side);
    }

    /** Columns of op(B) per tile, given {@link #tileRows}. */
    static int tileColumns(int m, int k, int n) {
        if ((long) m * k * n <= 4 * blockMultiplyAdds) {
            return n;
        }
        long cols = Math.max(MIN_TILE, blockMultiplyAdds / ((long) tileRows(m, k, n) * Math.max(1, k)));
        return (int) Math.min(n, cols);
    }

    /** A dense C-order matrix of the working type starting at its buffer's start, as BLAS reads it. */
    private static boolean rowMajor(INDArray x) {
        // a view too when it is its whole buffer (a reshaped gather: a fit's minibatch of data, the first
        // layer's input, which otherwise went through ND4J's gemm op and its Fortran-order result)
        return x.dataType() == dtype() && x.ordering() == 'c' && x.offset() == 0 && x.elementWiseStride() == 1
                && (!x.isView() || x.data().length() == x.length()) && x.length() > 0 && x.length() < Integer.MAX_VALUE
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE);
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
        long[] shape = x.shape().clone();
        shape[0] = rows.length;
        long rowBytes = width * x.data().getElementSize();
        if (!x.isView() && x.offset() == 0 && x.ordering() == 'c' && x.elementWiseStride() == 1 && rows.length > 0
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE)
                && Math.max(n, rows.length) * rowBytes < Integer.MAX_VALUE) { // int offsets into both buffers
            // a C-order array: each row is one block of memory, copied in bulk into the result's own shape (the
            // native gather took 0.1 ms for a minibatch of 128 images, then a reshape made a view of its result)
            INDArray picked = uninitialised(x.dataType(), shape);
            ByteBuffer from = bytes(x);
            ByteBuffer to = bytes(picked);
            int b = (int) rowBytes;
            for (int i = 0; i < rows.length; i++) {
                to.put(i * b, from, rows[i] * b, b);
            }
            return picked;
        }
        INDArray matrix = x.reshape('c', n, width);
        INDArray picked = Nd4j.pullRows(matrix, uninitialised(matrix.dataType(), new long[] {rows.length, width}), 1,
                rows);
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
        FloatKernels own = own(x);
        if (own != null && (check == Tensor.Check.FINITE || check == Tensor.Check.NOT_NAN)
                && own.allFinite(bytes(x), (int) x.length())) {
            return true; // one pass, no reduction; else the checks below say which
        }
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
            double eps, long t, boolean inPlace, boolean overwriteGrad, boolean[] finite) {
        INDArray u = nd(param);
        if (state[0] == null) {
            state[0] = Nd4j.zeros(u.dataType(), u.shape());
            state[1] = Nd4j.zeros(u.dataType(), u.shape());
        }
        INDArray v = (INDArray) state[0];
        INDArray m = (INDArray) state[1];
        INDArray gv = nd(grad);
        FloatKernels own = own(u, gv, v, m);
        if (own != null && gv.length() == u.length()) {
            // one pass: reads the gradient, updates both moments and the parameter (a copy unless in place)
            INDArray p = inPlace ? u : u.dup('c');
            trace("fused Adam step (both moments and the parameter), one pass", p);
            finite[0] = own.adam(bytes(p), bytes(gv), bytes(m), bytes(v), n(p), lr, beta1, beta2, eps, t);
            return p;
        }
        INDArray g = overwriteGrad ? gv : gv.dup('c');
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
