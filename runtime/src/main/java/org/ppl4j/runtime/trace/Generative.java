package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.value.BoundModel;

/** Running a bound model under a handler: the generative-function interface in one place. */
public final class Generative {
    private Generative() {
    }

    /** Runs the model's body with {@code handler} deciding every random choice; returns its return value. */
    public static Object run(PplContext context, BoundModel model, Handler handler) {
        return context.withHandler(handler, () -> model.model().invoke(model.args()));
    }

    /** A trace of the model: every choice sampled by its site's strategy (gradients as the strategy says). */
    public static SimulateHandler simulate(PplContext context, BoundModel model,
            org.ppl4j.runtime.estimate.EstimationContext estimation, org.ppl4j.runtime.param.ParamProvider params) {
        SimulateHandler h = new SimulateHandler(estimation, params, model.name());
        Handler outer = context.handler();
        h.setReturnValue(run(context, model, h));
        h.trace().rememberSimulation(new Simulation(model, params, outer, h.sites()));
        return h;
    }

    /** log p(choices) under the model (differentiable), with every choice read from {@code choices}. */
    public static Object density(PplContext context, BoundModel model, org.ppl4j.runtime.value.ChoiceMap choices,
            org.ppl4j.runtime.param.ParamProvider params) {
        if (choices.simulation() instanceof Simulation s && s.matches(model, params, context.handler())) {
            return s.density(context);
        }
        AssessHandler h = new AssessHandler(choices, params, model.name(),
                context.handler() instanceof org.ppl4j.runtime.estimate.ObjectiveRun r ? r : null,
                context.minibatchScale());
        run(context, model, h);
        h.checkAllUsed();
        return h.logDensity();
    }

    /**
     * Gen's assess outside any objective: the model run with every choice read from {@code choices}; the handler has
     * the log density and the values of the model's {@code track} statements.
     */
    public static AssessHandler assess(PplContext context, BoundModel model, org.ppl4j.runtime.value.ChoiceMap choices,
            org.ppl4j.runtime.param.ParamProvider params) {
        AssessHandler h = new AssessHandler(choices, params, model.name(), null, context.minibatchScale());
        run(context, model, h);
        h.checkAllUsed();
        return h;
    }

    /** {@code density(model, choices, keep: "data")}: see {@link GenerativeFunction#densityPerDatum}. */
    public static Object densityPerDatum(PplContext context, BoundModel model,
            org.ppl4j.runtime.value.ChoiceMap choices, org.ppl4j.runtime.param.ParamProvider params) {
        if (choices.simulation() instanceof Simulation s && s.matches(model, params, context.handler())
                && !s.hasLocal()) {
            return s.density(context); // no data axis: the density itself, taken as without 'keep'
        }
        AssessHandler h = new AssessHandler(choices, params, model.name(),
                context.handler() instanceof org.ppl4j.runtime.estimate.ObjectiveRun r ? r : null,
                context.minibatchScale());
        h.keepData();
        run(context, model, h);
        h.checkAllUsed();
        return h.logDensity();
    }
}
