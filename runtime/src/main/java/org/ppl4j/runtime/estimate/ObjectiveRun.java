package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
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
 * primitive ones), the collector of score terms, and the builder of the surrogate (DESIGN.md section 2).
 */
public final class ObjectiveRun implements Handler, EstimationContext {
    private record Score(Object logProb, Baseline baseline, String siteKey) {
    }

    private final PplContext context;
    private final ParamProvider params;
    private final Rng rng;
    private final BaselineStore baselines;
    private final boolean differentiating;
    private final List<Score> scores = new ArrayList<>();
    private final List<ChoiceMap> traces = new ArrayList<>();

    public ObjectiveRun(PplContext context, ParamProvider params, Rng rng, BaselineStore baselines,
            boolean differentiating) {
        this.context = context;
        this.params = params;
        this.rng = rng;
        this.baselines = baselines;
        this.differentiating = differentiating;
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

    @Override
    public Rng rng() {
        return rng;
    }

    @Override
    public boolean differentiating() {
        return differentiating;
    }

    @Override
    public void addScore(Object logProb, Baseline baseline, String siteKey) {
        if (differentiating && AD.isTracked(logProb)) {
            scores.add(new Score(AD.sum(logProb), baseline, siteKey));
        }
    }

    /** The traces drawn by {@code sim} in this run, in order. */
    public List<ChoiceMap> traces() {
        return traces;
    }

    /**
     * The DiCE surrogate s = v * box(sum of log q) + sum over scores of (1 - box(log q_i)) * b_i. Its value
     * is v; its gradient is the gradient of v plus (v - b_i) times the score of each choice. Baselines then
     * learn from v.
     */
    public Object surrogate(Object value) {
        if (scores.isEmpty()) {
            return value;
        }
        Object totalScore = 0.0;
        for (Score s : scores) {
            totalScore = AD.add(totalScore, s.logProb());
        }
        Object surrogate = AD.mul(value, AD.magicBox(totalScore));
        double v = AD.scalarValue(value);
        for (Score s : scores) {
            double b = s.baseline().value(s.siteKey(), baselines);
            if (b != 0) {
                surrogate = AD.add(surrogate, AD.mul(AD.sub(1.0, AD.magicBox(s.logProb())), b));
            }
        }
        for (Score s : scores) {
            s.baseline().observe(s.siteKey(), v, baselines);
        }
        return surrogate;
    }
}
