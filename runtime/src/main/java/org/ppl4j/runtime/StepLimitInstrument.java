package org.ppl4j.runtime;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.Option;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.instrumentation.ExecutionEventNode;
import com.oracle.truffle.api.instrumentation.SourceSectionFilter;
import com.oracle.truffle.api.instrumentation.StandardTags;
import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import com.oracle.truffle.api.nodes.Node;
import org.graalvm.options.OptionCategory;
import org.graalvm.options.OptionDescriptors;
import org.graalvm.options.OptionKey;
import org.graalvm.options.OptionStability;
import org.ppl4j.runtime.error.PplException;

/**
 * {@code ppl run --step-limit N}: stops a program after N steps, a step being a statement of the program
 * executed (the nodes with {@code StatementTag}; each iteration of a {@code for} loop is one too; the
 * stdlib's objectives do not count). The error is a
 * runtime error at the statement that went over the limit.
 *
 * <p>Why not the polyglot {@code ResourceLimits.statementLimit}, which counts the same statements: it
 * cancels the whole context when the limit is reached, so the REPL would lose every definition of the
 * session. This instrument throws an ordinary ppl4j error instead, and {@link Steps#reset()} starts the count
 * again for the REPL's next input. Without the option (0) nothing is attached: no cost at all.
 */
@TruffleInstrument.Registration(id = StepLimitInstrument.ID, name = "ppl4j step limit",
        services = StepLimitInstrument.Steps.class)
public final class StepLimitInstrument extends TruffleInstrument {
    public static final String ID = "ppl-steps";
    /** The option to set on the context or engine: the limit, 0 for none. */
    public static final String LIMIT_OPTION = ID + ".Limit";

    @Option(name = "Limit", help = "Stop the program after this many steps (statements executed and loop iterations); "
            + "0: no limit.", category = OptionCategory.USER, stability = OptionStability.STABLE)
    static final OptionKey<Long> LIMIT = new OptionKey<>(0L);

    /** The count of steps so far, shared by every program the engine runs. */
    public static final class Steps {
        private final long limit;
        private long count;

        Steps(long limit) {
            this.limit = limit;
        }

        /** Starts counting from 0 again (the REPL does, before each input). */
        public void reset() {
            count = 0;
        }

        /** The steps counted since the start or the last {@link #reset()}. */
        public long count() {
            return count;
        }

        /** The limit, 0 for none. */
        public long limit() {
            return limit;
        }
    }

    @Override
    protected void onCreate(Env env) {
        long limit = env.getOptions().get(LIMIT);
        Steps steps = new Steps(limit);
        env.registerService(steps);
        if (limit <= 0) {
            return;
        }
        // the stdlib's own statements (the prelude's declarations, elbo's lines) are not the user's steps
        SourceSectionFilter statements = SourceSectionFilter.newBuilder().tagIs(StandardTags.StatementTag.class)
                .sourceIs(source -> !PplLanguage.PRELUDE_NAME.equals(source.getName())).build();
        env.getInstrumenter().attachExecutionEventFactory(statements, c -> new ExecutionEventNode() {
            @Override
            protected void onEnter(VirtualFrame frame) {
                if (++steps.count > limit) {
                    throw c.createError(exceeded(limit, c.getInstrumentedNode()));
                }
            }
        });
    }

    @TruffleBoundary
    private static PplException exceeded(long limit, Node at) {
        return new PplException("the program ran more than its step limit of " + limit + " steps (statements "
                + "executed and loop iterations); raise it with --step-limit N", at);
    }

    @Override
    protected OptionDescriptors getOptionDescriptors() {
        return new StepLimitInstrumentOptionDescriptors();
    }
}
