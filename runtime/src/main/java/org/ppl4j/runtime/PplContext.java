package org.ppl4j.runtime;

import com.oracle.truffle.api.TruffleLanguage.ContextReference;
import com.oracle.truffle.api.TruffleLanguage.Env;
import com.oracle.truffle.api.nodes.Node;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.ppl4j.runtime.param.ConstantParams;
import org.ppl4j.runtime.trace.Handler;

/**
 * The state of one ppl4j context: top-level names, the global parameters, the random source for
 * top-level sampling, and the handler of the generative function now running.
 */
public final class PplContext {
    private static final ContextReference<PplContext> REFERENCE = ContextReference.create(PplLanguage.class);

    private final PplLanguage language;
    private final Env env;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Object> globals = new HashMap<>();
    private final ConstantParams params = new ConstantParams();
    private final long seed;
    private final boolean json;
    private final boolean internalStdlib;
    private final String estimatorOverrides;
    private final Map<String, String> programArgs = new java.util.LinkedHashMap<>();
    private final Rng rng;
    private final boolean progress;
    private final int columns;
    private final String resume;
    private int fits;
    private boolean preludeDefined;
    private Handler handler;
    private final Stop stop;
    /** The random choice statement running now, for messages that name where a guide drew a value. */
    private com.oracle.truffle.api.nodes.Node sampleNode;
    private double minibatchScale = 1.0;
    private int[] minibatchRows;
    private int minibatchDataSize;
    private long localBlocks;
    private boolean tracked;
    private Runnable onLocalBlock;
    private Object dataParallel;
    private Object lastFit;
    private volatile FitObserver fitObserver;
    private int batch;
    private final Map<Object, String> loopedBodies = new HashMap<>();

