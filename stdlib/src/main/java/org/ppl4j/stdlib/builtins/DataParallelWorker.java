package org.ppl4j.stdlib.builtins;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.StrategyOverrides;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.vi.Optimizer;
import org.ppl4j.vi.ParamStore;
import org.ppl4j.vi.TrackedParams;

/**
 * One JVM's evaluator of a data-parallel minibatch fit: the program's objective function, compiled and captured
 * where the program called {@code fit}, evaluated on the rows of one partition that fall into a step's batch.
 *
 * <p>The rules that make a step's gradient independent of the partitioning and of task retries:
 * <ul>
 *   <li>Step s's batch is fixed by the rows' global indices alone: epoch e = s / ceil(N / B) visits the rows in the
 *   order of a pseudo-random permutation of 0..N-1 drawn from (seed, e) ({@link #position}); step s takes
 *   positions [kB, (k+1)B) of it, k = s mod ceil(N / B).
 *   <li>The rows are grouped into fixed blocks of consecutive global indices (the caller's: ppl4j-spark makes each
 *   partition hold whole blocks). A block's rows in the batch, m of them, are evaluated as one vectorised batch
 *   scaled by N / m: the choices before the first {@code local} block (the global ones) come from a stream seeded by
 *   (seed, s), the same for every block; those from the first {@code local} block on from a stream seeded by
 *   (seed, s, the block's first index).
 *   <li>A block's contribution is the gradient of that evaluation times m / b (b the batch size); the step's
 *   gradient is their exact sum ({@link ExactSum}), rounded once. The global terms add up to their value once;
 *   the local terms to N / b times the batch's sum.
 *   <li>With local steps H &gt; 1, a round of H batch steps is taken by each block alone, from the driver's
 *   parameters, with a fresh copy of the fit's optimiser stepping on the block's own estimate of the whole data's
 *   gradient (its contribution times N / K, K its rows); the round returns the exact sum of the contributions
 *   computed along those local paths, which the driver's optimiser takes as one step's gradient. With H = 1 it is
 *   the synchronous step's gradient.
 * </ul>
 */
public final class DataParallelWorker {
    private final PplContext context;
    private final Object function;
    private final int batch;
    private final boolean shuffle;
    private final long seed;
    private final long rows;
    private final int particles;
    private final boolean raoBlackwellize;
    private final StrategyOverrides overrides;
    private final long totalSteps;
    private final Supplier<Optimizer> optimizer;
    private final ParamStore store;
    private final List<ParamKey> keys;

    DataParallelWorker(PplContext context, Object function, int batch, boolean shuffle, long seed, long rows,
            int particles, boolean raoBlackwellize, StrategyOverrides overrides, long totalSteps,
            Supplier<Optimizer> optimizer, ParamStore store) {
        this.context = context;
        this.function = function;
        this.batch = batch;
        this.shuffle = shuffle;
        this.seed = seed;
        this.rows = rows;
        this.particles = particles;
        this.raoBlackwellize = raoBlackwellize;
        this.overrides = overrides;
        this.totalSteps = totalSteps;
        this.optimizer = optimizer;
        this.store = store;
        this.keys = List.copyOf(store.keys());
    }

    /** The parameters' unconstrained values, by name, as the driver sends them each step. */
    public record Params(String[] names, int[][] shapes, double[][] values) implements Serializable {
        static Params of(ParamStore store) {
            List<ParamKey> keys = store.keys();
            String[] names = new String[keys.size()];
            int[][] shapes = new int[keys.size()][];
            double[][] values = new double[keys.size()][];
            for (int i = 0; i < names.length; i++) {
                names[i] = keys.get(i).toString();
                Object v = store.unconstrained(keys.get(i));
                if (v instanceof Tensor t) {
                    shapes[i] = t.shape();
                    values[i] = t.toArray();
                } else {
                    shapes[i] = null;
                    values[i] = new double[] {(Double) v};
                }
            }
            return new Params(names, shapes, values);
        }
    }

