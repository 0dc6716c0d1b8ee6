package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.TraceDistribution;

/**
 * One run of an objective program: the handler of its own random choices ({@code z ~ sim(q)} and
 * primitive ones); its score terms and surrogate come from {@link ScoreCollector}.
 */
public final class ObjectiveRun extends ScoreCollector implements Handler {
    private final PplContext context;
    private final ParamProvider params;
    private final List<ChoiceMap> traces = new ArrayList<>();

    public ObjectiveRun(PplContext context, ParamProvider params, Rng rng, BaselineStore baselines,
            boolean differentiating) {
        super(rng, baselines, differentiating);
        this.context = context;
        this.params = params;
    }

    /** Runs the objective's body; returns its value v (tracked if it depends on parameters). */
    public Object run(ObjectiveInstance objective) {
        return context.withHandler(this, () -> objective.objective().invoke(objective.args()));
    }

    @Override
    public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
        if (distribution instanceof TraceDistribution td) {
            ChoiceMap trace = Generative.simulate(context, td.model(), this, params).trace();
            traces.add(trace);
            return trace;
        }
        return strategy.sample((Distribution) distribution, owner + "/" + address, this);
    }

    @Override
    public ParamProvider params() {
        return params;
    }

    /** The traces drawn by {@code sim} in this run, in order. */
    public List<ChoiceMap> traces() {
        return traces;
    }
}
