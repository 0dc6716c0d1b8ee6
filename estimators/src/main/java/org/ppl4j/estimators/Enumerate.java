package org.ppl4j.estimators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.Site;

/**
 * Exact expectation over a finite support. The program is replayed once per value, and each term of the
 * objective that depends on the choice is replaced by its exact expectation. Choices that share no term move
 * together, so independent choices cost one run per value, not one per combination; choices that share a term
 * are enumerated jointly over their group's support (see the runtime's EnumerationPlan). Zero variance from
 * this choice.
 *
 * <p>A tensor choice is enumerated over the joint values of one element: inside {@code local} (or
 * {@code local(axes: k)}) an element is what the leading independent axes index (a [N] bernoulli: one number, 2
 * values; a [N, D] one: a row, 2^D values), and every element takes its r-th joint value in run r, so a [N]
 * bernoulli costs 2 runs, not 2^N; outside local the whole tensor is one element.
 */
public final class Enumerate implements GradientStrategy {
    public static final Enumerate INSTANCE = new Enumerate();

    private Enumerate() {
    }

    @Override
    public String name() {
        return "enum";
    }

    @Override
    public boolean supports(DistributionFamily family) {
        return family.has(Capability.ENUMERABLE);
    }

    /** Only when sampling: each draw's score, enumeration or coupling is bookkeeping of its own. */
    @Override
    public boolean batchable(DistributionFamily family, boolean differentiating) {
        return !differentiating;
    }

    @Override
    public Object sample(Distribution distribution, Site site, EstimationContext context) {
        if (!context.differentiating()) {
            return distribution.sample(context.rng());
        }
        int[] shape = distribution.drawShape();
        if (shape == null) {
            return context.enumerated(site, distribution, distribution.enumerateSupport());
        }
        int axes = Math.min(context.independentAxes(), shape.length);
        double[] support = distribution.elementSupport();
        String what = site.address() + " ~ " + distribution.family().name() + " of shape " + Arrays.toString(shape);
        if (support == null) {
            throw new IllegalArgumentException("enum on " + what + ": its elements have no common finite support"
                    + " to enumerate; use reinforce, or one choice per element");
        }
        int perElement = 1;
        for (int i = axes; i < shape.length; i++) {
            perElement *= shape[i];
        }
        double joint = Math.pow(support.length, perElement);
        if (joint > ObjectiveEstimator.MAX_ENUMERATION_RUNS) {
            String element = axes == 0 ? "the whole tensor (outside local, no axis is independent)"
                    : "each element (axes " + axes + ".." + (shape.length - 1) + " of " + Arrays.toString(shape)
                            + ", " + perElement + " values)";
            throw new IllegalArgumentException("enum on " + what + ": " + element + " has " + (long) joint
                    + " joint values, more than " + ObjectiveEstimator.MAX_ENUMERATION_RUNS + " runs; declare more"
                    + " axes independent (local(axes: k)), or use reinforce");
        }
        List<Object> values = jointValues(shape, axes, perElement, support, (int) joint);
        return axes > 0 ? context.enumeratedElements(site, distribution, values, axes)
                : context.enumerated(site, distribution, values);
    }

    /**
     * The joint values of one element, each repeated over every element: value r puts the u-th entry of each
     * element at digit u of r in base |support| (the last entry varying fastest).
     */
    static List<Object> jointValues(int[] shape, int axes, int perElement, double[] support, int joint) {
        int n = Tensor.numel(shape);
        List<Object> values = new ArrayList<>(joint);
        for (int r = 0; r < joint; r++) {
            double[] element = new double[perElement];
            int rest = r;
            for (int u = perElement - 1; u >= 0; u--) {
                element[u] = support[rest % support.length];
                rest /= support.length;
            }
            double[] d = new double[n];
            for (int f = 0; f < n; f++) {
                d[f] = element[f % perElement];
            }
            values.add(new Tensor(shape, d));
        }
        return values;
    }
}
