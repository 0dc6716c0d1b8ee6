package org.ppl4j.stdlib.builtins;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;

/**
 * The minibatches of {@code fit(f, data: d, batch: B, epochs: E, shuffle: true)}. {@code d} is a tensor whose
 * first axis indexes the N data points, or a record of such tensors (one batch takes the same rows of each);
 * {@code f} is a function from a batch to an objective, e.g. {@code fn(x) { elbo(vae(x), guide(x), choices { x: x }) }}.
 *
 * <p>Each epoch visits every data point once, in an order drawn afresh per epoch when shuffling (from the fit's
 * seed and the epoch number alone, so a resumed fit sees the same batches); the last batch of an epoch may be
 * smaller. While a batch of b points is evaluated, choices inside {@code local} blocks have their log densities
 * scaled by N / b, so that the objective is an unbiased estimate of its full-data value.
 */
final class Minibatches {
    /** Summary evaluations of a minibatch fit's final objective (each on a random batch), unless samples: says. */
    static final int DEFAULT_SAMPLES = 10;

    private final PplContext context;
    private final Object objective;
    private final Object data;
    private final int n;
    /** The rows the data value here has: n, or fewer when the data is distributed and this is a sample of it. */
    private final int head;
    private final int batch;
    private final int steps;
    private final boolean shuffle;
    private final long seed;
    private final int perEpoch;
    private int[] order;
    private int orderEpoch = -1;

    private Minibatches(PplContext context, Object objective, Object data, int n, int head, int batch, int steps,
            boolean shuffle, long seed) {
        this.context = context;
        this.objective = objective;
        this.data = data;
        this.n = n;
        this.head = head;
        this.batch = batch;
        this.steps = steps;
        this.shuffle = shuffle;
        this.seed = seed;
        this.perEpoch = (n + batch - 1) / batch;
    }

