package org.ppl4j.kernels;

import java.nio.ByteBuffer;

/**
 * Float32 kernels over dense arrays held in direct {@link ByteBuffer}s in the platform's byte order (ND4J's
 * buffers, seen through {@code DataBuffer.asNio()}), element 0 at byte 0. Every method reads {@code n} elements
 * (or {@code rows * cols}) and never writes its inputs unless an output is the same buffer, which each method
 * allows (elementwise kernels read an element before they write it). Sums and dot products accumulate in float64.
 *
 * <p>Two implementations: {@link VectorKernels} on the JDK's Vector API, {@link ScalarKernels} in plain loops.
 * {@link #live()} is the one chosen for this JVM by {@code -Dppl.kernels=vector|scalar|nd4j} (default nd4j), or
 * null when the caller should keep its own kernels (ND4J's).
 */
public abstract class FloatKernels {
    /** A short name for {@code ppl --version}. */
    public abstract String name();

    /** out = f(x). */
    public abstract void map(Fn f, ByteBuffer x, ByteBuffer out, int n);

    /**
     * out = g * f'(x), the backward pass of {@link #map} in one pass; {@code fx} is f(x), read only by the
     * functions whose derivative needs it ({@link Fn#gradientReadsValue}), else it may be null.
     */
    public abstract void mapGradient(Fn f, ByteBuffer x, ByteBuffer fx, ByteBuffer g, ByteBuffer out, int n);

    /**
     * The backward pass of a fused run of functions, y = f_k(...f_2(f_1(x_1))...), in one pass: out = g f_k'(x_k)
     * ... f_1'(x_1), where {@code fns[m]} was applied to {@code xs[m]} giving {@code fxs[m]} (each read only where
     * {@link Fn#gradientReadsValue} says so; else it may be null). {@code fns[0]} is the last function applied, the
     * one g is the adjoint of. With {@code colSums} non-null, also writes the column sums of out viewed as a [rows,
     * cols] matrix (a bias's gradient: the run began with a bias added to every row), accumulated in float32.
     */
    public abstract void mapGradientChain(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, ByteBuffer g, ByteBuffer out,
            ByteBuffer colSums, int rows, int cols);

    /**
     * sum of -0.5 ((x - mu) / sigma)^2 over n elements (float64 sum), one pass: the part of a normal log density
     * that depends on x (log sigma and the constant are terms of their own, see the runtime's Normal).
     */
    public abstract double normalQuadratic(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, int n);

    /**
     * The gradients of g * {@link #normalQuadratic} in one pass: gMu = g (x - mu) / sigma^2 (the gradient with respect
     * to x is -gMu) and gSigma = g (x - mu)^2 / sigma^3; gSigma may be null.
     */
    public abstract void normalQuadraticGradient(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, float g,
            ByteBuffer gMu, ByteBuffer gSigma, int n);

    /** out = a op b, elementwise over arrays of one length. */
    public abstract void zip(Op op, ByteBuffer a, ByteBuffer b, ByteBuffer out, int n);

    /** out = a op k ({@code scalarLeft} false) or k op a (true). */
    public abstract void zipScalar(Op op, ByteBuffer a, float k, boolean scalarLeft, ByteBuffer out, int n);

    /** out[i, j] = a[i, j] op row[j] for a [rows, cols] matrix: a bias over a batch. */
    public abstract void zipRow(Op op, ByteBuffer a, ByteBuffer row, ByteBuffer out, int rows, int cols);

    /** The sum of n elements, in float64. */
    public abstract double sum(ByteBuffer x, int n);

    /** The dot product, in float64. */
    public abstract double dot(ByteBuffer x, ByteBuffer y, int n);

    /** Whether every one of n elements is finite (no NaN, no infinity). */
    public abstract boolean allFinite(ByteBuffer x, int n);

    /** out[j] = sum over i of x[i, j] for a [rows, cols] matrix (a bias's gradient), accumulated in float32. */
    public abstract void sumRows(ByteBuffer x, ByteBuffer out, int rows, int cols);

    /** sum(x l - softplus(l)), the Bernoulli log-likelihood of x given logits l, in one pass (float64 sum). */
    public abstract double bernoulliLogitsSum(ByteBuffer x, ByteBuffer l, int n);

    /** out = g (x - sigmoid(l)): the gradient of g * bernoulliLogitsSum with respect to l, in one pass. */
    public abstract void bernoulliLogitsGradient(ByteBuffer x, ByteBuffer l, float g, ByteBuffer out, int n);