    PplContext(PplLanguage language, Env env) {
        this.language = language;
        this.env = env;
        this.seed = env.getOptions().get(PplLanguage.SEED);
        this.json = env.getOptions().get(PplLanguage.JSON);
        this.internalStdlib = env.getOptions().get(PplLanguage.INTERNAL_STDLIB);
        this.estimatorOverrides = env.getOptions().get(PplLanguage.ESTIMATORS);
        for (String line : env.getOptions().get(PplLanguage.ARGS).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                programArgs.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        this.out = new PrintStream(env.out(), true);
        this.err = new PrintStream(env.err(), true);
        this.rng = new Rng(seed);
        this.progress = env.getOptions().get(PplLanguage.PROGRESS) && !env.getOptions().get(PplLanguage.QUIET);
        this.columns = env.getOptions().get(PplLanguage.COLUMNS);
        this.resume = env.getOptions().get(PplLanguage.RESUME);
        this.stop = Stop.lookup(env.getOptions().get(PplLanguage.STOP));
    }

    /** The launcher's request to stop ({@code --timeout}, Ctrl-C); never requested when embedded. */
    public Stop stop() {
        return stop;
    }

    public static PplContext get(Node node) {
        return REFERENCE.get(node);
    }

    public PplLanguage language() {
        return language;
    }

    public Env env() {
        return env;
    }

    /** Where {@code print} writes: standard output, or standard error when the launcher wants JSON there. */
    public PrintStream printStream() {
        return json ? err : out;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** Whether the stdlib's source is marked internal (debuggers skip its frames): {@code ppl run --inspect}. */
    public boolean internalStdlib() {
        return internalStdlib;
    }

    public boolean json() {
        return json;
    }

    /** Arguments given to the program from outside ({@code ./ppl run FILE --k 10}), by name. */
    public Map<String, String> programArgs() {
        return programArgs;
    }

    /** Strategy overrides given from outside the program ({@code --estimator z=reinforce}), or "". */
    public String estimatorOverrides() {
        return estimatorOverrides;
    }

    /** Whether the stdlib's prelude has run in this context (a program's first statement runs it otherwise). */
    public boolean preludeDefined() {
        return preludeDefined;
    }

    public void setPreludeDefined() {
        this.preludeDefined = true;
    }

    public Map<String, Object> globals() {
        return globals;
    }

    public ConstantParams params() {
        return params;
    }

    public long seed() {
        return seed;
    }

    public Rng rng() {
        return rng;
    }

    /** N / B while a minibatch fit evaluates its objective on a batch of B of N data points, else 1. */
    public double minibatchScale() {
        return minibatchScale;
    }

    public void setMinibatchScale(double scale) {
        this.minibatchScale = scale;
    }

    /**
     * The data set's row of each datum of the batch now evaluated (in the batch's order), while a minibatch fit
     * evaluates its objective on a batch and says which rows it took; else null. Per-datum parameters
     * (an automatic guide's local sites) are picked by it.
     */
    public int[] minibatchRows() {
        return minibatchRows;
    }

    /** The data set's number of rows while {@link #minibatchRows()} is not null. */
    public int minibatchDataSize() {
        return minibatchDataSize;
    }

    /** Sets {@link #minibatchRows()} (null: none) and the data set's size. */
    public void setMinibatchRows(int[] rows, int dataSize) {
        this.minibatchRows = rows;
        this.minibatchDataSize = dataSize;
    }

    /**
     * Runs {@code hook} as each {@code local} block begins (null: none). A data-parallel fit evaluates one datum at
     * a time and re-seeds the datum's random choices there, from (seed, step, datum index).
     */
    public void setOnLocalBlock(Runnable hook) {
        this.onLocalBlock = hook;
    }

    /**
     * The data-parallel runner a minibatch {@code fit} hands its steps to (ppl4j-spark's driver or executor side),
     * or null for an ordinary fit. Typed by stdlib (org.ppl4j.stdlib.builtins.DataParallel).
     */
    public Object dataParallel() {
        return dataParallel;
    }

    public void setDataParallel(Object runner) {
        this.dataParallel = runner;
    }

    /** How many {@code local} blocks have run (a minibatch fit checks that its model has one). */
    public long localBlocks() {
        return localBlocks;
    }

    public void noteLocalBlock() {
        localBlocks++;
        if (onLocalBlock != null) {
            onLocalBlock.run();
        }
    }

    /** Whether a {@code track} statement has run in this context: only then do summaries and draws look for them. */
    public boolean hasTracked() {
        return tracked;
    }

    public void noteTracked() {
        tracked = true;
    }

    /** The handler of the innermost running generative function, or null at top level. */
    /** Notes the {@code ~} statement that is drawing now (see {@link #sampleLocation}). */
    public void enterSample(com.oracle.truffle.api.nodes.Node node) {
        sampleNode = node;
    }

    /** "file:line:col" of the {@code ~} statement drawing now, or null. */
    public String sampleLocation() {
        return location(sampleNode);
    }

    /**
     * The {@code ~} statement drawing now, or null: kept as it is (its {@link #location} made only for a message),
     * since a guide notes it at every draw.
     */
    public com.oracle.truffle.api.nodes.Node sampleNode() {
        return sampleNode;
    }

    /** "file:line:col" of a node's source, or null. */
    public static String location(com.oracle.truffle.api.nodes.Node node) {
        com.oracle.truffle.api.source.SourceSection s = node == null ? null : node.getEncapsulatingSourceSection();
        return s == null || !s.isAvailable() ? null
                : s.getSource().getName() + ":" + s.getStartLine() + ":" + s.getStartColumn();
    }

    public Handler handler() {
        return handler;
    }

    /** Runs {@code body} with {@code h} as the current handler, restoring the previous one afterwards. */
    public <T> T withHandler(Handler h, Supplier<T> body) {
        Handler saved = handler;
        handler = h;
        try {
            return body.get();
        } finally {
            handler = saved;
        }
    }

    /**
     * k while a vectorised {@code replicate(k)} or {@code map} body runs (its values are {@link
     * org.ppl4j.runtime.ad.Batched}), else 0: builtins without a batching rule then refuse to run.
     */
    public int batch() {
        return batch;
    }

    public void setBatch(int k) {
        this.batch = k;
    }

    /**
     * Why a vectorised body (by the key its replicate or map chose) could not run vectorised, for the bodies that
     * will fail again the same way: they run as loops from then on, without another try.
     */
    public Map<Object, String> loopedBodies() {
        return loopedBodies;
    }

    public Object lastFit() {
        return lastFit;
    }

    public void setLastFit(Object fit) {
        this.lastFit = fit;
    }

    /** Whether fits draw a progress bar on {@link #err()} (ppl.Progress and not ppl.Quiet). */
    public boolean progress() {
        return progress;
    }

    /** The width of the terminal progress bars are drawn on (ppl.Columns). */
    public int columns() {
        return columns;
    }

    /** The checkpoint directory fits resume from (ppl.Resume), or "". */
    public String resumeDirectory() {
        return resume;
    }

    /** Who is told of each fit step (the embedding API's progress listener and cancellation), or null. */
    public FitObserver fitObserver() {
        return fitObserver;
    }

    public void setFitObserver(FitObserver observer) {
        this.fitObserver = observer;
    }

    /** Counts a fit: 1 for the first fit this context runs, 2 for the next, ... (names its checkpoints). */
    public int nextFitIndex() {
        return ++fits;
    }
}
