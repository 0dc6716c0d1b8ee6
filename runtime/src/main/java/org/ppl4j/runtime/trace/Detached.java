package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.ChoiceMap;

/**
 * {@code detach(g)}: g with its parameters frozen. Its samples and densities carry no gradient with respect to
 * g's parameters (they may still depend on other values, and choices keep their strategies).
 */
public record Detached(GenerativeFunction inner) implements GenerativeFunction {
    @Override
    public String name() {
        return "detach(" + inner.name() + ")";
    }

    @Override
    public ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params) {
        return inner.simulate(context, estimation, DetachedParams.of(params));
    }

    @Override
    public Object density(PplContext context, ChoiceMap choices, ParamProvider params) {
        return inner.density(context, choices, DetachedParams.of(params));
    }

    @Override
    public Object densityPerDatum(PplContext context, ChoiceMap choices, ParamProvider params) {
        return inner.densityPerDatum(context, choices, DetachedParams.of(params));
    }

    @Override
    public String toString() {
        return name();
    }
}
