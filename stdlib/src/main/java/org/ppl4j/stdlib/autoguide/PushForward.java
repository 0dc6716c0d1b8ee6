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
 * The distribution of x = T(u), u from a base distribution (a normal, a multivariate normal): an automatic guide's
 * random choice. Its density is that of a constrained value, log q(x) = log q_u(T^-1(x)) - log |det dT/du|, so the
 * guide's density is right on the model's own support. Reparameterised when the base is.
 */
final class PushForward implements Distribution {
    static final DistributionFamily FAMILY = new DistributionFamily("auto guide", List.of(), 0,
            Set.of(Capability.REPARAMETERIZED));

    private final Distribution base;
    private final Transform transform;
    private final Support support;

    PushForward(Distribution base, Transform transform, Support support) {
        this.base = base;
        this.transform = transform;
        this.support = support;
    }

    @Override
    public DistributionFamily family() {
        return FAMILY;
    }

    @Override
    public Object sample(Rng rng) {
        return AD.value(transform.forward(base.sample(rng)));
    }

    @Override
    public Object reparamSample(Rng rng) {
        return transform.forward(base.reparamSample(rng));
    }

    @Override
    public Object logDensity(Object x) {
        Transform.Inverse inv = transform.inverse(x);
        Object u = inv.u();
        if (!isFinite(u)) {
            return Double.NEGATIVE_INFINITY; // x outside the support
        }
        return AD.sub(base.logDensity(u), inv.logDet());
    }

    private static boolean isFinite(Object u) {
        Object v = AD.value(u);
        if (v instanceof Double d) {
            return Double.isFinite(d);
        }
        org.ppl4j.runtime.ad.Tensor t = AD.tensorValue(v);
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Batched (in a vectorised body) where the base is and the transform is a site's elementwise bijection. */
    @Override
    public int drawRank() {
        return elementwise() ? base.drawRank() : -1;
    }

    @Override
    public Distribution batchOf(int k) {
        Distribution b = elementwise() ? base.batchOf(k) : null;
        return b == null ? null : new PushForward(b, transform, support);
    }

    /** Per iteration: the base's batched log density of u, less the log-Jacobian summed over each iteration's elements. */
    @Override
    public Object batchLogDensity(Object x, int k) {
        if (!elementwise()) {
            throw new UnsupportedOperationException("a joint guide has no batched log density");
        }
        Transform.Inverse inv = ((SiteBijection) transform).inverseElements(x);
        Object lp = base.batchLogDensity(inv.u(), k);
        if (!AD.isTensor(inv.logDet())) {
            return lp; // the identity
        }
        int n = AD.tensorValue(inv.logDet()).size() / k;
        Object perIteration = AD.sumAxis(AD.reshape(inv.logDet(), new int[] {k, n}), 1, false);
        return AD.sub(lp, perIteration);
    }

    private boolean elementwise() {
        return transform instanceof SiteBijection b && !(b instanceof SiteBijection.Simplex);
    }

    @Override
    public Support support() {
        return support;
    }

    @Override
    public Distribution detachParameters() {
        return new PushForward(base.detachParameters(), transform.detached(), support);
    }

    @Override
    public double mean() {
        return Double.NaN; // summaries take the guide's draws
    }

    @Override
    public double variance() {
        return Double.NaN;
    }

    @Override
    public String toString() {
        return "pushforward(" + base + ")";
    }
}