    static Minibatches of(PplContext context, Object objective, Object data, Object batch, Object epochs,
            Object shuffle, Object steps, long seed, long distributedRows) {
        Object f = IterationBuiltins.function("fit", "objective", objective, 1);
        int head = rows(data);
        if (distributedRows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fit: the data has " + distributedRows + " rows; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        int n = distributedRows > 0 ? (int) distributedRows : head;
        int b = batch == null ? Math.min(n, 128) : Args.count("fit", "batch", batch, 1);
        if (b > n) {
            throw new IllegalArgumentException("fit: 'batch' is " + b + " but the data has only " + n + " points");
        }
        int perEpoch = (n + b - 1) / b;
        if (epochs != null && steps != null) {
            throw new IllegalArgumentException("fit: give 'epochs' or 'steps' with 'data', not both");
        }
        int total = steps != null ? Args.count("fit", "steps", steps, 0)
                : (epochs == null ? 1 : Args.count("fit", "epochs", epochs, 0)) * perEpoch;
        boolean mix = shuffle == null || FitBuiltin.truth("shuffle", shuffle);
        return new Minibatches(context, f, data, n, head, b, total, mix, seed);
    }

    /** The number of data points: the first axis of the tensor(s). */
    private static int rows(Object data) {
        if (data instanceof PplRecord r) {
            if (r.fields().isEmpty()) {
                throw new IllegalArgumentException("fit: 'data' is an empty record");
            }
            int n = -1;
            for (Map.Entry<String, Object> e : r.fields().entrySet()) {
                int m = rows(e.getValue());
                if (n >= 0 && m != n) {
                    throw new IllegalArgumentException("fit: the fields of 'data' must have as many rows each; '"
                            + e.getKey() + "' has " + m + ", others " + n);
                }
                n = m;
            }
            return n;
        }
        Object v = Args.numeric("fit", "data", data);
        if (!AD.isTensor(v) || AD.tensorValue(v).rank() == 0 || AD.tensorValue(v).dim(0) == 0) {
            throw new IllegalArgumentException("fit: 'data' must be a tensor whose first axis indexes the data points"
                    + " (or a record of such tensors), got " + Printer.kind(data));
        }
        return AD.tensorValue(v).dim(0);
    }

    int steps() {
        return steps;
    }

    String describe() {
        return "data " + n + " rows, batch " + batch + (shuffle ? ", shuffled" : "");
    }

    /** Whether step {@code step} (0-based) is the last of its epoch (or of the fit). */
    boolean endsEpoch(int step) {
        return (step + 1) % perEpoch == 0 || step + 1 == steps;
    }

    /** The epoch (0-based) step {@code step} is in. */
    int epochOf(int step) {
        return step / perEpoch;
    }

    /** The objective on the first batch (for names and settings). */
    ObjectiveInstance first() {
        if (head < n) { // a sample of distributed data: its first rows
            int[] idx = new int[Math.min(batch, head)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            return instance(take(idx));
        }
        return instance(take(indices(0)));
    }

    /**
     * The objective on the whole data set (the fitted posterior's model and guide, for draws, predict and tracked
     * quantities), or the first batch's when this JVM has a sample of distributed data.
     */
    ObjectiveInstance whole() {
        return head < n ? first() : instance(data);
    }

    /** The objective function, from a batch to an objective. */
    Object function() {
        return objective;
    }

    int batch() {
        return batch;
    }

    boolean shuffle() {
        return shuffle;
    }

    /** Runs {@code body} on the objective of step {@code step}'s batch (0-based), scaled. */
    <T> T atStep(int step, Function<ObjectiveInstance, T> body) {
        return scaled(indices(step), body);
    }

    /** Runs {@code body} on the objective of a batch of random rows, scaled. */
    <T> T atRandom(Rng rng, Function<ObjectiveInstance, T> body) {
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = rng.nextInt(head); // all rows, or the sample of distributed data this JVM has
        }
        return scaled(idx, body);
    }

    private <T> T scaled(int[] idx, Function<ObjectiveInstance, T> body) {
        long before = context.localBlocks();
        double saved = context.minibatchScale();
        int[] savedRows = context.minibatchRows();
        int savedSize = context.minibatchDataSize();
        context.setMinibatchScale((double) n / idx.length);
        context.setMinibatchRows(head == n ? idx : null, n); // rows of a sample are not the data set's
        T result;
        try {
            result = body.apply(instance(take(idx)));
        } finally {
            context.setMinibatchScale(saved);
            context.setMinibatchRows(savedRows, savedSize);
        }
        if (idx.length < n && context.localBlocks() == before) {
            throw new IllegalArgumentException("fit: with 'data' and a 'batch' smaller than the data, the model must"
                    + " mark the choices of each data point with local { ... } so that their log densities are"
                    + " scaled by N / B; no local block ran");
        }
        return result;
    }

    private ObjectiveInstance instance(Object batchValue) {
        return Args.objective("fit", IterationBuiltins.call(context, objective, new Object[] {batchValue}));
    }

    /** The rows of step {@code step}'s batch. */
    private int[] indices(int step) {
        int epoch = step / perEpoch;
        int k = step % perEpoch;
        if (epoch != orderEpoch) {
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (shuffle) {
                Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + epoch + 1);
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            orderEpoch = epoch;
        }
        int from = k * batch;
        int to = Math.min(n, from + batch);
        return java.util.Arrays.copyOfRange(order, from, to);
    }

    private Object take(int[] idx) {
        if (data instanceof PplRecord r) {
            Map<String, Object> fields = new LinkedHashMap<>();
            r.fields().forEach((k, v) -> fields.put(k, take(v, idx)));
            return new PplRecord(r.typeName(), fields);
        }
        return take(data, idx);
    }

    private static Object take(Object v, int[] idx) {
        Tensor t = AD.tensorValue(Args.numeric("fit", "data", v));
        return t.rows(idx);
    }
}
