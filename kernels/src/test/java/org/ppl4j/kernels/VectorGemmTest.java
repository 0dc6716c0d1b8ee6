package org.ppl4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API matrix product against float64 Java on the same float32 inputs, for every transposition, with
 * offsets and row strides wider than the rows, at shapes around the blocking (1, 7, 8, 9 rows; 31, 32, 33 columns;
 * depths over one and two blocks; more rows than one row block, more columns than one column block).
 *
 * <p>Bound: each element is a float32 sum of k products accumulated with fused multiply-adds (in depth blocks,
 * added to C between blocks), so |computed - exact| <= gamma(k + 1) sum_p |a_ip b_pj| with gamma(n) = n u / (1 -
 * n u) and u = 2^-24 (the standard bound for a float32 dot product; Higham, Accuracy and Stability of Numerical
 * Algorithms, 3.1), asserted element by element. A dropped or repeated term is far outside it: the bound is
 * about (k + 1) 6e-8 of the sum of the terms' sizes.
 */
class VectorGemmTest {
    private static final double U = Math.ulp(1f) / 2;
    private static final float SENTINEL = -12345.5f;

    /** A [rows, cols] matrix at element offset {@code off} with row stride {@code ld} >= cols, rest sentinels. */
    private static ByteBuffer matrix(int rows, int cols, int off, int ld, Random r) {
        ByteBuffer b = FloatKernelsTest.buffer(off + rows * ld + 3);
        for (int i = 0; i < b.capacity() / 4; i++) {
            b.putFloat(i * 4, SENTINEL);
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                b.putFloat((off + i * ld + j) * 4, (float) r.nextGaussian());
            }
        }
        return b;
    }

    private static float opAt(ByteBuffer x, int off, int ld, boolean trans, int i, int p) {
        return x.getFloat((off + (trans ? p * ld + i : i * ld + p)) * 4);
    }

    private static void check(boolean ta, boolean tb, int m, int n, int k, long seed) {
        Random r = new Random(seed);
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int aOff = 3;
        int bOff = 5;
        int cOff = 7;
        int lda = aCols + 2;
        int ldb = bCols + 1;
        int ldc = n + 3;
        ByteBuffer a = matrix(aRows, aCols, aOff, lda, r);
        ByteBuffer b = matrix(bRows, bCols, bOff, ldb, r);
        ByteBuffer c = matrix(m, 0, cOff, ldc, r); // all sentinels
        VectorGemm.sgemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        String what = (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k;
        double gamma = (k + 1) * U / (1 - (k + 1) * U);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = (double) opAt(a, aOff, lda, ta, i, p) * opAt(b, bOff, ldb, tb, p, j);
                    exact += x;
                    abs += Math.abs(x);
                }
                double got = c.getFloat((cOff + i * ldc + j) * 4);
                double bound = gamma * abs;
                assertTrue(Math.abs(got - exact) <= bound,
                        what + " c[" + i + "," + j + "] = " + got + ", exact " + exact + ", bound " + bound);
            }
        }
        // nothing outside the result's rows and columns was written
        for (int i = 0; i < c.capacity() / 4; i++) {
            int rel = i - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertEquals(SENTINEL, c.getFloat(i * 4), what + ": element " + i + " outside the result written");
            }
        }
    }

    @Test
    void everyTranspositionAtShapesAroundTheBlocking() {
        int[][] shapes = {{1, 1, 1}, {8, 32, 1}, {7, 33, 5}, {9, 31, 16}, {17, 65, 513}, {40, 48, 1100},
            {300, 20, 30}, {3, 2100, 3}};
        long seed = 1;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], seed++);
            }
        }
    }

    @Test
    void theVaeShapes() {
        check(false, false, 128, 400, 784, 11); // a layer's product
        check(true, false, 784, 400, 128, 12); // its weight gradient
        check(false, true, 128, 400, 784, 13); // its input gradient
    }

    /** Split over threads by columns (PPL_THREADS): each part writes its columns only, every transposition. */
    @Test
    void splitOverThreads() {
        long split = VectorGemm.splitMultiplyAdds;
        VectorGemm.splitMultiplyAdds = 1 << 16; // the shapes below are over it
        try {
            for (int threads : new int[] {2, 3}) {
                VectorGemm.threads(threads);
                long seed = 100 + threads;
                for (int t = 0; t < 4; t++) {
                    check((t & 1) != 0, (t & 2) != 0, 30, 97, 50, seed++); // two or three parts, an edge panel
                    check((t & 1) != 0, (t & 2) != 0, 21, 96, 70, seed++); // three parts of one panel each
                }
            }
        } finally {
            VectorGemm.threads(1);
            VectorGemm.splitMultiplyAdds = split;
        }
    }

    @Test
    void zeroDepthWritesZeros() {
        ByteBuffer a = FloatKernelsTest.buffer(1);
        ByteBuffer c = FloatKernelsTest.fill(6, i -> 9);
        VectorGemm.sgemm(false, false, 2, 3, 0, a, 0, 1, a, 0, 3, c, 0, 3);
        for (int i = 0; i < 6; i++) {
            assertEquals(0f, c.getFloat(i * 4));
        }
    }

    @Test
    void nanAndInfinityPropagateToTheirRowAndColumnOnly() {
        int m = 10;
        int n = 35;
        int k = 20;
        ByteBuffer a = FloatKernelsTest.fill(m * k, i -> 1);
        ByteBuffer b = FloatKernelsTest.fill(k * n, i -> 1);
        a.putFloat((3 * k + 4) * 4, Float.NaN); // row 3 of A
        b.putFloat((5 * n + 33) * 4, Float.POSITIVE_INFINITY); // column 33 of B
        ByteBuffer c = FloatKernelsTest.buffer(m * n);
        VectorGemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float got = c.getFloat((i * n + j) * 4);
                if (i == 3) {
                    assertTrue(Float.isNaN(got), "c[3," + j + "] = " + got);
                } else if (j == 33) {
                    assertEquals(Float.POSITIVE_INFINITY, got, "c[" + i + ",33]");
                } else {
                    assertEquals(k, got, "c[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void theScalarKernelsLeaveProductsToBlas() {
        ByteBuffer a = FloatKernelsTest.fill(4, i -> 1);
        ByteBuffer c = FloatKernelsTest.fill(4, i -> 7);
        assertFalse(FloatKernels.scalar().matmul(false, false, 2, 2, 2, a, 0, 2, a, 0, 2, c, 0, 2));
        assertEquals(7f, c.getFloat(0));
    }
}
