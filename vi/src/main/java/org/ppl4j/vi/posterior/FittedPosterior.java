package org.ppl4j.vi.posterior;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.AssessHandler;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.trace.GenerativeFunction;
import org.ppl4j.runtime.trace.SamplingContext;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.vi.ParamStore;
import org.ppl4j.vi.Summary;

/**
 * A fitted posterior: the guide with its fitted parameters, and where the fit knew them, the model and the
 * observations it was fitted to. What every consumer of a fit uses (the builtins {@code draws}, {@code predict},
 * {@code save_fit} and {@code summary}, the CLI's {@code --draws}, {@code --predict} and {@code --json}, the Java
 * API): guide draws, predictive draws, the importance weights {@code p(x, z) / q(z)} and their diagnostics.
 * Every method runs the model or the guide, so it must be called in the context that defined them.
 */
public final class FittedPosterior {
    private final BoundModel model;
    private final GenerativeFunction guide;
    private final ChoiceMap observations;
    private final ParamStore params;
    private final Map<String, String> settings;

    /**
     * @param model the model p, or null when the fit's objective did not name one
     * @param guide the guide q (not null)
     * @param observations the observed choices (empty for none)
     * @param params the fitted parameters
     * @param settings how the fit ran, in order ({@code objective}, {@code steps}, ...), for reports
     */
    public FittedPosterior(BoundModel model, GenerativeFunction guide, ChoiceMap observations, ParamStore params,
            Map<String, String> settings) {
        this.model = model;
        this.guide = guide;
        this.observations = observations == null ? new ChoiceMap() : observations;
        this.params = params;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public BoundModel model() {
        return model;
    }

    /** The guide: a model bound to its arguments, or an automatic guide. */
    public GenerativeFunction guide() {
        return guide;
    }

    public ChoiceMap observations() {
        return observations;
    }

    public ParamStore params() {
        return params;
    }

    public Map<String, String> settings() {
        return settings;
    }

    /** n traces of the guide at the fitted parameters. */
    public List<ChoiceMap> guideTraces(PplContext context, int n, Rng rng) {
        ParamProvider p = params.constants();
        List<ChoiceMap> traces = new ArrayList<>(n);
        SamplingContext sampling = new SamplingContext(rng);
        for (int i = 0; i < n; i++) {
            traces.add(guide.simulate(context, sampling, p));
        }
        return traces;
    }

    /**
     * n draws of the guide per latent address, each a tensor with a leading axis of n; then, when the model is known
     * and has {@code track} statements, the tracked quantities at each draw (the model run at the draw and the
     * observations).
     */
    public Draws draws(PplContext context, int n, Rng rng) {
        List<ChoiceMap> traces = guideTraces(context, n, rng);
        Draws d = Draws.stack(traces);
        if (model != null && !context.hasTracked() && !traces.isEmpty()) {
            // a program that loaded this fit may not have run the model yet: one run says whether it tracks
            trackedAt(context, model, observations, params.constants(), traces.get(0));
        }
        if (model == null || !context.hasTracked()) {
            return d;
        }
        return d.with(Draws.stack(weigh(context, traces).tracked()).byAddress());
    }

    /**
     * n guide draws with their tracked quantities (as {@link #draws}) and the log densities {@code log_p__}
     * (log p(x, z), the model at the draw and the observations) and {@code log_g__} (log q(z)) of each, as CmdStan's
     * variational output has them; without a model, the draws alone.
     */
    public Draws drawsWithDensities(PplContext context, int n, Rng rng) {
        List<ChoiceMap> traces = guideTraces(context, n, rng);
        Draws d = Draws.stack(traces);
        if (model == null) {
            return d;
        }
        Weighed w = weigh(context, traces);
        Map<Address, Tensor> more = new LinkedHashMap<>(Draws.stack(w.tracked()).byAddress());
        more.put(new Address("log_p__"), new Tensor(new int[] {n}, w.logP()));
        more.put(new Address("log_g__"), new Tensor(new int[] {n}, w.logQ()));
        return d.with(more);
    }

    /** log p(x, z), log q(z) and the model's tracked values of each guide trace z, at the fitted parameters. */
    private record Weighed(double[] logP, double[] logQ, List<ChoiceMap> tracked) {
    }

    private Weighed weigh(PplContext context, List<ChoiceMap> traces) {
        ParamProvider p = params.constants();
        double[] lp = new double[traces.size()];
        double[] lq = new double[traces.size()];
        List<ChoiceMap> tracked = new ArrayList<>(traces.size());
        for (int i = 0; i < lp.length; i++) {
            ChoiceMap z = traces.get(i);
            AssessHandler h = Generative.assess(context, model, ChoiceMap.merge(z, observations), p);
            lp[i] = AD.scalarValue(h.logDensity());
            tracked.add(h.tracked());
            lq[i] = AD.scalarValue(guide.density(context, z, p));
        }
        return new Weighed(lp, lq, tracked);
    }

    /**
     * The values of {@code model}'s {@code track} statements when it is run at the guide trace {@code z} and the
     * observations, or null when the model cannot be run at z (a trace of another model than the guide).
     */
    public static ChoiceMap trackedAt(PplContext context, BoundModel model, ChoiceMap observations, ParamProvider params,
            ChoiceMap z) {
        try {
            return Generative.assess(context, model, ChoiceMap.merge(z, observations), params).tracked();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The log importance weights {@code log p(x, z) - log q(z)} of guide traces; needs the model. */
    public double[] logWeights(PplContext context, List<ChoiceMap> traces) {
        if (model == null) {
            throw new IllegalArgumentException("the fit's objective names no model, so there are no importance weights");
        }
        Weighed w = weigh(context, traces);
        double[] lw = new double[traces.size()];
        for (int i = 0; i < lw.length; i++) {
            lw[i] = w.logP()[i] - w.logQ()[i];
        }
        return lw;
    }

    /** The diagnostics of importance weights: PSIS k-hat and its verdict, Kish's ESS, the number of draws. */
    public record Diagnostics(double khat, String verdict, double ess, int draws) {
        public static Diagnostics of(double[] logWeights) {
            double k = Psis.khat(logWeights);
            return new Diagnostics(k, Psis.verdict(k), Summary.effectiveSampleSize(logWeights), logWeights.length);
        }
    }

    /**
     * Posterior predictive draws: n runs of the model, each with its latents from one guide draw and every other
     * choice (the observed ones resampled) drawn from the model; per address, a tensor with a leading axis of n.
     * Vectorised where the guide and the model allow (see {@link #predict(PplContext, int, Rng, boolean)}).
     */
    public Draws predict(PplContext context, int n, Rng rng) {
        return predict(context, n, rng, true);
    }

    /**
     * As {@link #predict(PplContext, int, Rng)}; with {@code vectorise} the guide and the model first run once for
     * all n draws, each value batched along a leading axis of n (as {@code replicate} runs its body in an
     * objective), and where something in them has no batching rule (an {@code if} on a drawn value, a vector-valued
     * distribution, a joint guide) the random stream is put back and they run n times, one draw each. Both give
     * draws of the same distribution; the values differ, the batched run drawing all n values of one site before
     * the next site's.
     */
    public Draws predict(PplContext context, int n, Rng rng, boolean vectorise) {
        if (model == null) {
            throw new IllegalArgumentException("predict: the fit's objective names no model to predict with");
        }
        ParamProvider p = params.constants();
        Draws batched = vectorise ? batchedRun(context, guide, model, p, n, rng) : null;
        if (batched != null) {
            return batched;
        }
        List<ChoiceMap> traces = guideTraces(context, n, rng);
        List<ChoiceMap> out = new ArrayList<>(n);
        for (ChoiceMap z : traces) {
            out.add(run(context, model, z, p, rng));
        }
        return Draws.stack(out);
    }

    /** Prior predictive draws of {@code model}: n runs with every choice drawn from the model (vectorised where it allows). */
    public static Draws priorPredict(PplContext context, BoundModel model, ParamProvider params, int n, Rng rng) {
        return priorPredict(context, model, params, n, rng, true);
    }

    /** As {@link #priorPredict(PplContext, BoundModel, ParamProvider, int, Rng)}, vectorised only if asked. */
    public static Draws priorPredict(PplContext context, BoundModel model, ParamProvider params, int n, Rng rng,
            boolean vectorise) {
        Draws batched = vectorise ? batchedRun(context, null, model, params, n, rng) : null;
        if (batched != null) {
            return batched;
        }
        List<ChoiceMap> out = new ArrayList<>(n);
        ChoiceMap none = new ChoiceMap();
        for (int i = 0; i < n; i++) {
            out.add(run(context, model, none, params, rng));
        }
        return Draws.stack(out);
    }

    /**
     * n predictive draws from one run of the guide (when given) and one of the model, every value batched along a
     * leading axis of n; null, with {@code rng} as it was, when they cannot run so.
     */
    private static Draws batchedRun(PplContext context, GenerativeFunction guide, BoundModel model, ParamProvider p, int n,
            Rng rng) {
        if (n < 2 || context.batch() > 0) {
            return null;
        }
        long[] state = rng.state();
        int outer = context.batch();
        context.setBatch(n);
        try {
            ChoiceMap fixed = guide == null ? new ChoiceMap() : guide.simulate(context, new SamplingContext(rng, n), p);
            PredictiveHandler h = new PredictiveHandler(fixed, p, rng, model.name(), n);
            Generative.run(context, model, h);
            return Draws.ofBatched(h.trace(), n);
        } catch (com.oracle.truffle.api.nodes.ControlFlowException e) {
            throw e;
        } catch (RuntimeException e) {
            // no batching rule for something they do (or an error the loop will report at its line): loop instead
            rng.restore(state);
            return null;
        } finally {
            context.setBatch(outer);
        }
    }

    private static ChoiceMap run(PplContext context, BoundModel model, ChoiceMap fixed, ParamProvider params, Rng rng) {
        PredictiveHandler h = new PredictiveHandler(fixed, params, rng, model.name());
        Generative.run(context, model, h);
        return h.trace();
    }
}
