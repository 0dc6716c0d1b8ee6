package org.ppl4j.runtime.ad;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An immutable dense float64 array, row-major. Small tensors live in a Java array so that scalar-heavy
 * models never pay ND4J's per-op cost (13-58 us) or its start-up; large matrix products go to ND4J
 * through {@link Nd4jKernels}, which is only class-loaded when such a product happens.
 */
public final class Tensor implements com.oracle.truffle.api.interop.TruffleObject {
    /** Products with at least this many multiply-adds are handed to ND4J's BLAS. */
    static final long ND4J_MATMUL_THRESHOLD = 64L * 64 * 64;

    private final int[] shape;
    final double[] data;

    public Tensor(int[] shape, double[] data) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " elements, got " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor vector(double... values) {
        return new Tensor(new int[] {values.length}, values.clone());
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new double[allocatable(shape)]);
    }

    /**
     * The element count of a new tensor of this shape, or an error naming the shape, the memory it needs and
     * the memory the JVM may use, rather than a native or heap crash.
     */
    static int allocatable(int[] shape) {
        int n = numel(shape);
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
        double[] d = new double[allocatable(shape)];
        Arrays.fill(d, v);
        return new Tensor(shape, d);
    }

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
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
        return data.length;
    }

    public double get(int flatIndex) {
        return data[flatIndex];
    }

    /** A copy of the elements, row-major. */
    public double[] toArray() {
        return data.clone();
    }

    public Tensor map(DoubleUnaryOperator f) {
        double[] r = new double[data.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(data[i]);
        }
        return new Tensor(shape, r);
    }

    public double sum() {
        double s = 0;
        for (double d : data) {
            s += d;
        }
        return s;
    }

    /** The shape two operands broadcast to under NumPy's rules, or an error naming both shapes. */
    public static int[] broadcastShape(int[] a, int[] b) {
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
        double[] r = new double[numel(target)];
        int[] srcStrides = broadcastStrides(shape, target);
        int[] idx = new int[target.length];
        for (int i = 0; i < r.length; i++) {
            int off = 0;
            for (int k = 0; k < idx.length; k++) {
                off += idx[k] * srcStrides[k];
            }
            r[i] = data[off];
            increment(idx, target);
        }
        return new Tensor(target, r);
    }

    /** Sums over broadcast dimensions so that a gradient of shape {@code this} fits {@code target}. */
    public Tensor reduceTo(int[] target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        double[] r = new double[numel(target)];
        int[] dstStrides = broadcastStrides(target, shape);
        int[] idx = new int[shape.length];
        for (double v : data) {
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

    public static Tensor zipWith(Tensor a, Tensor b, DoubleBinaryOperator f) {
        int[] s = broadcastShape(a.shape, b.shape);
        Tensor x = a.broadcastTo(s);
        Tensor y = b.broadcastTo(s);
        double[] r = new double[x.data.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(x.data[i], y.data[i]);
        }
        return new Tensor(s, r);
    }

    public Tensor scale(double k) {
        return map(v -> v * k);
    }

    public Tensor plus(Tensor o) {
        return zipWith(this, o, Double::sum);
    }

    public Tensor times(Tensor o) {
        return zipWith(this, o, (p, q) -> p * q);
    }

    public Tensor transpose() {
        if (shape.length != 2) {
            throw new ShapeException("transpose needs a matrix, got shape " + Arrays.toString(shape));
        }
        int m = shape[0];
        int n = shape[1];
        double[] r = new double[data.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                r[j * m + i] = data[i * n + j];
            }
        }
        return new Tensor(new int[] {n, m}, r);
    }

    /** Matrix product of two matrices ([m,k] @ [k,n]); vectors are treated as a row (left) or column (right). */
    public static Tensor matmul(Tensor a, Tensor b) {
        Tensor x = a.rank() == 1 ? new Tensor(new int[] {1, a.shape[0]}, a.data) : a;
        Tensor y = b.rank() == 1 ? new Tensor(new int[] {b.shape[0], 1}, b.data) : b;
        if (x.rank() != 2 || y.rank() != 2 || x.shape[1] != y.shape[0]) {
            throw new ShapeException("cannot multiply shapes " + Arrays.toString(a.shape) + " @ "
                    + Arrays.toString(b.shape));
        }
        int m = x.shape[0];
        int k = x.shape[1];
        int n = y.shape[1];
        double[] r;
        if ((long) m * k * n >= ND4J_MATMUL_THRESHOLD) {
            r = Nd4jKernels.matmul(x.data, y.data, m, k, n);
        } else {
            r = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    double xv = x.data[i * k + p];
                    int yo = p * n;
                    int ro = i * n;
                    for (int j = 0; j < n; j++) {
                        r[ro + j] += xv * y.data[yo + j];
                    }
                }
            }
        }
        int[] shape;
        if (a.rank() == 1 && b.rank() == 1) {
            shape = new int[] {};
        } else if (a.rank() == 1) {
            shape = new int[] {n};
        } else if (b.rank() == 1) {
            shape = new int[] {m};
        } else {
            shape = new int[] {m, n};
        }
        return new Tensor(shape, r);
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
            return data[i];
        }
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        int n = numel(rest);
        return new Tensor(rest, Arrays.copyOfRange(data, i * n, (i + 1) * n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "tensor" + Arrays.toString(shape);
    }
}
