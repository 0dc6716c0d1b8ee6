package org.ppl4j.stdlib.data;

import java.util.Arrays;

/** Shape checks shared by the readers, done before any memory is allocated for the data. */
final class Shapes {
    private Shapes() {
    }

    /** The element count of a shape read from a file, or an error if it does not fit one tensor. */
    static int numel(DataPath where, int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw where.error("shape " + Arrays.toString(shape) + " has more than 2^31 - 1 elements, more than one "
                        + "tensor can hold");
            }
        }
        return (int) n;
    }

    /** Fails with the sizes involved when the data would not fit in the memory the JVM may still use. */
    static void ensureMemory(DataPath where, int[] shape) {
        long bytes = 8L * numel(where, shape);
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > available) {
            System.gc(); // garbage counts as used until collected; ask once before refusing
            available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        if (bytes > available) {
            throw where.error("shape " + Arrays.toString(shape) + " needs " + (bytes >> 20) + " MiB as numbers, but only "
                    + (available >> 20) + " MiB of memory are available; give the JVM more with PPL_JAVA_OPTS=-Xmx...");
        }
    }

    static long product(int[] dims, int from) {
        long n = 1;
        for (int i = from; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }
}
