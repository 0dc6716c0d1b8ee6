package org.ppl4j.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@code fit(...)} in a ppl4j program returned, as plain Java values: the fitted parameters, the
 * objective, and a summary of the posterior at every latent address of the guide. Immutable; safe to share
 * between threads once made.
 *
 * <pre>{@code
 * try (PplProgram program = Ppl.compile(Path.of("examples/coin.ppl"))) {
 *     FitResult fit = program.run().lastFit();
 *     double a = fit.param("coin_guide.a");                      // a scalar parameter
 *     double[] means = fit.posteriorArray("p", Posterior::mean);  // [0.70...]; for z[0], z[1], ...: one each
 *     double[] history = fit.history();                           // the objective per step
 * }
 * }</pre>
 */
public final class FitResult {
    private final Map<String, Object> params;
    private final Map<String, int[]> shapes;
    private final double objective;
    private final double[] history;
    private final Map<String, Posterior> posterior;
    private final int divergedAtStep;
    private final String divergence;

    FitResult(Map<String, Object> params, Map<String, int[]> shapes, double objective, double[] history, Map<String, Posterior> posterior,
            int divergedAtStep, String divergence) {
        this.divergedAtStep = divergedAtStep;
        this.divergence = divergence;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.shapes = new LinkedHashMap<>(shapes);
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

    /**
     * The parameter {@code name} ({@code model.param}) flattened to a {@code double[]}, row-major: a scalar as one
     * element. Its shape is {@link #paramShape(String)}.
     */
    public double[] paramArray(String name) {
        Object v = require(name);
        if (v instanceof Double d) {
            return new double[] {d};
        }
        if (v instanceof double[] a) {
            return a.clone();
        }
        double[][] m = (double[][]) v;
        double[] flat = new double[m.length == 0 ? 0 : m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * m[i].length, m[i].length);
        }
        return flat;
    }

    /** The shape of the parameter {@code name}: [] for a scalar, [n] for a vector, [r, c] for a matrix, ... */
    public int[] paramShape(String name) {
        require(name);
        int[] shape = shapes.get(name);
        return shape == null ? new int[0] : shape.clone();
    }

    /** The parameter {@code name} as a new float64 ND4J array of its shape. */
    public INDArray paramTensor(String name) {
        return Nd4jArrays.of(paramShape(name), paramArray(name));
    }

    private Object require(String name) {
        Object v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; the parameters are " + params.keySet());
        }
        return v;
    }

    /**
     * One statistic of the posterior at the latent {@code name} ({@code "p"}) or at each of its indexed addresses
     * ({@code "z[0]"}, {@code "z[1]"}, ...) in index order, as an array:
     * {@code fit.posteriorArray("z", Posterior::mean)}. Addresses with several indices ({@code "w[1][2]"}) come
     * in row-major order of their indices.
     *
     * @throws IllegalArgumentException if no latent address is {@code name} or starts with {@code name[}
     */
    public double[] posteriorArray(String name, ToDoubleFunction<Posterior> statistic) {
        List<Map.Entry<int[], Posterior>> found = new ArrayList<>();
        for (Map.Entry<String, Posterior> e : posterior.entrySet()) {
            String address = e.getKey();
            if (address.equals(name)) {
                found.add(Map.entry(new int[0], e.getValue()));
            } else if (address.startsWith(name + "[") && address.endsWith("]")) {
                int[] index;
                try {
                    index = Arrays.stream(address.substring(name.length() + 1, address.length() - 1)
                            .split("\\]\\[|,\\s*")).mapToInt(x -> Integer.parseInt(x.strip())).toArray();
                } catch (NumberFormatException notAnIndex) {
                    continue;
                }
                found.add(Map.entry(index, e.getValue()));
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no latent '" + name + "' or '" + name + "[...]'; the addresses are "
                    + posterior.keySet());
        }
        found.sort((x, y) -> Arrays.compare(x.getKey(), y.getKey()));
        return found.stream().mapToDouble(e -> statistic.applyAsDouble(e.getValue())).toArray();
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
