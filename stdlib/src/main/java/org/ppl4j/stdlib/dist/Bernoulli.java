package org.ppl4j.stdlib.dist;

import java.util.List;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** 1 with probability p, else 0; given either {@code p} in [0, 1] or {@code logits} = log(p / (1 - p)). */
public final class Bernoulli extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("bernoulli", List.of("p", "logits"), 0, false, true, true);

    private static final List<Object> VALUES = List.of(0.0, 1.0);

    private final boolean fromLogits;

    private Bernoulli(String name, Object value, boolean fromLogits) {
        super(FAMILY, List.of(name), value);
        this.fromLogits = fromLogits;
    }

    /** Bernoulli with success probability p. */
    public static Bernoulli ofProbability(Object p) {
        return new Bernoulli("p", Params.checked(FAMILY.name(), "p", p, Params.PROBABILITY), false);
    }

    /** Bernoulli with success probability sigmoid(logits); infinite logits are allowed (p = 0 or 1). */
    public static Bernoulli ofLogits(Object logits) {
        return new Bernoulli("logits", Params.checked(FAMILY.name(), "logits", logits, Params.NOT_NAN), true);
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: p, logits; exactly one must be given. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return Params.exactlyOne(FAMILY, a) == 0 ? ofProbability(a[0]) : ofLogits(a[1]);
    }

    public boolean isLogitParameterized() {
        return fromLogits;
    }

    /** The success probability: the parameter given, or sigmoid of the logits. */
    public Object p() {
        return fromLogits ? AD.sigmoid(param(0)) : param(0);
    }

    /**
     * log p(x): from p, log p or log(1 - p); from logits, -softplus(-l) or -softplus(l), which neither overflow
     * nor lose the tail. One elementwise AD operation, so it broadcasts over tensors.
     */
    @Override
    Object elementLogDensity(Object x) {
        if (fromLogits) {
            return AD.binary(x, param(0),
                    (v, l) -> v == 1 ? -Fns.softplus(-l) : -Fns.softplus(l),
                    (v, l) -> 0,
                    (v, l) -> v == 1 ? Fns.sigmoid(-l) : -Fns.sigmoid(l));
        }
        return AD.binary(x, param(0),
                (v, p) -> v == 1 ? Math.log(p) : Math.log1p(-p),
                (v, p) -> 0,
                (v, p) -> v == 1 ? 1 / p : -1 / (1 - p));
    }

    private double probability(double[] p) {
        return fromLogits ? Fns.sigmoid(p[0]) : p[0];
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return rng.nextDouble() < probability(p) ? 1.0 : 0.0;
    }

    @Override
    public Support support() {
        return Support.BOOLEAN;
    }

    /** [0.0, 1.0]; for a tensor-valued bernoulli the joint support is not enumerated. */
    @Override
    public List<Object> enumerateSupport() {
        scalarParams("enumerateSupport");
        return VALUES;
    }

    @Override
    double meanElement(double[] p) {
        return probability(p);
    }

    @Override
    double varianceElement(double[] p) {
        double q = probability(p);
        return q * (1 - q);
    }
}
