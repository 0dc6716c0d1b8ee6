package org.ppl4j.stdlib.builtins;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>Each row of the batch is evaluated on its own, as a batch of one scaled by N: the choices before the first
 *   {@code local} block (the global ones) come from a stream seeded by (seed, s), the same for every row; those
 *   from the first {@code local} block on come from a stream seeded by (seed, s, row index).
 *   <li>A row's contribution is the gradient of that evaluation divided by the batch size b; the step's gradient
 *   is their exact sum ({@link ExactSum}), rounded once. The global terms, in every row's evaluation, add up to
 *   their value once; the local terms to N / b times the batch's sum.
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
    private final ParamStore store;
    private final List<ParamKey> keys;

    DataParallelWorker(PplContext context, Object function, int batch, boolean shuffle, long seed, long rows,
            int particles, boolean raoBlackwellize, StrategyOverrides overrides, ParamStore store) {
        this.context = context;
        this.function = function;
        this.batch = batch;
        this.shuffle = shuffle;
        this.seed = seed;
        this.rows = rows;
        this.particles = particles;
        this.raoBlackwellize = raoBlackwellize;
        this.overrides = overrides;
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
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)));
        bits += bits & 1;
        int half = bits / 2;
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
     * The summed contributions of the rows of one partition that are in step {@code step}'s batch: {@code index} the
     * rows' global indices, {@code columns} the data's fields (by name, row-major, {@code widths} values per row; a
     * field of width 0 is one number per row, a vector of that width otherwise). Not thread-safe: one task at a time
     * per worker, inside its program's context.
     */
    public Sum gradient(Params params, int step, long[] index, Map<String, double[]> columns, Map<String, Integer> widths) {
        Sum sum = new Sum(sizes(params));
        set(params);
        double b = batchSize(step);
        long[] globalState = new Rng(mix(seed, step, -1)).state();
        for (int r = 0; r < index.length; r++) {
            if (!inBatch(index[r], step)) {
                continue;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> c : columns.entrySet()) {
                int w = widths.get(c.getKey());
                int width = Math.max(1, w);
                double[] row = java.util.Arrays.copyOfRange(c.getValue(), r * width, (r + 1) * width);
                fields.put(c.getKey(), new Tensor(w == 0 ? new int[] {1} : new int[] {1, w}, row));
            }
            Object one = new PplRecord("record", fields);
            Rng rng = new Rng(0);
            rng.restore(globalState.clone());
            long[] datumState = new Rng(mix(seed, step, index[r])).state();
            boolean[] reseeded = {false};
            context.setOnLocalBlock(() -> {
                if (!reseeded[0]) {
                    reseeded[0] = true;
                    rng.restore(datumState);
                }
            });
            double saved = context.minibatchScale();
            context.setMinibatchScale(rows);
            Tensor.openStep();
            try {
                ObjectiveInstance instance = Args.objective("fit",
                        IterationBuiltins.call(context, function, new Object[] {one}));
                Tape tape = new Tape();
                TrackedParams tracked = store.tracked(tape);
                for (ParamKey k : keys) {
                    tracked.lookup(k);
                }
                ObjectiveEstimator estimator = new ObjectiveEstimator(context, instance, new BaselineStore(),
                        raoBlackwellize, overrides);
                SurrogateBuilder.Result result = estimator.estimate(tracked, tape, rng, particles);
                tape.backward(result.surrogate());
                Map<ParamKey, Object> g = tracked.gradients();
                for (int i = 0; i < keys.size(); i++) {
                    Object gi = g.get(keys.get(i));
                    if (gi instanceof Double d) {
                        sum.gradient[i][0].add(d / b);
                    } else if (gi instanceof Tensor t) {
                        for (int j = 0; j < sum.gradient[i].length; j++) {
                            sum.gradient[i][j].add(t.get(j) / b);
                        }
                    }
                }
                sum.value.add(result.value() / b);
                sum.count++;
                double relaxed = estimator.lastRelaxed();
                sum.relaxed.add((Double.isNaN(relaxed) ? result.value() : relaxed) / b);
                sum.relaxedRows += Double.isNaN(relaxed) ? 0 : 1;
            } finally {
                Tensor.endStep();
                context.setMinibatchScale(saved);
                context.setOnLocalBlock(null);
            }
        }
        return sum;
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
