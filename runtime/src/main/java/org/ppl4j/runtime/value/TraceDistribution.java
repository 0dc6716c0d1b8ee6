package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;
import org.ppl4j.runtime.trace.GenerativeFunction;

/**
 * {@code sim(q)}: the distribution over traces of a generative function (a model, a marginal, a normalized
 * model); {@code z ~ sim(q)} draws one, site by site.
 */
public record TraceDistribution(GenerativeFunction model) implements TruffleObject {
    @Override
    public String toString() {
        return "sim(" + model.name() + ")";
    }
}
