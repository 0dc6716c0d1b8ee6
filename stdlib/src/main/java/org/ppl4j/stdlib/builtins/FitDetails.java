package org.ppl4j.stdlib.builtins;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.vi.ParamStore;

/**
 * What {@code summary} and {@code plot} need of a fit beyond the fields of its result record, kept beside the
 * record (not in it, so that printing the result or writing it as JSON stays as it was): how it ran, up to
 * {@link #MAX_DRAWS} guide draws per latent, and for the importance weights the guide traces of the summary
 * runs with the model, the guide, the observations and the fitted parameters to weigh them with.
 *
 * @param objective the objective's name
 * @param steps the fit's steps
 * @param particles runs of the objective per step
 * @param samples runs of the objective at the fitted parameters (the summary)
 * @param resumedAt the step a resumed fit continued from, 0 if it did not resume
 * @param draws per latent address, its draws in the order sampled (at most {@link #MAX_DRAWS})
 * @param weighing the importance weights' ingredients, or null when the objective exposes none
 * @param fitted the fitted guide (with the model and observations where the objective names them), or null when the
 *     objective has no guide argument
 */
record FitDetails(String objective, int steps, int particles, int samples, int resumedAt,
        Map<String, double[]> draws, Weighing weighing, org.ppl4j.vi.posterior.FittedPosterior fitted) {
    /** Draws kept per latent for plots, at most. */
    static final int MAX_DRAWS = 4000;
    /** Draws kept over all latents, at most (a model with many latents keeps fewer of each, but 200 at least). */
    static final int MAX_TOTAL_DRAWS = 500_000;
    /** Choices kept in traces for the importance weights, over all traces. */
    static final int MAX_TRACE_CHOICES = 50_000;

    /**
     * The guide traces of the summary runs and how to weigh them: {@code w = p(x, z) / q(z)} for each trace z,
     * with {@code p} the objective's first model argument, {@code q} its second and {@code obs} its first choice
     * map argument (as in {@code elbo(p, q, obs)}).
     */
    record Weighing(BoundModel model, org.ppl4j.runtime.trace.GenerativeFunction guide, ChoiceMap observations, ParamStore params,
            List<ChoiceMap> traces, int runs) {
    }

    private static final Map<PplRecord, FitDetails> DETAILS = Collections.synchronizedMap(new WeakHashMap<>());

    static void attach(PplRecord fit, FitDetails details) {
        DETAILS.put(fit, details);
    }

    /** The details of a fit result, or null for a record that no fit returned. */
    static FitDetails of(PplRecord fit) {
        return DETAILS.get(fit);
    }

    FitDetails {
        draws = Collections.unmodifiableMap(new LinkedHashMap<>(draws));
    }
}