    /** A step's summed objective estimate and gradient (per parameter, per element), merged exactly. */
    public static final class Sum implements Serializable {
        private static final long serialVersionUID = 1L;
        final ExactSum value = new ExactSum();
        final ExactSum[][] gradient;
        long count;
        /** Under relax: the relaxed objective (a row that relaxed nothing adds its hard one), and the rows that relaxed. */
        final ExactSum relaxed = new ExactSum();
        long relaxedRows;

        public Sum(int[] sizes) {
            gradient = new ExactSum[sizes.length][];
            for (int i = 0; i < sizes.length; i++) {
                gradient[i] = new ExactSum[sizes[i]];
                for (int j = 0; j < sizes[i]; j++) {
                    gradient[i][j] = new ExactSum();
                }
            }
        }

        /** Adds {@code other} into this sum and returns this. */
        public Sum merge(Sum other) {
            value.add(other.value);
            count += other.count;
            relaxed.add(other.relaxed);
            relaxedRows += other.relaxedRows;
            for (int i = 0; i < gradient.length; i++) {
                for (int j = 0; j < gradient[i].length; j++) {
                    gradient[i][j].add(other.gradient[i][j]);
                }
            }
            return this;
        }

        /** The number of rows evaluated. */
        public long count() {
            return count;
        }

        /** The step's objective estimate. */
        public double value() {
            return value.value();
        }

        /** The step's relaxed objective estimate (NaN when no row relaxed a choice). */
        public double relaxed() {
            return relaxedRows == 0 ? Double.NaN : relaxed.value();
        }

        /** Parameter {@code i}'s gradient, rounded. */
        public double[] gradient(int i) {
            double[] g = new double[gradient[i].length];
            for (int j = 0; j < g.length; j++) {
                g[j] = gradient[i][j].value();
            }
            return g;
        }
    }

    /** The number of rows of the distributed data. */
    public long rows() {
        return rows;
    }

    public int batch() {
        return batch;
    }

