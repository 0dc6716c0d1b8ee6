package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;

/**
 * What a running generative function does at each random choice: simulate it, score it against given
 * values, or sample it with a gradient strategy. Gen's generative-function interface, as effect handlers.
 */
public interface Handler {
    /**
     * The value of the choice at {@code address}.
     *
     * @param owner      the model the site is in (for parameter keys and baseline state)
     * @param distribution a {@code Distribution} or a {@code TraceDistribution}
     * @param strategy   the site's gradient strategy, as the estimate pass chose it
     */
    Object sample(String owner, Address address, Object distribution, GradientStrategy strategy);

    ParamProvider params();
}
