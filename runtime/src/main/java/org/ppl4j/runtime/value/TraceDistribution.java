package org.ppl4j.runtime.value;

import com.oracle.truffle.api.interop.TruffleObject;

/** {@code sim(q)}: the distribution over traces of a model; {@code z ~ sim(q)} draws one, site by site. */
public record TraceDistribution(BoundModel model) implements TruffleObject {
    @Override
    public String toString() {
        return "sim(" + model.name() + ")";
    }
}
