package org.ppl4j.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.ppl4j.kernels.FloatKernels;
import org.ppl4j.kernels.Fn;
import org.ppl4j.kernels.Op;

/**
 * Single large-tensor operations of a VAE step in one process, ND4J's kernel (as ppl4j called it before its own
 * kernels: into a preallocated result) against ppl4j's Vector API and scalar kernels, and the
 * {@code [128,784] @ [784,400]} float32 product of the BLAS on the class path. Medians of 31 timings (main-thread
 * CPU time) of 20 calls each, after 300 calls of warm-up. Run with the launcher's flags (docs/performance.md):
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... org.ppl4j.bench.KernelBench</pre>
 */
public final class KernelBench {
    private KernelBench() {
    }

    interface Body {
        void run();
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** Median ms of this thread's CPU time per call of {@code body} (CPU time: the machine may be shared). */
    static double time(Body body) {
        for (int i = 0; i < 300; i++) {
            body.run();
        }
        int reps = 20;
        double[] t = new double[31];
        for (int r = 0; r < t.length; r++) {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                body.run();
            }
            t[r] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / reps;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    static INDArray random(Random r, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        ByteBuffer b = bytes(a);
        for (int i = 0; i < a.length(); i++) {
            b.putFloat(i * 4, (float) r.nextGaussian());
        }
        return a;
    }

    static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Random r = new Random(1);
        INDArray x784 = random(r, 128, 784);
        INDArray y784 = random(r, 128, 784);
        INDArray z784 = random(r, 128, 784);
        INDArray x400 = random(r, 128, 400);
        INDArray g400 = random(r, 128, 400);
        INDArray z400 = random(r, 128, 400);
        INDArray bias = random(r, 400);
        INDArray w = random(r, 784, 400);
        INDArray wg = random(r, 784, 400);
        INDArray update = Nd4j.zeros(DataType.FLOAT, 784, 400);
        INDArray m = Nd4j.zeros(DataType.FLOAT, 784, 400);
        INDArray v = Nd4j.zeros(DataType.FLOAT, 784, 400);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {128, 400}, 'c');
        INDArray ones = Nd4j.ones(DataType.FLOAT, 128 * 784);
        FloatKernels vector = FloatKernels.vector();
        List<FloatKernels> own = new ArrayList<>();
        if (vector != null) {
            own.add(vector);
        }
        own.add(FloatKernels.scalar());
        System.out.println("| operation | ND4J ms | " + String.join(" | ", own.stream().map(k -> k.name() + " ms")
                .toList()) + " |");
        System.out.println("|---|---|" + "---|".repeat(own.size()));
        row("exp [128,784]", () -> Nd4j.exec(new Exp(x784, z784)), own,
                k -> () -> k.map(Fn.EXP, bytes(x784), bytes(z784), 128 * 784));
        row("softplus [128,400]", () -> Nd4j.exec(new SoftPlus(x400, z400)), own,
                k -> () -> k.map(Fn.SOFTPLUS, bytes(x400), bytes(z400), 128 * 400));
        row("softplus backward [128,400] (ND4J: sigmoid, multiply)", () -> {
            Nd4j.exec(new Sigmoid(x400, z400));
            z400.muli(g400);
        }, own, k -> () -> k.mapGradient(Fn.SOFTPLUS, bytes(x400), null, bytes(g400), bytes(z400), 128 * 400));
        row("bias add [128,400] + [400]", () -> Nd4j.exec(new BroadcastAddOp(x400, bias, z400, 1)), own,
                k -> () -> k.zipRow(Op.ADD, bytes(x400), bytes(bias), bytes(z400), 128, 400));
        row("Bernoulli logits sum [128,784] (ND4J: softplus, 2 dsdot)", () -> {
            Nd4j.exec(new SoftPlus(x784, z784));
            double s = openblas.cblas_dsdot(128 * 784, (FloatPointer) y784.data().addressPointer(), 1,
                    (FloatPointer) x784.data().addressPointer(), 1)
                    - openblas.cblas_dsdot(128 * 784, (FloatPointer) z784.data().addressPointer(), 1,
                    (FloatPointer) ones.data().addressPointer(), 1);
            if (Double.isNaN(s)) {
                throw new AssertionError();
            }
        }, own, k -> () -> k.bernoulliLogitsSum(bytes(y784), bytes(x784), 128 * 784));
        row("Bernoulli logits gradient [128,784] (ND4J: sigmoid, scal, axpy)", () -> {
            Nd4j.exec(new Sigmoid(x784, z784));
            openblas.cblas_sscal(128 * 784, -1f, (FloatPointer) z784.data().addressPointer(), 1);
            openblas.cblas_saxpy(128 * 784, 1f, (FloatPointer) y784.data().addressPointer(), 1,
                    (FloatPointer) z784.data().addressPointer(), 1);
        }, own, k -> () -> k.bernoulliLogitsGradient(bytes(y784), bytes(x784), 1f, bytes(z784), 128 * 784));
        row("sum [128,784] (ND4J path: BLAS dsdot with ones)", () -> openblas.cblas_dsdot(128 * 784,
                (FloatPointer) x784.data().addressPointer(), 1, (FloatPointer) ones.data().addressPointer(), 1),
                own, k -> () -> k.sum(bytes(x784), 128 * 784));
        row("column sums [128,400] -> [400]", () -> x400.sum(false, 0), own,
                k -> () -> k.sumRows(bytes(x400), bytes(bias), 128, 400));
        Body nd4jBiasSoftplusBack = () -> {
            Nd4j.exec(new Sigmoid(x400, z400));
            z400.muli(g400);
            z400.sum(false, 0);
        };
        row("bias, softplus backward [128,400], unfused (own: gradient, then column sums)", nd4jBiasSoftplusBack, own,
                k -> () -> {
                    k.mapGradient(Fn.SOFTPLUS, bytes(x400), null, bytes(g400), bytes(z400), 128 * 400);
                    k.sumRows(bytes(z400), bytes(bias), 128, 400);
                });
        Fn[] softplus = {Fn.SOFTPLUS};
        row("bias, softplus backward [128,400], fused run (one pass)", nd4jBiasSoftplusBack, own,
                k -> () -> k.mapGradientChain(softplus, new ByteBuffer[] {bytes(x400)}, new ByteBuffer[1],
                        bytes(g400), bytes(z400), bytes(bias), 128, 400));
        long[] step = {0};
        row("Adam [784,400] (ND4J: AdamUpdater, add)", () -> {
            // the update into an array of its own: written over the gradient, the gradients would shrink to
            // denormal numbers over the repetitions and time those instead
            Nd4j.exec(new AdamUpdater(wg, v, m, update, v, m, 1e-9, 0.9, 0.999, 1e-8, (int) step[0]++));
            w.addi(update);
        }, own, k -> () -> { k.adam(bytes(w), bytes(wg), bytes(m), bytes(v), 784 * 400, 1e-9, 0.9, 0.999, 1e-8, 10); });
        double gemm = time(() -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                openblas.CblasNoTrans, 128, 400, 784, 1f, (FloatPointer) x784.data().addressPointer(), 784,
                (FloatPointer) w.data().addressPointer(), 400, 0f, (FloatPointer) c.data().addressPointer(), 400));
        System.out.printf("%nsgemm [128,784] @ [784,400]: %.3f ms (%.1f GFLOP/s), %s, OPENBLAS_CORETYPE=%s%n", gemm,
                2.0 * 128 * 784 * 400 / gemm / 1e6, linkedVersion(),
                System.getenv("OPENBLAS_CORETYPE"));
        products(r, own);
    }

    /**
     * The VAE's three kinds of large product (a layer, its weight gradient, its input gradient), the BLAS's
     * {@code cblas_sgemm} against the kernels' own {@link FloatKernels#matmul} where they have one, in turns.
     */
    private static void products(Random r, List<FloatKernels> own) {
        System.out.printf("%n%-46s %10s", "product (ms, GFLOP/s)", "BLAS");
        for (FloatKernels k : own) {
            System.out.printf(" %22s", k.matmulName() == null ? "-" : k.getClass().getSimpleName());
        }
        System.out.println();
        // {transA, transB, m, n, k}: op(A) is [m,k], op(B) [k,n]
        int[][] shapes = {{0, 0, 128, 400, 784}, {1, 0, 784, 400, 128}, {0, 1, 128, 784, 400}, {0, 0, 128, 784, 400},
            {1, 0, 400, 784, 128}, {0, 1, 128, 400, 784}};
        for (int[] s : shapes) {
            boolean ta = s[0] == 1;
            boolean tb = s[1] == 1;
            int m = s[2];
            int n = s[3];
            int k = s[4];
            INDArray a = ta ? random(r, k, m) : random(r, m, k);
            INDArray b = tb ? random(r, n, k) : random(r, k, n);
            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, 'c');
            int lda = (int) a.size(1);
            int ldb = (int) b.size(1);
            double flop = 2.0 * m * n * k;
            double blas = time(() -> openblas.cblas_sgemm(openblas.CblasRowMajor,
                    ta ? openblas.CblasTrans : openblas.CblasNoTrans, tb ? openblas.CblasTrans : openblas.CblasNoTrans,
                    m, n, k, 1f, (FloatPointer) a.data().addressPointer(), lda,
                    (FloatPointer) b.data().addressPointer(), ldb, 0f, (FloatPointer) c.data().addressPointer(), n));
            String label = String.format(Locale.ROOT, "%s [%d,%d] @ [%d,%d]", (ta ? "A^T" : "A") + (tb ? " B^T" : " B"),
                    m, k, k, n);
            System.out.printf(Locale.ROOT, "%-46s %5.3f %4.0f", label, blas, flop / blas / 1e6);
            for (FloatKernels kernels : own) {
                if (kernels.matmulName() == null) {
                    System.out.printf(" %22s", "(BLAS)");
                    continue;
                }
                double t = time(() -> kernels.matmul(ta, tb, m, n, k, bytes(a), 0, lda, bytes(b), 0, ldb, bytes(c), 0,
                        n));
                System.out.printf(Locale.ROOT, " %10.3f %4.0f (%.2fx)", t, flop / t / 1e6, t / blas);
            }
            System.out.println();
        }
    }

    /**
     * The OpenBLAS version of the library on the class path, read when this runs: the constant itself would be
     * compiled into this class, and a build that only changed the dependency's version would print the old one.
     */
    private static String linkedVersion() {
        try {
            return String.valueOf(openblas.class.getField("OPENBLAS_VERSION").get(null)).trim();
        } catch (ReflectiveOperationException e) {
            return "OpenBLAS (version unknown)";
        }
    }

    interface Own {
        Body body(FloatKernels k);
    }

    static void row(String label, Body nd4j, List<FloatKernels> own, Own body) {
        StringBuilder sb = new StringBuilder("| " + label + " | " + String.format("%.4f", time(nd4j)) + " |");
        for (FloatKernels k : own) {
            sb.append(String.format(" %.4f |", time(body.body(k))));
        }
        System.out.println(sb);
    }
}