    /**
     * One Adam ascent step in place: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; param += lr sqrt(1 - b2^t) /
     * (1 - b1^t) m / (sqrt(v) + eps sqrt(1 - b2^t)), i.e. lr mHat / (sqrt(vHat) + eps). {@code param} may be null
     * (then the update is written over {@code grad} instead). Returns whether every value written (the new
     * parameter, or the update) is finite: the check a fit makes after each update, here in the same pass.
     */
    public abstract boolean adam(ByteBuffer param, ByteBuffer grad, ByteBuffer m, ByteBuffer v, int n, double lr,
            double beta1, double beta2, double eps, long t);

    /**
     * c = op(a) op(b), float32 matrices in row-major order: op(A) is [m, k] (a[aOff + i lda + p], or with
     * {@code transA} a[aOff + p lda + i]), op(B) is [k, n] (b[bOff + p ldb + j], or with {@code transB}
     * b[bOff + j ldb + p]), c[cOff + i ldc + j] is written; offsets and strides count floats, and c must not overlap
     * a or b. Returns false, writing nothing, where these kernels leave matrix products to BLAS: the Vector API
     * kernels multiply with 512-bit vectors ({@link VectorGemm}), the others never.
     */
    public boolean matmul(boolean transA, boolean transB, int m, int n, int k, ByteBuffer a, int aOff, int lda,
            ByteBuffer b, int bOff, int ldb, ByteBuffer c, int cOff, int ldc) {
        return false;
    }

    /**
     * The threads {@link #matmul} splits a large product over (by its columns; at least 1, the default). The
     * runtime sets it from {@code PPL_THREADS}, as it sets ND4J's and OpenBLAS's.
     */
    public static void setProductThreads(int threads) {
        try {
            Class.forName("org.ppl4j.kernels.VectorGemm").getDeclaredMethod("threads", int.class)
                    .invoke(null, threads);
        } catch (ReflectiveOperationException | LinkageError e) {
            // no Vector API in this JVM: no own product to split
        }
    }

    /** What {@link #matmul} runs on, for {@code ppl --version}: a name, or null where it leaves products to BLAS. */
    public String matmulName() {
        return null;
    }

    // ------------------------------------------------------------------------------------------- selection

    private static final class Live {
        static final String WHY;
        static final FloatKernels KERNELS;

        static {
            // ND4J's unless asked: the vector kernels need C2 for all code, which costs start-up
            // (docs/performance.md)
            String asked = System.getProperty("ppl.kernels", "nd4j");
            String why;
            FloatKernels k = null;
            boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            switch (asked) {
                case "scalar":
                    k = new ScalarKernels();
                    why = "ppl4j scalar kernels (-Dppl.kernels=scalar)";
                    break;
                case "vector":
                    if (!vectorModule) {
                        why = "ND4J kernels (-Dppl.kernels=vector, but the JVM runs without --add-modules"
                                + " jdk.incubator.vector)";
                    } else if (!optimisingJit()) {
                        why = "ND4J kernels (-Dppl.kernels=vector, but the Vector API needs the C2 compiler and"
                                + " this JVM runs with -XX:TieredStopAtLevel below 4 or without a JIT)";
                    } else {
                        k = vector();
                        why = k == null ? "ND4J kernels (the Vector API did not load)" : k.name();
                    }
                    break;
                default:
                    why = Boolean.getBoolean("ppl.jit.handOver")
                            ? "ppl4j Vector API kernels for programs with large tensors: ppl run hands such a program"
                                    + " over to a JVM with C2 and these kernels at its first large tensor, unless it"
                                    + " has printed by then (ND4J kernels in this JVM; PPL_KERNELS=nd4j: always ND4J's)"
                            : "ND4J kernels (ppl4j's own, faster for large tensors: PPL_KERNELS=vector ./ppl ...;"
                                    + " embedded: -Dppl.kernels=vector and --add-modules jdk.incubator.vector)";
                    break;
            }
            KERNELS = k;
            WHY = why;
        }
    }

    /** The kernels chosen for this JVM (once, at first use), or null: then ND4J's kernels run. */
    public static FloatKernels live() {
        return Live.KERNELS;
    }

    /** Which kernels run large-tensor elementwise work in this JVM, and why, for {@code ppl --version}. */
    public static String describe() {
        return Live.WHY;
    }

    /** The plain-loop kernels (for tests and benchmarks; {@link #live} chooses for a program). */
    public static FloatKernels scalar() {
        return new ScalarKernels();
    }

    /**
     * The Vector API kernels, loaded by name so that this class links without jdk.incubator.vector; null when
     * the JVM runs without the module.
     */
    public static FloatKernels vector() {
        try {
            return (FloatKernels) Class.forName("org.ppl4j.kernels.VectorKernels").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Whether this JVM's JIT includes C2 (not stopped at C1 by {@code -XX:TieredStopAtLevel}). */
    public static boolean optimisingJit() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
            int level = Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue());
            boolean compiles = Boolean.parseBoolean(vm.getVMOption("UseCompiler").getValue());
            return compiles && (!tiered || level >= 4);
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }
}
