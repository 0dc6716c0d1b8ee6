package org.ppl4j.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 matrix products, C = op(A) op(B), on the Vector API with 512-bit vectors (AVX-512: 16 floats), in the
 * blocked scheme of optimised BLAS libraries:
 *
 * <ul>
 *   <li>op(B) is copied into <em>panels</em> of {@link #NR} = 32 columns (two vectors), row after row, so that the
 *       inner loop reads it contiguously whatever B's layout or transposition; the last panel is padded with
 *       zeros;</li>
 *   <li>op(A) into <em>slivers</em> of {@link #MR} = 4 rows, interleaved by depth (the 4 values of one depth
 *       side by side), padded with zeros likewise;</li>
 *   <li>a micro-kernel multiplies one sliver by one panel: a 4 x 32 block of C held in 8 vector registers,
 *       each depth step two vector loads of the panel, 4 broadcasts of the sliver and 8 fused multiply-adds, and
 *       C is written once at the end (added to, for depth blocks after the first).</li>
 * </ul>
 *
 * The depth is cut into blocks of at most {@link #KC} (a panel then stays near the core), the rows of op(A) into
 * blocks of {@link #MC} and the columns of op(B) into blocks of {@link #NC} (the copies stay a few megabytes).
 * Every multiply-add of one element of C runs in depth order within a block, so a result does not depend on the
 * blocking of rows or columns, nor on the threads a product is split over ({@link #threads}). Operands are direct buffers in the platform's byte order, as ND4J's.
 *
 * <p>The copies are this thread's scratch arrays, kept between calls: a product allocates nothing once the
 * arrays have grown to its size.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder O = ByteOrder.nativeOrder();
    static final int MR = 4;
    static final int NR = 32;
    static final int KC = 512;
    static final int MC = 256;
    static final int NC = 2048;

    private VectorGemm() {}

    /** Whether this JVM's vectors are the 16 floats the micro-kernel is written for. */
    static boolean usable() {
        return FloatVector.SPECIES_PREFERRED.length() == 16;
    }

    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] rows = new float[0];
        final float[] tile = new float[MR * NR];
        final int[] gatherB = new int[16];
        int gatherBStride = -1;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * c[i, j] (element {@code cOff + i ldc + j}) = sum over p of op(A)[i, p] op(B)[p, j] for i < m, j < n, p < k;
     * op(A)[i, p] is a[aOff + i lda + p], or a[aOff + p lda + i] with {@code transA}; op(B)[p, j] is
     * b[bOff + p ldb + j], or b[bOff + j ldb + p] with {@code transB}. Offsets and strides count floats. C must not
     * overlap A or B.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, ByteBuffer a, int aOff, int lda,
            ByteBuffer b, int bOff, int ldb, ByteBuffer c, int cOff, int ldc) {
        int parts = Math.min(threads, n / NR);
        if (parts < 2 || (long) m * n * k < splitMultiplyAdds) {
            single(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        // the columns of C in parts of whole panels, the last on this thread, the others on the pool's
        int width = (n / parts + NR - 1) / NR * NR;
        java.util.List<java.util.concurrent.Future<?>> others = new java.util.ArrayList<>();
        int j0 = 0;
        for (int part = 0; part < parts - 1 && n - j0 > width; part++, j0 += width) {
            int from = j0;
            int bAt = bOff + (transB ? from * ldb : from);
            others.add(pool().submit(() -> single(transA, transB, m, width, k, a, aOff, lda, b, bAt, ldb, c,
                    cOff + from, ldc)));
        }
        RuntimeException failed = null;
        try {
            single(transA, transB, m, n - j0, k, a, aOff, lda, b, bOff + (transB ? j0 * ldb : j0), ldb, c,
                    cOff + j0, ldc);
        } catch (RuntimeException e) {
            failed = e;
        }
        // every part finishes before this returns, interrupted or failed or not: a part still writing C after the
        // caller has moved on would write into memory the caller may reuse
        boolean interrupted = false;
        for (java.util.concurrent.Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                                : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Products of at least this many multiply-adds (2^27: about a millisecond on one core here) are split over
     * {@link #threads}. The VAE's (2^25.3) are not: split from 2^22 on, its step took 5.38 and 5.66 ms with two
     * threads against 5.17 and 4.81 with one (docs/performance.md). A test makes it smaller.
     */
    static long splitMultiplyAdds = 1L << 27;

    /** Threads a large product is split over, by its columns: 1 (the default) runs every product here. */
    private static volatile int threads = 1;
    private static java.util.concurrent.ExecutorService pool;

    static synchronized void threads(int n) {
        threads = Math.max(1, n);
    }

    private static synchronized java.util.concurrent.ExecutorService pool() {
        if (pool == null) {
            pool = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "ppl4j-product");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    private static void single(boolean transA, boolean transB, int m, int n, int k, ByteBuffer a, int aOff, int lda,
            ByteBuffer b, int bOff, int ldb, ByteBuffer c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c.putFloat((cOff + i * ldc + j) << 2, 0f);
                }
            }
            return;
        }
        Scratch s = SCRATCH.get();
        int depthBlocks = (k + KC - 1) / KC;
        int kc = (k + depthBlocks - 1) / depthBlocks; // even blocks: 784 is two of 392, not 512 and 272
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                packB(s, transB, b, bOff, ldb, pc, kb, jc, nc);
                for (int ic = 0; ic < m; ic += MC) {
                    int mb = Math.min(MC, m - ic);
                    packA(s, transA, a, aOff, lda, ic, mb, pc, kb);
                    boolean add = pc > 0;
                    for (int jr = 0; jr < nc; jr += NR) {
                        int w = Math.min(NR, nc - jr);
                        int bAt = (jr / NR) * NR * kb;
                        for (int ir = 0; ir < mb; ir += MR) {
                            int h = Math.min(MR, mb - ir);
                            kernel(s.a, (ir / MR) * MR * kb, s.b, bAt, kb, s.tile);
                            writeTile(s.tile, c, cOff + (ic + ir) * ldc + jc + jr, ldc, h, w, add);
                        }
                    }
                }
            }
        }
    }

    private static float[] grow(float[] x, int n) {
        return x.length >= n ? x : new float[Math.max(n, x.length + (x.length >> 1))];
    }

    /** op(B)[pc .. pc+kb, jc .. jc+nc] into panels of NR columns: panel q holds row p's 32 values at (q kb + p) NR. */
    private static void packB(Scratch s, boolean transB, ByteBuffer b, int bOff, int ldb, int pc, int kb, int jc,
            int nc) {
        int panels = (nc + NR - 1) / NR;
        float[] pb = s.b = grow(s.b, panels * NR * kb);
        FloatBuffer fb = b.asFloatBuffer();
        if (!transB) {
            // a row of op(B) is a stretch of a row of B: copied whole, then cut into the panels
            float[] row = s.rows = grow(s.rows, panels * NR);
            java.util.Arrays.fill(row, nc, panels * NR, 0f); // the last panel's padding
            for (int p = 0; p < kb; p++) {
                fb.get(bOff + (pc + p) * ldb + jc, row, 0, nc);
                for (int q = 0, to = p * NR; q < panels; q++, to += NR * kb) {
                    System.arraycopy(row, q * NR, pb, to, NR);
                }
            }
            return;
        }
        // op(B)'s columns are rows of B: copy those rows' stretch [pc, pc+kb) side by side (stride kb), then
        // gather 16 rows at a time into each row of a panel
        float[] rows = s.rows = grow(s.rows, nc * kb);
        for (int j = 0; j < nc; j++) {
            fb.get(bOff + (jc + j) * ldb + pc, rows, j * kb, kb);
        }
        if (s.gatherBStride != kb) {
            for (int l = 0; l < 16; l++) {
                s.gatherB[l] = l * kb;
            }
            s.gatherBStride = kb;
        }
        int[] map = s.gatherB;
        for (int q = 0; q < panels; q++) {
            int j0 = q * NR;
            int w = Math.min(NR, nc - j0);
            int to = q * NR * kb;
            if (w == NR) {
                gatherPanel(rows, j0 * kb, (j0 + 16) * kb, map, pb, to, kb);
            } else {
                for (int p = 0; p < kb; p++, to += NR) {
                    for (int j = 0; j < w; j++) {
                        pb[to + j] = rows[(j0 + j) * kb + p];
                    }
                    for (int j = w; j < NR; j++) {
                        pb[to + j] = 0f;
                    }
                }
            }
        }
    }

    /** One full panel of a transposed B: row p of the panel is rows[r0 + p + l kb] then rows[r1 + p + l kb], l < 16. */
    private static void gatherPanel(float[] rows, int r0, int r1, int[] map, float[] pb, int to, int kb) {
        for (int p = 0; p < kb; p++, to += NR) {
            FloatVector.fromArray(F, rows, r0 + p, map, 0).intoArray(pb, to);
            FloatVector.fromArray(F, rows, r1 + p, map, 0).intoArray(pb, to + 16);
        }
    }

    /** op(A)[ic .. ic+mb, pc .. pc+kb] into slivers of MR rows: sliver t holds depth p's 4 values at (t kb + p) MR. */
    private static void packA(Scratch s, boolean transA, ByteBuffer a, int aOff, int lda, int ic, int mb, int pc,
            int kb) {
        int slivers = (mb + MR - 1) / MR;
        float[] pa = s.a = grow(s.a, slivers * MR * kb);
        float[] rows = s.rows = grow(s.rows, mb * kb);
        FloatBuffer fa = a.asFloatBuffer();
        if (transA) {
            // op(A)'s rows are columns of A: copy the stretch [ic, ic+mb) of A's rows pc .. pc+kb (stride mb); a
            // sliver's 4 values at one depth are then neighbours
            for (int p = 0; p < kb; p++) {
                fa.get(aOff + (pc + p) * lda + ic, rows, p * mb, mb);
            }
            for (int t = 0; t < slivers; t++) {
                int i0 = t * MR;
                int h = Math.min(MR, mb - i0);
                for (int p = 0, to = t * MR * kb, from = i0; p < kb; p++, to += MR, from += mb) {
                    for (int r = 0; r < h; r++) {
                        pa[to + r] = rows[from + r];
                    }
                    for (int r = h; r < MR; r++) {
                        pa[to + r] = 0f;
                    }
                }
            }
            return;
        }
        // op(A)'s rows are rows of A: copy their stretch [pc, pc+kb) side by side (stride kb), then interleave
        for (int i = 0; i < mb; i++) {
            fa.get(aOff + (ic + i) * lda + pc, rows, i * kb, kb);
        }
        for (int t = 0; t < slivers; t++) {
            int i0 = t * MR;
            int h = Math.min(MR, mb - i0);
            int to = t * MR * kb;
            for (int r = 0; r < h; r++) {
                for (int p = 0, from = (i0 + r) * kb; p < kb; p++, from++) {
                    pa[to + p * MR + r] = rows[from];
                }
            }
            for (int r = h; r < MR; r++) {
                for (int p = 0; p < kb; p++) {
                    pa[to + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * One sliver of op(A) times one panel of op(B) into the tile (4 rows of 32). Written for what C2 of JDK 17
     * compiles to registers, each point measured (docs/kernels.md): the caller writes the tile to C (a call here
     * would be inlined, and a recompilation then kept the accumulators as objects, 30 times slower); each
     * accumulator is stored as one.mul(c), a vector whose class C2 knows exactly (stored as itself, a loop
     * variable typed FloatVector goes through intoArray's profile, shared with the other kernels' 256-bit
     * vectors, and the store is then no intrinsic); and 4 rows, not 8: with 16 accumulators the method outgrew
     * C2's inlining budget when that profile was mixed, and its last stores were calls again.
     */
    private static void kernel(float[] pa, int ao, float[] pb, int bo, int kb, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + 16);
            FloatVector x = FloatVector.broadcast(F, pa[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, pa[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        FloatVector one = FloatVector.broadcast(F, 1f);
        one.mul(c00).intoArray(tile, 0);
        one.mul(c01).intoArray(tile, 16);
        one.mul(c10).intoArray(tile, 32);
        one.mul(c11).intoArray(tile, 48);
        one.mul(c20).intoArray(tile, 64);
        one.mul(c21).intoArray(tile, 80);
        one.mul(c30).intoArray(tile, 96);
        one.mul(c31).intoArray(tile, 112);
    }

    /** The tile's h x w block to C at element {@code co} (added to C's values with {@code add}). */
    private static void writeTile(float[] tile, ByteBuffer c, int co, int ldc, int h, int w, boolean add) {
        if (w == NR) {
            for (int r = 0; r < h; r++) {
                int o = (co + r * ldc) << 2;
                FloatVector lo = FloatVector.fromArray(F, tile, r * NR);
                FloatVector hi = FloatVector.fromArray(F, tile, r * NR + 16);
                if (add) {
                    lo = lo.add(FloatVector.fromByteBuffer(F, c, o, O));
                    hi = hi.add(FloatVector.fromByteBuffer(F, c, o + 64, O));
                }
                lo.intoByteBuffer(c, o, O);
                hi.intoByteBuffer(c, o + 64, O);
            }
            return;
        }
        for (int r = 0; r < h; r++) {
            int o = (co + r * ldc) << 2;
            for (int j = 0; j < w; j++) {
                int at = o + (j << 2);
                float v = tile[r * NR + j];
                c.putFloat(at, add ? c.getFloat(at) + v : v);
            }
        }
    }
}
