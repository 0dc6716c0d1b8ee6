package org.ppl4j.embed;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ppl4j.runtime.ad.Tensor;

/** ND4J arrays in and out; only this class names ND4J, so an application that uses none never loads it. */
final class Nd4jArrays {
    private Nd4jArrays() {
    }

    static boolean isArray(Object v) {
        try {
            return v instanceof INDArray;
        } catch (NoClassDefFoundError e) {
            return false;
        }
    }

    /** A copy of {@code v} (an INDArray, any data type and order) as a tensor of its shape. */
    static Tensor toTensor(Object v) {
        INDArray a = (INDArray) v;
        long[] shape = a.shape();
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        double[] data = a.length() == 0 ? new double[0] : a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        if (data.length != a.length()) {
            data = java.util.Arrays.copyOf(data, (int) a.length());
        }
        return new Tensor(s, data);
    }

    /** A new float64 array of {@code shape} (row-major {@code data}). */
    static INDArray of(int[] shape, double[] data) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        return Nd4j.create(data.clone(), s, DataType.DOUBLE);
    }
}
