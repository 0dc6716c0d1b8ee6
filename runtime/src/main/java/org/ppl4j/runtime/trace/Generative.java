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
        Simulation kept = new Simulation(model, params, context.handler());
        h.keep(kept);
        h.setReturnValue(run(context, model, h));
        h.trace().attach(kept);
        return h;
    }

    /** log p(choices) under the model (differentiable), with every choice read from {@code choices}. */
    public static Object density(PplContext context, BoundModel model, org.ppl4j.runtime.value.ChoiceMap choices,
            org.ppl4j.runtime.param.ParamProvider params) {
        org.ppl4j.runtime.estimate.ObjectiveRun run =
                context.handler() instanceof org.ppl4j.runtime.estimate.ObjectiveRun r ? r : null;
        if (choices.attached() instanceof Simulation s && s.answers(model, params, context.handler())) {
            return s.density(run); // the trace simulate drew in this run: its choices' densities, not a rerun
        }
        AssessHandler h = new AssessHandler(choices, params, model.name(), run);
        run(context, model, h);
        h.checkAllUsed();
        return h.logDensity();
    }
}
