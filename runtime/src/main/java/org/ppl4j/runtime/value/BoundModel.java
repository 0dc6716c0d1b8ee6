package org.ppl4j.runtime.value;

import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.trace.GenerativeFunction;

/** A model applied to its arguments, {@code coin(8)}: a generative function ready for sim and density. */
public record BoundModel(FunctionValue model, Object[] args) implements GenerativeFunction {
    @Override
    public String name() {
        return model.name();
    }

    @Override
    public ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params) {
        return Generative.simulate(context, this, estimation, params).trace();
    }

    @Override
    public Object density(PplContext context, ChoiceMap choices, ParamProvider params) {
        return Generative.density(context, this, choices, params);
    }

    @Override
    public String toString() {
        return model.name() + "(...)";
    }
}
