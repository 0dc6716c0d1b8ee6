package org.ppl4j.embed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@code fit(...)} in a ppl4j program returned, as plain Java values: the fitted parameters, the
 * objective, and a summary of the posterior at every latent address of the guide.
 */
public final class FitResult {
    private final Map<String, Object> params;
    private final double objective;
    private final double[] history;
    private final Map<String, Posterior> posterior;
    private final int divergedAtStep;
    private final String divergence;

    FitResult(Map<String, Object> params, double objective, double[] history, Map<String, Posterior> posterior,
            int divergedAtStep, String divergence) {
        this.divergedAtStep = divergedAtStep;
        this.divergence = divergence;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.objective = objective;
        this.history = history.clone();
        this.posterior = Collections.unmodifiableMap(new LinkedHashMap<>(posterior));
    }

    /**
     * The fitted parameters, constrained (a {@code positive} parameter is positive), keyed {@code model.param}
     * as in {@code coin_guide.a}. A scalar parameter is a {@link Double}, a vector a {@code double[]}, a matrix
     * a {@code double[][]} (higher ranks: flattened {@code double[]}, row-major).
     */
    public Map<String, Object> params() {
        return params;
    }

    /** The scalar parameter {@code name} ({@code model.param}); throws if there is none or it is a tensor. */
    public double param(String name) {
        Object v = params.get(name);
        if (v instanceof Double d) {
            return d;
        }
        throw new IllegalArgumentException(v == null ? "no parameter '" + name + "'; the parameters are "
                + params.keySet() : "the parameter '" + name + "' is a tensor; read it from params()");
    }

    /** The objective at the fitted parameters, averaged over the fit's {@code samples} runs. */
    public double objective() {
        return objective;
    }

    /** The objective at each optimisation step (a copy). */
    public double[] history() {
        return history.clone();
    }

    /** The posterior summary at {@code address} (e.g. {@code "p"}, {@code "z[3]"}); throws if there is none. */
    public Posterior posterior(String address) {
        Posterior p = posterior.get(address);
        if (p == null) {
            throw new IllegalArgumentException("no latent at the address '" + address + "'; the addresses are "
                    + posterior.keySet());
        }
        return p;
    }

    /** Every latent address with its posterior summary, in the order the guide sampled them. */
    public Map<String, Posterior> posteriors() {
        return posterior;
    }

    /**
     * The step at which the fit diverged (its objective or a gradient became NaN or infinite), or 0 when it ran
     * to the end. A diverged fit ends the program with an error; its result, still available from
     * {@link PplProgram#lastFit()}, holds the parameters from before that step, the history up to the last
     * finite step, and the posterior summary at those parameters.
     */
    public int divergedAtStep() {
        return divergedAtStep;
    }

    /** Why the fit diverged ("fit diverged at step 12: the gradient of g.a is NaN (...)"), or null. */
    public String divergence() {
        return divergence;
    }

    @Override
    public String toString() {
        return "FitResult{params=" + params.keySet() + ", objective=" + objective + ", posterior=" + posterior
                + (divergedAtStep > 0 ? ", diverged at step " + divergedAtStep : "") + "}";
    }
}
