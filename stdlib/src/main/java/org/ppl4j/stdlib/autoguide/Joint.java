package org.ppl4j.stdlib.autoguide;

import java.util.List;
import org.ppl4j.runtime.ad.AD;

/**
 * The latent sites of a model as one vector: u in R^D (the sites' unconstrained reals, one after another) goes
 * through an optional transform on R^D (a flow), then each site's segment through its bijection onto the site's
 * support; the value is the vector of the sites' constrained elements, flattened and joined in order.
 */
final class Joint implements Transform {
    private final List<ModelSites.Latent> sites;
    private final Transform inner;

    /** @param inner a transform on R^D before the sites' bijections, or null */
    Joint(List<ModelSites.Latent> sites, Transform inner) {
        this.sites = sites;
        this.inner = inner;
    }

    /** D, the number of unconstrained reals. */
    static int dimension(List<ModelSites.Latent> sites) {
        int d = 0;
        for (ModelSites.Latent s : sites) {
            d += s.unconstrainedSize();
        }
        return d;
    }

    @Override
    public Object forward(Object u) {
        Object v = inner == null ? u : inner.forward(u);
        Object[] parts = new Object[sites.size()];
        int offset = 0;
        for (int i = 0; i < parts.length; i++) {
            ModelSites.Latent s = sites.get(i);
            int n = s.unconstrainedSize();
            parts[i] = flat(s.bijection().forward(segment(v, offset, n, s.unconstrainedShape())));
            offset += n;
        }
        return AD.concat(parts, 0);
    }

    @Override
    public Inverse inverse(Object x) {
        Object[] parts = new Object[sites.size()];
        Object logDet = 0.0;
        int offset = 0;
        for (int i = 0; i < parts.length; i++) {
            ModelSites.Latent s = sites.get(i);
            Inverse inv = s.bijection().inverse(segment(x, offset, s.size(), s.shape()));
            parts[i] = flat(inv.u());
            logDet = AD.add(logDet, inv.logDet());
            offset += s.size();
        }
        Object u = AD.concat(parts, 0);
        if (inner == null) {
            return new Inverse(u, logDet);
        }
        Inverse in = inner.inverse(u);
        return new Inverse(in.u(), AD.add(logDet, in.logDet()));
    }

    @Override
    public Transform detached() {
        return inner == null ? this : new Joint(sites, inner.detached());
    }

    /** The sites' values in a joint value x, in order, each of its site's shape. */
    Object[] split(Object x) {
        Object[] values = new Object[sites.size()];
        int offset = 0;
        for (int i = 0; i < values.length; i++) {
            ModelSites.Latent s = sites.get(i);
            values[i] = segment(x, offset, s.size(), s.shape());
            offset += s.size();
        }
        return values;
    }

    /** The joint value of the sites' values. */
    static Object join(Object[] values) {
        Object[] parts = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            parts[i] = flat(values[i]);
        }
        return AD.concat(parts, 0);
    }

    /** n elements of the vector v from offset, as a number (shape null) or a tensor of the given shape. */
    private static Object segment(Object v, int offset, int n, int[] shape) {
        if (shape == null) {
            return AD.index(v, offset);
        }
        return AD.reshape(AD.range(v, 0, offset, offset + n, 1), shape);
    }

    private static Object flat(Object v) {
        if (!AD.isTensor(v)) {
            return v;
        }
        return AD.reshape(v, new int[] {AD.tensorValue(v).size()});
    }
}
