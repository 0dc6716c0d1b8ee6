package org.ppl4j.runtime;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.Option;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.instrumentation.ProvidedTags;
import com.oracle.truffle.api.instrumentation.StandardTags;
import com.oracle.truffle.api.source.Source;
import java.util.ServiceLoader;
import org.graalvm.options.OptionCategory;
import org.graalvm.options.OptionDescriptors;
import org.graalvm.options.OptionKey;
import org.graalvm.options.OptionStability;

/** The ppl4j language: {@code .ppl} sources compiled by the front end into Truffle ASTs. */
@TruffleLanguage.Registration(id = PplLanguage.ID, name = "ppl4j", defaultMimeType = PplLanguage.MIME_TYPE,
        characterMimeTypes = PplLanguage.MIME_TYPE, fileTypeDetectors = PplFileDetector.class,
        contextPolicy = TruffleLanguage.ContextPolicy.SHARED)
@ProvidedTags({StandardTags.CallTag.class, StandardTags.StatementTag.class, StandardTags.RootTag.class,
    StandardTags.RootBodyTag.class, StandardTags.ExpressionTag.class})
public final class PplLanguage extends TruffleLanguage<PplContext> {
    public static final String ID = "ppl";
    public static final String MIME_TYPE = "application/x-ppl";
    /** The name of the source of the stdlib's objectives, compiled ahead of a context's first program. */
    public static final String PRELUDE_NAME = "stdlib/objectives.ppl";

    @Option(name = "Seed", help = "Seed of the random source for top-level sampling and for fits without a seed.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Long> SEED = new OptionKey<>(0L);

    @Option(name = "InternalStdlib", help = "Mark the stdlib's source internal, so that debuggers skip its frames"
            + " (ppl run --inspect sets this unless --inspect-stdlib is given).",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Boolean> INTERNAL_STDLIB = new OptionKey<>(false);

    @Option(name = "JSON", help = "Print the last fit as one JSON object on standard output; print() goes to standard error.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Boolean> JSON = new OptionKey<>(false);

    @Option(name = "Estimators", help = "Strategy overrides for every fit, by address pattern: 'z=reinforce;flip[*]=enum'.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<String> ESTIMATORS = new OptionKey<>("");

    @Option(name = "Args", help = "Program arguments read with arg(name, default), one name=value per line.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<String> ARGS = new OptionKey<>("");

    @Option(name = "Quiet", help = "No progress display while fitting, even with ppl.Progress.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Boolean> QUIET = new OptionKey<>(false);

    @Option(name = "Progress", help = "Draw a progress bar on standard error while fitting (standard error must be a"
            + " terminal; the ppl command sets this when it is).",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Boolean> PROGRESS = new OptionKey<>(false);

    @Option(name = "Columns", help = "The width of the terminal the progress bar is drawn on.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Integer> COLUMNS = new OptionKey<>(80);

    @Option(name = "Resume", help = "A directory of checkpoints: each fit continues from its latest checkpoint there.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<String> RESUME = new OptionKey<>("");

    @Option(name = "Float64", help = "Store and compute large tensors (ND4J) in float64 instead of float32. It applies"
            + " to the whole JVM: tensors made afterwards by any program.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Boolean> FLOAT64 = new OptionKey<>(false);

    @Option(name = "WarnInterpreted", help = "Say once per JVM, on the context's error stream, when Truffle runs ppl4j"
            + " in its interpreter (no optimising runtime), with the JVM flags that give the optimising one.",
            category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Boolean> WARN_INTERPRETED = new OptionKey<>(true);

    /** What ppl4j says, once, in a JVM without the optimising runtime. */
    public static final String INTERPRETED_NOTICE = "ppl4j: this JVM runs ppl4j in Truffle's interpreter, not on the"
            + " optimising runtime ./ppl uses, so fits run slower (hot loops up to tens of times). Start the JVM with the"
            + " flags in ppl4j-jvm.options for the optimising runtime (java @cli/target/ppl4j-jvm.options ...;"
            + " docs/embedding.md#speed); the context option ppl.WarnInterpreted=false silences this.";

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED_INTERPRETED =
            new java.util.concurrent.atomic.AtomicBoolean();

    @Option(name = "Stop", help = "The token of a stop request the launcher may make (--timeout, Ctrl-C); internal.",
            category = OptionCategory.INTERNAL, stability = OptionStability.STABLE)
    static final OptionKey<String> STOP = new OptionKey<>("");

    private static volatile PplFrontEnd frontEnd;
    private volatile CallTarget prelude;

    @Override
    protected PplContext createContext(Env env) {
        if (env.getOptions().get(FLOAT64)) {
            org.ppl4j.runtime.ad.Tensor.setLargeFloat64(true);
        }
        if (env.getOptions().get(WARN_INTERPRETED) && isInterpreted() && !WARNED_INTERPRETED.getAndSet(true)) {
            new java.io.PrintStream(env.err(), true).println(INTERPRETED_NOTICE);
        }
        return new PplContext(this, env);
    }

    @Override
    protected void initializeThread(PplContext context, Thread thread) {
        if (thread == Thread.currentThread()) {
            Stop.ENTERED.set(Stop.ENTERED.get() + 1);
        }
    }

    @Override
    protected void disposeThread(PplContext context, Thread thread) {
        if (thread == Thread.currentThread()) {
            Stop.ENTERED.set(Math.max(0, Stop.ENTERED.get() - 1));
        }
    }

    /** Whether Truffle runs without a compiler: its default runtime, named "Interpreted". */
    private static boolean isInterpreted() {
        return com.oracle.truffle.api.Truffle.getRuntime().getName().contains("Interpreted");
    }

    @Override
    protected OptionDescriptors getOptionDescriptors() {
        return new PplLanguageOptionDescriptors();
    }

    @Override
    protected boolean areOptionsCompatible(org.graalvm.options.OptionValues first,
            org.graalvm.options.OptionValues second) {
        // the compiled prelude is shared by the language's contexts: its source is internal or not for all of them
        return first.get(INTERNAL_STDLIB).equals(second.get(INTERNAL_STDLIB));
    }

    /** The context's top-level names, for {@code context.getBindings("ppl")}. */
    @Override
    protected Object getScope(PplContext context) {
        return new org.ppl4j.runtime.interop.PplBindings(context);
    }

    @Override
    protected CallTarget parse(ParsingRequest request) {
        Source source = request.getSource();
        return frontEnd().compile(this, source);
    }

    /** The stdlib's prelude, compiled by {@code build} on first use and shared by this language's contexts. */
    public CallTarget prelude(java.util.function.Supplier<CallTarget> build) {
        CallTarget p = prelude;
        if (p == null) {
            synchronized (this) {
                p = prelude;
                if (p == null) {
                    p = build.get();
                    prelude = p;
                }
            }
        }
        return p;
    }

    private static PplFrontEnd frontEnd() {
        PplFrontEnd f = frontEnd;
        if (f == null) {
            f = ServiceLoader.load(PplFrontEnd.class, PplLanguage.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no ppl4j compiler on the class path"));
            frontEnd = f;
        }
        return f;
    }
}
