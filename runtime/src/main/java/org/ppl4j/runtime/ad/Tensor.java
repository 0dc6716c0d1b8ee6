package org.ppl4j.runtime.ad;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An immutable dense array, row-major, of any rank (rank 0 is a scalar tensor).
 *
 * <p>Two storages, chosen by size. A tensor with fewer than {@link #largeThreshold()} elements lives in a Java
 * {@code double[]}: scalar-heavy models never pay ND4J's per-operation cost (13-58 us, DESIGN.md section 5) nor
 * its start-up. A larger one lives in ND4J, in float32 by default (float64 when {@link #setLargeFloat64} says
 * so), and its operations run as ND4J kernels ({@link Nd4jKernels}, the only class that touches ND4J). Either
 * storage is converted to the other on demand and cached, so a value read element by element or handed to a
 * kernel pays the conversion once. Results that come back small from a kernel (a sum over an axis, a narrow
 * matrix product) return to Java arrays.
 */
public final class Tensor implements com.oracle.truffle.api.interop.TruffleObject {
    /** Products with at least this many multiply-adds are handed to ND4J's BLAS whatever the operands' sizes. */
    static final long ND4J_MATMUL_THRESHOLD = 64L * 64 * 64;

    private static final int LARGE = Integer.getInteger("ppl.tensor.nd4jThreshold", 10_000);
    private static volatile boolean largeFloat64 = "float64".equals(System.getProperty("ppl.tensor.dtype"));

    /** Elementwise functions with an ND4J kernel. */
    enum Op1 {
        NEG(x -> -x), EXP(Math::exp), LOG(Math::log), LOG1P(Math::log1p), SQRT(Math::sqrt), SQUARE(x -> x * x),
        ABS(Math::abs), TANH(Math::tanh), SIGMOID(Fns::sigmoid), SOFTPLUS(Fns::softplus),
        RELU(x -> x > 0 || Double.isNaN(x) ? x : 0), SIGN(Math::signum), STEP(x -> x > 0 ? 1 : 0);

        final DoubleUnaryOperator f;

        Op1(DoubleUnaryOperator f) {
            this.f = f;
        }
    }

    /** Elementwise binary operations with an ND4J kernel. */
    enum Op2 {
        ADD(Double::sum), SUB((x, y) -> x - y), MUL((x, y) -> x * y), DIV((x, y) -> x / y), POW(Math::pow);

        final DoubleBinaryOperator f;

        Op2(DoubleBinaryOperator f) {
            this.f = f;
        }
    }

    /** Whole-tensor tests, for parameter checks that must not copy a large tensor out of ND4J. */
    public enum Check {
        NOT_NAN, FINITE, POSITIVE, NON_NEGATIVE, BINARY;

        boolean test(double x) {
            switch (this) {
                case NOT_NAN:
                    return !Double.isNaN(x);
                case FINITE:
                    return Double.isFinite(x);
                case POSITIVE:
                    return x > 0;
                case NON_NEGATIVE:
                    return x >= 0;
                default:
                    return x == 0 || x == 1;
            }
        }
    }

    private final int[] shape;
    private final int size;
    private volatile double[] data;
    /** The ND4J array (an INDArray, typed Object so that this class never loads ND4J), or null. */
    private volatile Object nd;

    public Tensor(int[] shape, double[] data) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " elements, got " + data.length);
        }
        this.shape = shape.clone();
        this.size = data.length;
        this.data = data;
    }

    private Tensor(int[] shape, Object nd) {
        this.shape = shape;
        this.size = numel(shape);
        this.nd = nd;
    }

    /**
     * The step scope open on this thread (see {@link #openStep}), or null. Nested scopes (a fit run from inside
     * another fit's step) chain to the scope they interrupt.
     */
    private static final ThreadLocal<Step> STEP = new ThreadLocal<>();

    private static final boolean FREE_STEPS = !"false".equals(System.getProperty("ppl.tensor.freeSteps"));

    /** What one step made: large kernel results, and the ND4J arrays of small ones (copied back to Java). */
    private static final class Step {
        final Step outer;
        final java.util.ArrayList<Tensor> large = new java.util.ArrayList<>();
        final java.util.ArrayList<Object> smallArrays = new java.util.ArrayList<>();
        /** Small tensors copied into ND4J during the step: their copies are dropped (the Java array stays). */
        final java.util.ArrayList<Tensor> copiedIn = new java.util.ArrayList<>();

        Step(Step outer) {
            this.outer = outer;
        }
    }

    /**
     * The tensor whose ND4J array this one's shares (a reshape without a copy), or null when it owns its array.
     */
    private Tensor base;
    /** Made by a kernel while a step scope was open: the only tensors whose memory ppl4j ever frees itself. */
    private boolean bornInStep;
    /** {@link #STEP_SCOPED}, {@link #KEPT} or {@link #ESCAPED}: who may free this tensor's memory. */
    private volatile int life;
    /** Known to hold only 0s and 1s (a comparison's result, or rows or a slice of one): checks need no pass. */
    private boolean binary;
    /** Known to be finite everywhere (an Adam step's result, checked in its own pass): FINITE needs no pass. */
    private boolean finite;
    /** Set when its memory was freed; any later read is an internal error. */
    private volatile boolean freed;

    /** Arrays made by kernels during steps and not freed by ppl4j (escaped ones are left to the collector). */
    private static final java.util.concurrent.atomic.AtomicLong STEP_ARRAYS =
            new java.util.concurrent.atomic.AtomicLong();

    /**
     * How many ND4J arrays kernels made during step scopes that ppl4j has not freed: the kept parameters, escaped
     * values (freed by the garbage collector, still counted here) and what open steps made. A fit whose memory
     * is flat leaves this the same however many steps it runs.
     */
    public static long stepArraysHeld() {
        return STEP_ARRAYS.get();
    }

    /** Freed when the step that made it ends (or, made outside any step, left to the garbage collector). */
    private static final int STEP_SCOPED = 0;
    /** Held across steps by one owner (a parameter store), which frees it when it lets go. */
    private static final int KEPT = 1;
    /** Reachable from user code (a global variable, a fit's result): only the garbage collector frees it. */
    private static final int ESCAPED = 2;

    /**
     * Opens a step scope on this thread: from now until {@link #endStep}, the ND4J memory of every tensor a
     * kernel makes belongs to the step and is freed when it ends, unless the tensor was {@link #keep kept} by
     * an owner or {@link #escape escaped} to user code (a value written to a global variable). A fit opens one
     * around each step, so that a step's forward and backward arrays (hundreds of MiB a second for a VAE) are
     * freed at once instead of whenever the garbage collector gets to them, and its memory stays flat. Set
     * {@code -Dppl.tensor.freeSteps=false} to leave all of it to the garbage collector.
     */
    public static void openStep() {
        STEP.set(new Step(STEP.get()));
    }

    /** Whether a step scope is open on this thread (values that leave it must be kept or escaped). */
    public static boolean inStep() {
        return STEP.get() != null;
    }

    /** Ends the innermost step scope: frees the memory of what it made that was neither kept nor escaped. */
    public static void endStep() {
        Step step = STEP.get();
        if (step == null) {
            return;
        }
        STEP.set(step.outer);
        if (!FREE_STEPS) {
            return;
        }
        java.util.ArrayList<Object> arrays = step.smallArrays;
        for (Tensor t : step.copiedIn) {
            Object copy = t.nd;
            if (copy != null && t.data != null) {
                t.nd = null; // the next kernel that reads it copies it in again
                arrays.add(copy);
            }
        }
        for (Tensor t : step.large) {
            if (t.life != STEP_SCOPED) {
                continue;
            }
            if (step.outer != null) {
                step.outer.large.add(t); // the enclosing step may still hand it on; it frees it when it ends
                continue;
            }
            if (t.base == null) {
                arrays.add(t.nd);
                STEP_ARRAYS.decrementAndGet();
            }
            t.release();
        }
        if (!arrays.isEmpty()) { // a program with no large tensor never loads ND4J
            freedArrays = true;
            Nd4jKernels.freeStep(arrays);
        }
    }

    /** Whether a step freed ND4J arrays on some thread (then ND4J is loaded and a pool may hold buffers). */
    private static volatile boolean freedArrays;

    /**
     * Closes the buffers that steps freed on this thread and kept for the steps after them (see
     * {@code Nd4jKernels.Pool}); a fit calls it when it ends.
     */
    public static void releasePool() {
        if (freedArrays) {
            Nd4jKernels.drainPool();
        }
    }

    /**
     * Marks this tensor as held across steps by an owner that frees it with {@link #releaseKept}. Returns this
     * tensor.
     */
    public Tensor keep() {
        if (life < KEPT) {
            life = KEPT;
        }
        if (base != null) {
            base.keep(); // its memory is the base's
        }
        return this;
    }

    /** Marks this tensor as reachable from user code: ppl4j never frees its memory itself. Returns it. */
    public Tensor escape() {
        life = ESCAPED;
        if (base != null) {
            base.escape();
        }
        return this;
    }

    /**
     * An owner lets go of a value it {@link #keep kept}: its memory is freed now when a step made it, it owns
     * its array, and it never escaped to user code. Anything else is left to the garbage collector.
     */
    public static void releaseKept(Object value) {
        if (!FREE_STEPS || !(value instanceof Tensor t) || !t.bornInStep || t.life != KEPT || t.base != null
                || t.nd == null) {
            return;
        }
        Object array = t.nd;
        t.release();
        STEP_ARRAYS.decrementAndGet();
        freedArrays = true;
        Nd4jKernels.free(java.util.List.of(array));
    }

    /** Drops the ND4J array; the tensor stays readable when it has a Java copy. */
    private void release() {
        nd = null;
        if (data == null) {
            freed = true;
        }
    }

    private IllegalStateException usedAfterFree() {
        return new IllegalStateException("internal error: a tensor of shape " + Arrays.toString(shape)
                + " was freed when the fit step that made it ended, but is used afterwards; rerun with"
                + " -Dppl.tensor.freeSteps=false to work around it, and please report it");
    }

    /** A kernel's result: kept in ND4J when large, copied back into a Java array when small. */
    static Tensor ofNd(Object nd) {
        Step step = STEP.get();
        int[] s = Nd4jKernels.shapeOf(nd);
        if (numel(s) < LARGE) {
            // a small result keeps only its Java copy, so that freeing the array cannot reach it
            Tensor t = new Tensor(s, Nd4jKernels.toDoubles(nd));
            if (step != null) {
                step.smallArrays.add(nd);
            }
            return t;
        }
        Tensor t = new Tensor(s, nd);
        if (step != null) {
            t.bornInStep = true;
            step.large.add(t);
            STEP_ARRAYS.incrementAndGet();
        }
        return t;
    }

    /** A kernel's result that shares the ND4J array memory of {@code base} (a reshape without copying). */
    private static Tensor ofNdView(Object nd, Tensor base) {
        int[] s = Nd4jKernels.shapeOf(nd);
        Tensor t = new Tensor(s, nd);
        t.base = base.base != null ? base.base : base;
        Step step = STEP.get();
        if (step != null) {
            t.bornInStep = true;
            step.large.add(t);
        }
        return t;
    }

    /** The number of elements from which a tensor is stored and computed in ND4J. */
    public static int largeThreshold() {
        return LARGE;
    }

    /** Whether large tensors are float64 (else float32, the default). */
    public static boolean largeFloat64() {
        return largeFloat64;
    }

    /** Large tensors created from now on are float64 ({@code true}) or float32. JVM-wide. */
    public static void setLargeFloat64(boolean float64) {
        largeFloat64 = float64;
    }

    /**
     * One Adam ascent step for a large parameter, as ND4J's fused kernel: the moments live in {@code state}
     * ({@code {v, m}}, created on the first call) and are updated in place; returns the new parameter. The
     * update is the Java optimiser's, lr * mHat / (sqrt(vHat) + eps), in the kernel's precision.
     *
     * <p>A parameter only its owner holds ({@link #keep kept}, never escaped) is updated in place and returned
     * itself, and a gradient the step made and no one else uses ({@code gradShared} false) receives the update in
     * its own array: no array is allocated, as in a hand-written training loop.
     */
    public static Tensor adamStep(Tensor param, Tensor grad, Object[] state, double lr, double beta1, double beta2,
            double eps, long t, boolean gradShared) {
        boolean inPlace = FREE_STEPS && param.life == KEPT && param.base == null && param.nd != null
                && Nd4jKernels.writable(param.nd);
        boolean overwriteGrad = FREE_STEPS && !gradShared && inStep() && grad.bornInStep
                && grad.life == STEP_SCOPED && grad.base == null && grad.nd != null && Nd4jKernels.writable(grad.nd);
        boolean[] finite = new boolean[1];
        Object r = Nd4jKernels.adam(param, grad, state, lr, beta1, beta2, eps, t, inPlace, overwriteGrad, finite);
        if (inPlace) {
            param.data = null; // its Java copy, if any, holds the old values
            param.binary = false;
            param.finite = finite[0];
            return param;
        }
        Tensor p = ofNd(r).keep();
        p.finite = finite[0];
        return p;
    }

    /** An optimiser state array (from {@link #adamStep}) as doubles, for checkpoints. */
    public static double[] stateToDoubles(Object state) {
        return Nd4jKernels.stateToDoubles(state);
    }

    /** An optimiser state array restored from a checkpoint's doubles. */
    public static Object stateFromDoubles(double[] d, int[] shape) {
        return Nd4jKernels.fromDoubles(d, shape);
    }

    /** Whether this tensor is stored and computed in ND4J. */
    public boolean isLarge() {
        return size >= LARGE;
    }

    /** The elements in a Java array (copied out of ND4J once, then cached). Never modify it. */
    double[] d() {
        double[] r = data;
        if (r == null) {
            if (freed) {
                throw usedAfterFree();
            }
            r = Nd4jKernels.toDoubles(nd);
            data = r;
        }
        return r;
    }

    /** The ND4J array (copied in once, then cached). Never modify it. */
    Object nd() {
        Object r = nd;
        if (r == null) {
            if (freed) {
                throw usedAfterFree();
            }
            r = Nd4jKernels.fromDoubles(data, shape);
            nd = r;
            Step step = STEP.get();
            if (step != null && size < LARGE) {
                step.copiedIn.add(this);
            }
        }
        return r;
    }

    /**
     * Writes a large tensor's elements in row-major order, chunk by chunk, straight into ND4J storage of the
     * large tensors' precision: a loader never holds a Java array of the data's size (60,000 images are 376 MB
     * as doubles, 188 MB as float32).
     */
    public static final class Filler {
        private final int[] shape;
        private final long size;
        private final Object nd;
        private long written;

        private Filler(int[] shape) {
            this.shape = shape.clone();
            this.size = allocatable(shape);
            this.nd = Nd4jKernels.allocate(shape);
        }

        /** Appends {@code n} values from {@code values}. */
        public void put(double[] values, int n) {
            if (written + n > size) {
                throw new IllegalStateException("more values than shape " + Arrays.toString(shape) + " holds");
            }
            Nd4jKernels.put(nd, written, values, n);
            written += n;
        }

        /** The tensor, once every element is written. */
        public Tensor finish() {
            if (written != size) {
                throw new IllegalStateException(written + " of the " + size + " values of shape "
                        + Arrays.toString(shape) + " were written");
            }
            return ofNd(nd);
        }
    }

    /**
     * A {@link Filler} for a tensor of this shape when it is large and every value is exact in the large
     * tensors' precision ({@code exactInFloat32}: the values are known to be, e.g. 8- or 16-bit integers), else
     * null (the caller builds a Java array).
     */
    public static Filler filler(int[] shape, boolean exactInFloat32) {
        if (numel(shape) < LARGE || !(exactInFloat32 || largeFloat64)) {
            return null;
        }
        return new Filler(shape);
    }

    public static Tensor vector(double... values) {
        return new Tensor(new int[] {values.length}, values.clone());
    }

    public static Tensor scalar(double v) {
        return new Tensor(new int[] {}, new double[] {v});
    }

    public static Tensor zeros(int... shape) {
        return full(shape, 0.0);
    }

    /**
     * The element count of a new tensor of this shape, or an error naming the shape, the memory it needs and
     * the memory the JVM may use, rather than a native or heap crash.
     */
    public static int allocatable(int[] shape) {
        int n = numel(shape);
        if (n >= LARGE) {
            // stored in ND4J, outside the heap: the process's memory budget first; then, as for every tensor, the
            // heap check below (a tensor may pass through a Java array of doubles on its way: printing, copies)
            MemoryBudget.check(shape, (long) n * (largeFloat64 ? 8 : 4));
        }
        return heapChecked(shape, n);
    }

    /** {@link #allocatable} for a Java array of doubles of this shape, however large: budget and heap. */
    public static int allocatableInJava(int[] shape) {
        int n = numel(shape);
        if (n >= LARGE) {
            MemoryBudget.check(shape, 8L * n);
        }
        return heapChecked(shape, n);
    }

    private static int heapChecked(int[] shape, int n) {
        long bytes = 8L * n;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > available) {
            throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " needs "
                    + (bytes >> 20) + " MiB, but only " + (available >> 20) + " MiB of memory are available");
        }
        return n;
    }

    public static Tensor ones(int... shape) {
        return full(shape, 1.0);
    }

    public static Tensor full(int[] shape, double v) {
        int n = allocatable(shape);
        if (n >= LARGE) {
            return ofNd(Nd4jKernels.full(shape, v));
        }
        double[] d = new double[n];
        if (v != 0) {
            Arrays.fill(d, v);
        }
        return new Tensor(shape, d);
    }

    public static int numel(int[] shape) {
        long n = 1;
        double approx = 1; // the count where a long would overflow ([1e9, 1e9, 1e9])
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.min(n * s, 1L << 40); // both factors below 2^40 and 2^31: no overflow
            approx *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " would have "
                    + (approx < 1e15 ? Long.toString((long) approx) : Double.toString(approx))
                    + " elements, more than the 2147483647 (2^31 - 1) a tensor may hold");
        }
        return (int) n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return size;
    }

    public double get(int flatIndex) {
        return d()[flatIndex];
    }

    /** A copy of the elements, row-major. */
    public double[] toArray() {
        return d().clone();
    }

    /** The same elements viewed with another shape of the same size. */
    public Tensor reshape(int[] newShape) {
        if (Arrays.equals(newShape, shape)) {
            return this;
        }
        if (numel(newShape) != size) {
            throw new ShapeException("cannot reshape a tensor of shape " + Arrays.toString(shape) + " ("
                    + size + " elements) to " + Arrays.toString(newShape));
        }
        if (data != null) {
            return sameElements(new Tensor(newShape, data));
        }
        return sameElements(ofNdView(Nd4jKernels.reshape(this, newShape), this));
    }

    /** Elementwise f, in Java (any function; large tensors are copied out). */
    public Tensor map(DoubleUnaryOperator f) {
        double[] x = d();
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(x[i]);
        }
        return new Tensor(shape, r);
    }

    /** Elementwise op, as an ND4J kernel for a large tensor. */
    Tensor apply(Op1 op) {
        if (isLarge()) {
            return ofNd(Nd4jKernels.unary(op, this));
        }
        return map(op.f);
    }

    /**
     * g * f'(x) for a large x in one pass of ppl4j's own kernels ({@code kernels/}), given fx = f(x); null when
     * they do not run here (the caller composes the derivative from whole-tensor operations instead).
     */
    static Tensor unaryGradient(Op1 op, Tensor x, Tensor fx, Tensor g) {
        if (!x.isLarge() || !Arrays.equals(g.shape, x.shape)) {
            return null;
        }
        Object r = Nd4jKernels.unaryGradient(op, x, fx, g);
        return r == null ? null : ofNd(r);
    }

    /**
     * A fused run's backward pass ({@link Fusion}): g fns[k]'(xs[k]) ... fns[0]'(xs[0]) elementwise, given fxs[m] =
     * fns[m](xs[m]), all of g's size; with {@code cols > 0} also its column sums as a [size / cols, cols] matrix
     * (a bias's gradient). Returns {the product, the sums or null}; null when it cannot run in one pass here (large
     * tensors without ppl4j's own kernels, or not dense): the caller then runs the nodes one by one.
     */
    static Tensor[] chainGradient(AD.Fn1[] fns, Op1[] ops, Tensor[] xs, Tensor[] fxs, Tensor g, int cols) {
        int n = g.size;
        for (Tensor x : xs) {
            if (x.size != n || x.isLarge() != g.isLarge()) {
                return null;
            }
        }
        if (g.isLarge()) {
            Object[] r = Nd4jKernels.chainGradient(ops, xs, fxs, g, cols);
            if (r == null) {
                return null;
            }
            return new Tensor[] {ofNd(r[0]), r[1] == null ? null : ofNd(r[1])};
        }
        double[] gd = g.d();
        double[] out = new double[n];
        double[][] xd = new double[xs.length][];
        double[][] fd = new double[xs.length][];
        for (int m = 0; m < xs.length; m++) {
            xd[m] = xs[m].d();
            fd[m] = fxs[m].d();
        }
        double[] sums = cols > 0 ? new double[cols] : null;
        for (int i = 0; i < n; i++) {
            double d = gd[i];
            for (int m = 0; m < fns.length; m++) {
                d *= fns[m].df(xd[m][i], fd[m][i]);
            }
            out[i] = d;
            if (sums != null) {
                sums[i % cols] += d;
            }
        }
        return new Tensor[] {new Tensor(g.shape, out), sums == null ? null : new Tensor(new int[] {cols}, sums)};
    }

    /** A tensor of {@code shape}: {@code v} itself (a tensor of that shape) or a number filled in. */
    static Tensor broadcastValue(Object v, int[] shape) {
        return v instanceof Tensor t ? t : full(shape, ((Number) v).doubleValue());
    }

    private static double at(Object v, double[] d, int i) {
        return d != null ? d[i] : ((Number) v).doubleValue();
    }

    /**
     * sum(-0.5 ((x - mu) / sigma)^2), mu and sigma tensors of x's shape or numbers, in one pass; null for a large x
     * where ppl4j's own kernels do not run on the three arrays.
     */
    static Double normalQuadratic(Tensor x, Object mu, Object sigma) {
        if (x.isLarge()) {
            if (!(mu instanceof Tensor m) || !(sigma instanceof Tensor s)) {
                return null;
            }
            return Nd4jKernels.normalQuadratic(x, m, s);
        }
        double[] xd = x.d();
        double[] md = mu instanceof Tensor m ? m.d() : null;
        double[] sd = sigma instanceof Tensor s ? s.d() : null;
        double total = 0;
        for (int i = 0; i < xd.length; i++) {
            double z = (xd[i] - at(mu, md, i)) / at(sigma, sd, i);
            total += z * z;
        }
        return -0.5 * total;
    }

    /**
     * The gradients of g {@link #normalQuadratic}, in one pass: {g z / sigma (the gradient for mu; -1 times it for
     * x), g z^2 / sigma (for sigma) or null when not {@code withSigma}}, z = (x - mu) / sigma, each of x's shape.
     */
    static Tensor[] normalQuadraticGradient(Tensor x, Object mu, Object sigma, double g, boolean withSigma) {
        if (x.isLarge()) {
            Object[] r = Nd4jKernels.normalQuadraticGradient(x, (Tensor) mu, (Tensor) sigma, g, withSigma);
            return new Tensor[] {ofNd(r[0]), r[1] == null ? null : ofNd(r[1])};
        }
        double[] xd = x.d();
        double[] md = mu instanceof Tensor m ? m.d() : null;
        double[] sd = sigma instanceof Tensor s ? s.d() : null;
        double[] gm = new double[xd.length];
        double[] gs = withSigma ? new double[xd.length] : null;
        for (int i = 0; i < xd.length; i++) {
            double s = at(sigma, sd, i);
            double z = (xd[i] - at(mu, md, i)) / s;
            gm[i] = g * z / s;
            if (gs != null) {
                gs[i] = gm[i] * z;
            }
        }
        return new Tensor[] {new Tensor(x.shape, gm), gs == null ? null : new Tensor(x.shape, gs)};
    }

    /** What multiplies float32 matrices in this JVM, for {@code --version}. */
    public static String products() {
        return Products.describe();
    }

    /** Which kernels compute large tensors' elementwise work in this JVM, for {@code --version}. */
    public static String kernels() {
        return org.ppl4j.kernels.FloatKernels.describe();
    }

    /**
     * sum(x * l - softplus(l)) over all elements, for tensors of one shape ({@code this} is l): the Bernoulli
     * log-likelihood of 0/1 values x given logits l. Accumulated in float64.
     */
    double bernoulliLogitsSum(Tensor x) {
        return bernoulliLogitsSum(x, null);
    }

    /**
     * As {@link #bernoulliLogitsSum(Tensor)}; where the sum takes softplus(l) as a whole tensor on its way (large
     * tensors in ND4J's kernels), that tensor is put in {@code softplus[0]} (else it stays null): bit for bit what
     * {@code apply(Op1.SOFTPLUS)} makes, so that splitting the sum per element later need not compute it again.
     */
    double bernoulliLogitsSum(Tensor x, Tensor[] softplus) {
        if (isLarge()) {
            Object[] sp = softplus == null ? null : new Object[1];
            double v = Nd4jKernels.bernoulliLogitsSum(x, this, sp);
            if (sp != null && sp[0] != null) {
                softplus[0] = ofNd(sp[0]);
            }
            return v;
        }
        double[] l = d();
        double[] xs = x.d();
        double s = 0;
        for (int i = 0; i < l.length; i++) {
            s += xs[i] * l[i] - Fns.softplus(l[i]);
        }
        return s;
    }

    /** g (x - sigmoid(l)) elementwise ({@code this} is l): the gradient of g * {@link #bernoulliLogitsSum}. */
    Tensor bernoulliLogitsGradient(Tensor x, double g) {
        if (isLarge()) {
            return ofNd(Nd4jKernels.bernoulliLogitsGradient(x, this, g));
        }
        double[] l = d();
        double[] xs = x.d();
        double[] r = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            r[i] = g * (xs[i] - Fns.sigmoid(l[i]));
        }
        return new Tensor(shape, r);
    }

    /** Whether every element passes {@code check}. */
    public boolean allMatch(Check check) {
        if (binary && check != Check.POSITIVE) {
            return true; // 0s and 1s pass every other check
        }
        if (finite && (check == Check.FINITE || check == Check.NOT_NAN)) {
            return true;
        }
        if (data == null) { // only in ND4J: one or two reductions there rather than a copy
            return Nd4jKernels.allMatch(this, check);
        }
        double[] x = d();
        switch (check) { // one loop per check: no dispatch per element
            case NOT_NAN:
                for (double v : x) {
                    if (v != v) {
                        return false;
                    }
                }
                return true;
            case FINITE:
                for (double v : x) {
                    if (v - v != 0) { // NaN and the infinities
                        return false;
                    }
                }
                return true;
            case POSITIVE:
                for (double v : x) {
                    if (!(v > 0)) {
                        return false;
                    }
                }
                return true;
            case NON_NEGATIVE:
                for (double v : x) {
                    if (!(v >= 0)) {
                        return false;
                    }
                }
                return true;
            default:
                for (double v : x) {
                    if (v != 0 && v != 1) {
                        return false;
                    }
                }
                binary = true;
                return true;
        }
    }

    /** The order comparisons {@code <, <=, >, >=}, for {@link #compare}. */
    public enum Cmp {
        LT, LE, GT, GE
    }

    /**
     * a cmp b elementwise as 1 or 0 (NaN compares false), known binary. A large tensor against a number is one
     * ND4J kernel and its result stays in ND4J (binarising a data set: no Java copy of it); otherwise
     * {@code javaTest} (1 or 0 for two elements) runs in Java under broadcasting.
     */
    public static Tensor compare(Tensor a, Tensor b, Cmp cmp, DoubleBinaryOperator javaTest) {
        if (a.isLarge() && b.size == 1 && !Double.isNaN(b.get(0))) {
            return ofNd(Nd4jKernels.compare(a, b.get(0), cmp)).knownBinary();
        }
        if (b.isLarge() && a.size == 1 && !Double.isNaN(a.get(0))) {
            Cmp flipped = cmp == Cmp.LT ? Cmp.GT : cmp == Cmp.LE ? Cmp.GE : cmp == Cmp.GT ? Cmp.LT : Cmp.LE;
            return ofNd(Nd4jKernels.compare(b, a.get(0), flipped)).knownBinary();
        }
        return zipWith(a, b, javaTest).knownBinary();
    }

    /** This tensor, known to hold only 0s and 1s (the caller guarantees it). */
    public Tensor knownBinary() {
        binary = true;
        return this;
    }

    /** {@code r}, which holds some of this tensor's elements, known binary when this one is. */
    private Tensor sameElements(Tensor r) {
        if (binary) {
            r.binary = true;
        }
        return r;
    }

    public double sum() {
        if (isLarge()) {
            return Nd4jKernels.sum(this);
        }
        double s = 0;
        for (double x : d()) {
            s += x;
        }
        return s;
    }

    /** The shape two operands broadcast to under NumPy's rules, or an error naming both shapes. */
    public static int[] broadcastShape(int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a.clone();
        }
        int n = Math.max(a.length, b.length);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /** This tensor's elements repeated to fill {@code target} (which it must broadcast to). */
    public Tensor broadcastTo(int[] target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        int[] full = broadcastShape(shape, target);
        if (!Arrays.equals(full, target)) {
            throw new ShapeException("shape " + Arrays.toString(shape) + " does not broadcast to "
                    + Arrays.toString(target));
        }
        if (allocatable(target) >= LARGE) {
            return ofNd(Nd4jKernels.broadcastTo(this, target));
        }
        double[] src = d();
        double[] r = new double[numel(target)];
        int[] srcStrides = broadcastStrides(shape, target);
        int[] idx = new int[target.length];
        for (int i = 0; i < r.length; i++) {
            int off = 0;
            for (int k = 0; k < idx.length; k++) {
                off += idx[k] * srcStrides[k];
            }
            r[i] = src[off];
            increment(idx, target);
        }
        return new Tensor(target, r);
    }

    /** Sums over broadcast dimensions so that a gradient of shape {@code this} fits {@code target}. */
    public Tensor reduceTo(int[] target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        if (isLarge()) {
            int lead = shape.length - target.length;
            int[] axes = new int[shape.length];
            int n = 0;
            for (int k = 0; k < shape.length; k++) {
                if (k < lead || (target[k - lead] == 1 && shape[k] != 1)) {
                    axes[n++] = k;
                }
            }
            return ofNd(Nd4jKernels.sumAxes(this, Arrays.copyOf(axes, n))).reshape(target);
        }
        double[] r = new double[numel(target)];
        int[] dstStrides = broadcastStrides(target, shape);
        int[] idx = new int[shape.length];
        for (double v : d()) {
            int off = 0;
            for (int k = 0; k < idx.length; k++) {
                off += idx[k] * dstStrides[k];
            }
            r[off] += v;
            increment(idx, shape);
        }
        return new Tensor(target, r);
    }

    private static int[] broadcastStrides(int[] small, int[] big) {
        int[] strides = new int[big.length];
        int stride = 1;
        for (int k = big.length - 1; k >= 0; k--) {
            int sk = k - (big.length - small.length);
            if (sk >= 0) {
                strides[k] = small[sk] == 1 ? 0 : stride;
                stride *= small[sk];
            }
        }
        return strides;
    }

    private static void increment(int[] idx, int[] shape) {
        for (int k = idx.length - 1; k >= 0; k--) {
            if (++idx[k] < shape[k]) {
                return;
            }
            idx[k] = 0;
        }
    }

    /** Elementwise f under broadcasting, in Java (any function; large tensors are copied out). */
    public static Tensor zipWith(Tensor a, Tensor b, DoubleBinaryOperator f) {
        int[] s = broadcastShape(a.shape, b.shape);
        double[] x = a.size == 1 ? null : a.broadcastToJava(s);
        double[] y = b.size == 1 ? null : b.broadcastToJava(s);
        double xs = a.size == 1 ? a.get(0) : 0;
        double ys = b.size == 1 ? b.get(0) : 0;
        double[] r = new double[numel(s)];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(x == null ? xs : x[i], y == null ? ys : y[i]);
        }
        return new Tensor(s, r);
    }

    private double[] broadcastToJava(int[] target) {
        if (Arrays.equals(shape, target)) {
            return d();
        }
        Tensor t = broadcastTo(target);
        return t.d();
    }

    /** a op b under broadcasting; an ND4J kernel when the result is large. */
    static Tensor binary(Op2 op, Tensor a, Tensor b) {
        int[] s = broadcastShape(a.shape, b.shape);
        if (allocatable(s) >= LARGE) {
            return ofNd(Nd4jKernels.binary(op, a, b, s));
        }
        if (op == Op2.POW) {
            return zipWith(a, b, op.f);
        }
        // one loop per operation, with the operation written out: a call through op.f per element is a
        // megamorphic interface call that the JIT cannot inline (a tenth of a VAE step went to such calls)
        double[] x = a.size == 1 ? null : a.broadcastToJava(s);
        double[] y = b.size == 1 ? null : b.broadcastToJava(s);
        if (x == null) {
            x = new double[numel(s)];
            Arrays.fill(x, a.get(0));
        }
        if (y == null) {
            y = new double[x.length];
            Arrays.fill(y, b.get(0));
        }
        double[] r = new double[x.length];
        switch (op) {
            case ADD:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] + y[i];
                }
                break;
            case SUB:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] - y[i];
                }
                break;
            case MUL:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] * y[i];
                }
                break;
            default:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] / y[i];
                }
                break;
        }
        return new Tensor(s, r);
    }

    public Tensor scale(double k) {
        return binary(Op2.MUL, this, scalar(k));
    }

    public Tensor plus(Tensor o) {
        return binary(Op2.ADD, this, o);
    }

    public Tensor minus(Tensor o) {
        return binary(Op2.SUB, this, o);
    }

    public Tensor times(Tensor o) {
        return binary(Op2.MUL, this, o);
    }

    public Tensor transpose() {
        if (shape.length != 2) {
            throw new ShapeException("transpose needs a matrix, got shape " + Arrays.toString(shape));
        }
        int m = shape[0];
        int n = shape[1];
        if (isLarge()) {
            return ofNd(Nd4jKernels.transpose(this));
        }
        double[] x = d();
        double[] r = new double[x.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                r[j * m + i] = x[i * n + j];
            }
        }
        return new Tensor(new int[] {n, m}, r);
    }

    /** Matrix product of two matrices ([m,k] @ [k,n]); vectors are treated as a row (left) or column (right). */
    public static Tensor matmul(Tensor a, Tensor b) {
        Tensor x = a.rank() == 1 ? a.reshape(new int[] {1, a.shape[0]}) : a;
        Tensor y = b.rank() == 1 ? b.reshape(new int[] {b.shape[0], 1}) : b;
        if (x.rank() != 2 || y.rank() != 2 || x.shape[1] != y.shape[0]) {
            throw new ShapeException("cannot multiply shapes " + Arrays.toString(a.shape) + " @ "
                    + Arrays.toString(b.shape));
        }
        Tensor r = matmul(x, false, y, false);
        int m = x.shape[0];
        int n = y.shape[1];
        int[] shape;
        if (a.rank() == 1 && b.rank() == 1) {
            shape = new int[] {};
        } else if (a.rank() == 1) {
            shape = new int[] {n};
        } else if (b.rank() == 1) {
            shape = new int[] {m};
        } else {
            return r;
        }
        return r.reshape(shape);
    }

    /** op(a) @ op(b) for matrices, op = transpose where asked (no copy is made for ND4J). */
    static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int m = transA ? a.shape[1] : a.shape[0];
        int k = transA ? a.shape[0] : a.shape[1];
        int k2 = transB ? b.shape[1] : b.shape[0];
        int n = transB ? b.shape[0] : b.shape[1];
        if (k != k2) {
            throw new ShapeException("cannot multiply shapes " + Arrays.toString(a.shape) + " @ "
                    + Arrays.toString(b.shape));
        }
        allocatable(new int[] {m, n});
        if ((long) m * k * n >= ND4J_MATMUL_THRESHOLD || a.isLarge() || b.isLarge()) {
            return ofNd(Nd4jKernels.matmul(a, transA, b, transB));
        }
        double[] x = transA ? a.transpose().d() : a.d();
        double[] y = transB ? b.transpose().d() : b.d();
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double xv = x[i * k + p];
                int yo = p * n;
                int ro = i * n;
                for (int j = 0; j < n; j++) {
                    r[ro + j] += xv * y[yo + j];
                }
            }
        }
        return new Tensor(new int[] {m, n}, r);
    }

    /** Sum over {@code axis} (which must be in range), dropping it. */
    public Tensor sumAxis(int axis) {
        checkAxis(axis);
        if (isLarge()) {
            return ofNd(Nd4jKernels.sumAxes(this, new int[] {axis}));
        }
        return reduceAxis(axis, 0.0, Double::sum);
    }

    /** Maximum over {@code axis}, dropping it. */
    public Tensor maxAxis(int axis) {
        checkAxis(axis);
        if (isLarge()) {
            return ofNd(Nd4jKernels.maxAxes(this, new int[] {axis}));
        }
        return reduceAxis(axis, Double.NEGATIVE_INFINITY, Math::max);
    }

    private void checkAxis(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new ShapeException("axis " + axis + " is out of range for a tensor of shape "
                    + Arrays.toString(shape));
        }
    }

    private Tensor reduceAxis(int axis, double init, DoubleBinaryOperator f) {
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= shape[k];
        }
        int len = shape[axis];
        int inner = 1;
        for (int k = axis + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        double[] x = d();
        double[] r = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = init;
                for (int j = 0; j < len; j++) {
                    acc = f.applyAsDouble(acc, x[(o * len + j) * inner + i]);
                }
                r[o * inner + i] = acc;
            }
        }
        return new Tensor(dropAxis(shape, axis), r);
    }

    public static int[] dropAxis(int[] shape, int axis) {
        int[] r = new int[shape.length - 1];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (k != axis) {
                r[j++] = shape[k];
            }
        }
        return r;
    }

    static int[] keepAxis(int[] shape, int axis) {
        int[] r = shape.clone();
        r[axis] = 1;
        return r;
    }

    /** The slices {@code rows} along the first axis, stacked in that order (a minibatch of data rows). */
    public Tensor rows(int[] rows) {
        if (shape.length == 0) {
            throw new ShapeException("cannot take rows of a scalar tensor");
        }
        for (int r : rows) {
            if (r < 0 || r >= shape[0]) {
                throw new IndexOutOfBoundsException("row " + r + " is out of bounds for a dimension of size "
                        + shape[0]);
            }
        }
        int[] out = shape.clone();
        out[0] = rows.length;
        if (data == null) {
            return sameElements(ofNd(Nd4jKernels.rows(this, rows)));
        }
        int n = size / Math.max(1, shape[0]);
        double[] r = new double[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(data, rows[i] * n, r, i * n, n);
        }
        return sameElements(new Tensor(out, r));
    }

    /**
     * Elements {@code start, start + step, ...} (before {@code stop}) along {@code axis}: NumPy's
     * {@code x[..., start:stop:step, ...]} with the bounds already resolved.
     */
    public Tensor range(int axis, int start, int stop, int step) {
        checkAxis(axis);
        int len = step > 0 ? Math.max(0, (stop - start + step - 1) / step) : Math.max(0, (start - stop - step - 1) / -step);
        if (start == 0 && step == 1 && len == shape[axis]) {
            return this; // the whole axis: tensors are immutable, no copy needed
        }
        int[] out = shape.clone();
        out[axis] = len;
        if (data == null && step > 0 && len > 0) {
            // only in ND4J (a loaded data set): the slice is copied there, not the whole tensor out to Java
            return sameElements(ofNd(Nd4jKernels.range(this, axis, start, len, step)));
        }
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= shape[k];
        }
        int inner = 1;
        for (int k = axis + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        double[] x = d();
        double[] r = new double[numel(out)];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < len; j++) {
                System.arraycopy(x, (o * shape[axis] + start + j * step) * inner, r, (o * len + j) * inner, inner);
            }
        }
        return sameElements(new Tensor(out, r));
    }

    /** The gradient of {@link #range}: {@code g} scattered into zeros of {@code full}'s shape. */
    static Tensor unrange(Tensor g, int[] full, int axis, int start, int step) {
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= full[k];
        }
        int inner = 1;
        for (int k = axis + 1; k < full.length; k++) {
            inner *= full[k];
        }
        int len = g.shape[axis];
        double[] x = g.d();
        double[] r = new double[numel(full)];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < len; j++) {
                int dst = (o * full[axis] + start + j * step) * inner;
                int src = (o * len + j) * inner;
                for (int i = 0; i < inner; i++) {
                    r[dst + i] += x[src + i];
                }
            }
        }
        return new Tensor(full, r);
    }

    /** Tensors of equal shapes but along {@code axis}, joined along it. */
    public static Tensor concat(Tensor[] parts, int axis) {
        int[] out = parts[0].shape.clone();
        if (axis < 0 || axis >= out.length) {
            throw new ShapeException("axis " + axis + " is out of range for tensors of shape "
                    + Arrays.toString(out));
        }
        out[axis] = 0;
        for (Tensor p : parts) {
            if (p.rank() != out.length) {
                throw new ShapeException("cannot concatenate shapes " + Arrays.toString(parts[0].shape) + " and "
                        + Arrays.toString(p.shape));
            }
            for (int k = 0; k < out.length; k++) {
                if (k != axis && p.shape[k] != out[k]) {
                    throw new ShapeException("cannot concatenate shapes " + Arrays.toString(parts[0].shape)
                            + " and " + Arrays.toString(p.shape) + " along axis " + axis);
                }
            }
            out[axis] += p.shape[axis];
        }
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= out[k];
        }
        int inner = 1;
        for (int k = axis + 1; k < out.length; k++) {
            inner *= out[k];
        }
        double[] r = new double[numel(out)];
        int offset = 0;
        for (Tensor p : parts) {
            double[] x = p.d();
            int len = p.shape[axis] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x, o * len, r, o * out[axis] * inner + offset, len);
            }
            offset += len;
        }
        return new Tensor(out, r);
    }

    /** The i-th slice along the first axis: a scalar for a vector, a tensor of rank - 1 otherwise. */
    public Object slice(int i) {
        if (shape.length == 0) {
            throw new ShapeException("cannot index a scalar tensor");
        }
        if (i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("index " + i + " is out of bounds for a dimension of size "
                    + shape[0]);
        }
        if (shape.length == 1) {
            return d()[i];
        }
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        int n = numel(rest);
        return new Tensor(rest, Arrays.copyOfRange(d(), i * n, (i + 1) * n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(d(), t.d());
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(d());
    }

    @Override
    public String toString() {
        return "tensor" + Arrays.toString(shape);
    }
}
