package org.ppl4j.stdlib.autoguide;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * All mass at one point, the value of a parameter: {@code auto_delta}'s choice. Its log density is 0 at the point
 * (and -infinity elsewhere), so the ELBO of a point-mass guide is log p(x, z) at the point: its maximum is the
 * MAP estimate. The "sample" keeps the gradient path to the parameter.
 */
final class PointMass implements Distribution {
    static final DistributionFamily FAMILY = new DistributionFamily("point mass", List.of(), 0,
            Set.of(Capability.REPARAMETERIZED));

    private final Object point;
    private final Support support;

    PointMass(Object point, Support support) {
        this.point = point;
        this.support = support;
    }

    @Override
    public DistributionFamily family() {
        return FAMILY;
    }

    @Override
    public Object sample(Rng rng) {
        return AD.value(point);
    }

    @Override
    public Object reparamSample(Rng rng) {
        return point;
    }

    @Override
    public Object logDensity(Object x) {
        return AD.tensorValue(AD.value(x)).equals(AD.tensorValue(AD.value(point))) ? 0.0 : Double.NEGATIVE_INFINITY;
    }

    @Override
    public Support support() {
        return support;
    }

    @Override
    public Distribution detachParameters() {
        return new PointMass(AD.detach(point), support);
    }

    @Override
    public double mean() {
        return AD.tensorValue(AD.value(point)).get(0);
    }

    @Override
    public double variance() {
        return 0;
    }
}
