package org.ppl4j.runtime.trace;

import com.oracle.truffle.api.interop.TruffleObject;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.ChoiceMap;

/**
 * What {@code sim} and {@code density} work on (Gen's generative-function interface): a model bound to its
 * arguments, and the values built from others, {@code marginal(...)}, {@code normalize(...)} and
 * {@code detach(g)}.
 */
public interface GenerativeFunction extends TruffleObject {
    /** A short name for messages. */
    String name();

    /**
     * A trace: every choice sampled with its site's gradient strategy, reporting to {@code estimation}
     * (an objective's run while gradients are estimated).
     */
    ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params);

    /**
     * log density of {@code choices} (differentiable), or for the values whose density is intractable an
     * estimate of it, as each documents.
     */
    Object density(PplContext context, ChoiceMap choices, ParamProvider params);

    /** The estimation context of the objective now running, or one that only samples (from the context's rng). */
    static EstimationContext estimation(PplContext context) {
        if (context.handler() instanceof EstimationContext e) {
            return e;
        }
        return new SamplingContext(context.rng());
    }
}