    /** The element count of each parameter, in the order of {@link Params}. */
    public static int[] sizes(Params params) {
        int[] sizes = new int[params.values().length];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = params.values()[i].length;
        }
        return sizes;
    }

    /** The number of batches in an epoch. */
    public long perEpoch() {
        return (rows + batch - 1) / batch;
    }

    /** Whether the row with global index {@code index} is in step {@code step}'s (0-based) batch. */
    public boolean inBatch(long index, int step) {
        long per = perEpoch();
        long epoch = step / per;
        long k = step % per;
        long at = shuffle ? position(index, rows, seed, epoch) : index;
        return at >= k * batch && at < Math.min(rows, (k + 1) * batch);
    }

    /** The size of step {@code step}'s batch. */
    public long batchSize(int step) {
        long k = step % perEpoch();
        return Math.min(rows, (k + 1) * batch) - k * batch;
    }

    /**
     * Row {@code index}'s place in epoch {@code epoch}'s order: a bijection of 0..n-1 (a four-round Feistel network
     * on the next even power of two at or above n, walked until it lands below n), keyed by (seed, epoch).
     */
    static long position(long index, long n, long seed, long epoch) {
        int half = halfBits(n);
        long mask = (1L << half) - 1;
        long x = index;
        do {
            long left = x >>> half;
            long right = x & mask;
            for (int round = 0; round < 4; round++) {
                long f = mix(seed, epoch * 4 + round, right) & mask;
                long next = left ^ f;
                left = right;
                right = next;
            }
            x = (left << half) | right;
        } while (x >= n);
        return x;
    }

    /** Half the bits of the Feistel network's domain: the next even power of two at or above n. */
    private static int halfBits(long n) {
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)));
        return (bits + (bits & 1)) / 2;
    }

    /** The row at place {@code place} of epoch {@code epoch}'s order: the inverse of {@link #position}. */
    static long rowAt(long place, long n, long seed, long epoch) {
        int half = halfBits(n);
        long mask = (1L << half) - 1;
        long x = place;
        do {
            long left = x >>> half;
            long right = x & mask;
            for (int round = 3; round >= 0; round--) {
                long previous = right ^ (mix(seed, epoch * 4 + round, left) & mask);
                right = left;
                left = previous;
            }
            x = (left << half) | right;
        } while (x >= n);
        return x;
    }

    /** The seed of row {@code index}'s own stream (predictions over distributed rows). */
    public static long rowSeed(long seed, long index) {
        return mix(seed, -2, index);
    }

    /** A 64-bit hash of three numbers (SplitMix64's finaliser over a running combination). */
    static long mix(long a, long b, long c) {
        long h = a * 0x9E3779B97F4A7C15L;
        h = finish(h ^ b);
        h = finish(h ^ (c * 0xC2B2AE3D27D4EB4FL));
        return h;
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Round {@code round}'s sum over one block of rows (the rows {@code first}, {@code first + 1}, ... with global
     * indices, whole in one partition): {@code columns} the data's fields (by name, row-major, {@code widths} values
     * per row; a field of width 0 is one number per row, a vector of that width otherwise). A round is batch step
     * {@code round} when {@code localSteps} is 1, else the batch steps [round H, round H + H) (the last round cut at
     * the fit's last step), taken by the block alone (see {@link #localSteps}). Not thread-safe: one task at a time per
     * worker, inside its program's context.
     */
    public Sum gradient(Params params, int round, int localSteps, long first, Map<String, double[]> columns,
            Map<String, Integer> widths) {
        Sum sum = new Sum(sizes(params));
        set(params);
        int length = length(columns, widths);
        long from = (long) round * localSteps;
        long to = Math.min(totalSteps, from + localSteps);
        Optimizer local = to - from > 1 ? optimizer.get() : null;
        double[][] g = new double[keys.size()][];
        for (int i = 0; i < g.length; i++) {
            g[i] = new double[sum.gradient[i].length];
        }
        for (long s = from; s < to; s++) {
            int step = (int) s;
            int[] selected = selected(first, length, step);
            if (selected.length == 0) {
                continue;
            }
            double[] valueRelaxed = evaluate(step, first, selected, columns, widths, g);
            double value = valueRelaxed[0];
            double relaxed = valueRelaxed[1];
            // the block's share of the step's batch: its global terms count m / b times, its rows N / b times each
            double w = selected.length / (double) batchSize(step);
            for (int i = 0; i < g.length; i++) {
                for (int j = 0; j < g[i].length; j++) {
                    sum.gradient[i][j].add(g[i][j] * w);
                }
            }
            sum.value.add(value * w / (to - from));
            // under relax, the relaxed objective too (a block that relaxed nothing adds its hard value)
            sum.relaxed.add((Double.isNaN(relaxed) ? value : relaxed) * w / (to - from));
            sum.relaxedRows += Double.isNaN(relaxed) ? 0 : selected.length;
            sum.count += selected.length;
            if (local != null && s + 1 < to) {
                // the block's own estimate of the whole data's gradient (its contribution scaled by N / K, K its
                // rows), one local step of a fresh copy of the fit's optimiser
                double scale = w * rows / length;
                Map<ParamKey, Object> step1 = new LinkedHashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    double[] gi = new double[g[i].length];
                    for (int j = 0; j < gi.length; j++) {
                        gi[j] = g[i][j] * scale;
                    }
                    step1.put(keys.get(i), Optimizer.withElements(store.unconstrained(keys.get(i)), gi));
                }
                local.step(store, step1);
            }
        }
        return sum;
    }

    /**
     * The rows (offsets in a block of {@code length} rows from {@code first}) in step {@code step}'s batch, in index
     * order: from the batch's b positions walked back through the permutation when b is below the block's length,
     * else by testing each row of the block (the same set either way).
     */
    int[] selected(long first, int length, int step) {
        long b = batchSize(step);
        if (shuffle && b < length) {
            long per = perEpoch();
            long epoch = step / per;
            long from = (step % per) * batch;
            int[] at = new int[(int) b];
            int m = 0;
            for (long p = from; p < from + b; p++) {
                long row = rowAt(p, rows, seed, epoch);
                if (row >= first && row < first + length) {
                    at[m++] = (int) (row - first);
                }
            }
            at = java.util.Arrays.copyOf(at, m);
            java.util.Arrays.sort(at);
            return at;
        }
        int[] at = new int[length];
        int m = 0;
        for (int r = 0; r < length; r++) {
            if (inBatch(first + r, step)) {
                at[m++] = r;
            }
        }
        return java.util.Arrays.copyOf(at, m);
    }

    private static int length(Map<String, double[]> columns, Map<String, Integer> widths) {
        Map.Entry<String, double[]> c = columns.entrySet().iterator().next();
        return c.getValue().length / Math.max(1, widths.get(c.getKey()));
    }

    /**
     * One vectorised evaluation of the objective on the block's rows {@code selected} (in index order) as a batch of
     * m scaled by N / m: the global choices from the stream (seed, step), the choices from the first {@code local}
     * block on from the stream (seed, step, first). Fills {@code g} with the gradient and returns the estimate and,
     * under relax, the relaxed one (NaN when the run relaxed no choice).
     */
    private double[] evaluate(int step, long first, int[] selected, Map<String, double[]> columns,
            Map<String, Integer> widths, double[][] g) {
        int m = selected.length;
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> c : columns.entrySet()) {
            int w = widths.get(c.getKey());
            int width = Math.max(1, w);
            double[] values = new double[m * width];
            for (int r = 0; r < m; r++) {
                System.arraycopy(c.getValue(), selected[r] * width, values, r * width, width);
            }
            fields.put(c.getKey(), new Tensor(w == 0 ? new int[] {m} : new int[] {m, w}, values));
        }
        Object batchValue = new PplRecord("record", fields);
        Rng rng = new Rng(mix(seed, step, -1));
        long[] localState = new Rng(mix(seed, step, first)).state();
        boolean[] reseeded = {false};
        context.setOnLocalBlock(() -> {
            if (!reseeded[0]) {
                reseeded[0] = true;
                rng.restore(localState);
            }
        });
        double saved = context.minibatchScale();
        context.setMinibatchScale((double) rows / m);
        Tensor.openStep();
        try {
            ObjectiveInstance instance = Args.objective("fit",
                    IterationBuiltins.call(context, function, new Object[] {batchValue}));
            Tape tape = new Tape();
            TrackedParams tracked = store.tracked(tape);
            for (ParamKey k : keys) {
                tracked.lookup(k);
            }
            ObjectiveEstimator estimator = new ObjectiveEstimator(context, instance, new BaselineStore(),
                    raoBlackwellize, overrides);
            SurrogateBuilder.Result result = estimator.estimate(tracked, tape, rng, particles);
            tape.backward(result.surrogate());
            Map<ParamKey, Object> grads = tracked.gradients();
            for (int i = 0; i < keys.size(); i++) {
                Object gi = grads.get(keys.get(i));
                for (int j = 0; j < g[i].length; j++) {
                    g[i][j] = gi instanceof Double d ? d : gi instanceof Tensor t ? t.get(j) : 0;
                }
            }
            return new double[] {result.value(), estimator.lastRelaxed()};
        } finally {
            Tensor.endStep();
            context.setMinibatchScale(saved);
            context.setOnLocalBlock(null);
        }
    }

    private void set(Params params) {
        if (params.names().length != keys.size()) {
            throw new IllegalStateException("the driver sent " + params.names().length + " parameters, this copy of the"
                    + " program has " + keys.size());
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!keys.get(i).toString().equals(params.names()[i])) {
                throw new IllegalStateException("the driver's parameter " + params.names()[i] + " is " + keys.get(i)
                        + " here");
            }
            int[] shape = params.shapes()[i];
            store.set(keys.get(i), shape == null ? (Object) params.values()[i][0]
                    : new Tensor(shape, params.values()[i].clone()));
        }
    }
}
