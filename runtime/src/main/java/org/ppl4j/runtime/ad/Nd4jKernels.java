package org.ppl4j.runtime.ad;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The large-tensor kernels that run on ND4J. Kept in one class so that programs with only small tensors
 * never load ND4J (its first op costs about a second).
 */
final class Nd4jKernels {
    static {
        String threads = System.getProperty("ppl.threads", System.getenv().getOrDefault("PPL_THREADS", "1"));
        Nd4j.getEnvironment().setMaxMasterThreads(Integer.parseInt(threads));
        Nd4j.getEnvironment().setMaxThreads(Integer.parseInt(threads));
    }

    private Nd4jKernels() {
    }

    static double[] matmul(double[] x, double[] y, int m, int k, int n) {
        INDArray a = Nd4j.create(x, new long[] {m, k}, DataType.DOUBLE);
        INDArray b = Nd4j.create(y, new long[] {k, n}, DataType.DOUBLE);
        return a.mmul(b).data().asDouble();
    }
}
