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

    /**
     * {@code density(g, choices, keep: "data")}: the log density kept per datum, a [B] tensor whose entry b is the
     * log density of the local choices' slices b (the data axis, the leading one) plus the terms outside
     * {@code local} divided by N (N = B, or the data set's size in a minibatch fit), so that N / B times its sum is
     * the density; a number, the density itself, where no choice is local.
     */
    default Object densityPerDatum(PplContext context, ChoiceMap choices, ParamProvider params) {
        return density(context, choices, params); // no data axis kept (an automatic guide's neither)
    }

    /** The estimation context of the objective now running, or one that only samples (from the context's rng). */
    static EstimationContext estimation(PplContext context) {
        if (context.handler() instanceof EstimationContext e) {
            return e;
        }
        return new SamplingContext(context.rng());
    }
}
