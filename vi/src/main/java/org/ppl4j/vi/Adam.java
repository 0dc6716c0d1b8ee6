package org.ppl4j.vi;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.ParamKey;

/**
 * Adam (Kingma and Ba 2015) for gradient ascent, with bias correction. Each parameter has its own moment
 * estimates and its own step count, so a parameter created part-way through a fit is bias-corrected from its
 * own first step:
 * {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; u += lr_t * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}
 * with {@code lr_t = lr * decay^(t - 1)} (decay 1 by default; below 1 it shrinks the steps, as Pyro's
 * ClippedAdam {@code lrd} does, so noisy score-function fits settle).
 */
public final class Adam implements Optimizer {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double decay;
    private final LinkedHashMap<ParamKey, Moments> moments = new LinkedHashMap<>();

    private static final class Moments {
        long t;
        double[] m;
        double[] v;
        /** For a large (ND4J) parameter: {v, m} as ND4J arrays, updated in place by the fused kernel. */
        Object[] large;

        Moments(int n) {
            m = new double[n];
            v = new double[n];
        }

        /** The Java moments, copied out of ND4J when they live there (checkpoints only). */
        void toJava() {
            if (large != null && large[0] != null) {
                v = Tensor.stateToDoubles(large[0]);
                m = Tensor.stateToDoubles(large[1]);
            }
        }
    }

    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-8);
    }

    public Adam(double lr, double beta1, double beta2, double eps) {
        this(lr, beta1, beta2, eps, 1.0);
    }

    public Adam(double lr, double beta1, double beta2, double eps, double decay) {
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("the learning-rate decay must be in (0, 1], got " + decay);
        }
        this.decay = decay;
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("eps must be non-negative, got " + eps);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    public double lr() {
        return lr;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    @Override
    public void step(ParamStore store, Map<ParamKey, Object> gradients) {
        // a gradient object two parameters share (an adjoint passed on unchanged) must not be overwritten
        Map<Object, Integer> uses = new java.util.IdentityHashMap<>();
        for (Object g : gradients.values()) {
            uses.merge(g, 1, Integer::sum);
        }
        for (Map.Entry<ParamKey, Object> e : gradients.entrySet()) {
            ParamKey key = e.getKey();
            Object param = store.current(key);
            if (param instanceof Tensor p && p.isLarge() && e.getValue() instanceof Tensor g
                    && java.util.Arrays.equals(p.shape(), g.shape())) {
                stepLarge(store, key, p, g, uses.get(g) > 1);
                continue;
            }
            double[] g = Optimizer.gradientElements(key, param, e.getValue());
            double[] u = Optimizer.elements(param);
            Moments s = moments.get(key);
            if (s == null || s.m.length != u.length) {
                s = new Moments(u.length);
                moments.put(key, s);
            }
            s.t++;
            double c1 = 1 - Math.pow(beta1, s.t);
            double c2 = 1 - Math.pow(beta2, s.t);
            double rate = decay == 1 ? lr : lr * Math.pow(decay, s.t - 1);
            for (int i = 0; i < u.length; i++) {
                s.m[i] = beta1 * s.m[i] + (1 - beta1) * g[i];
                s.v[i] = beta2 * s.v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = s.m[i] / c1;
                double vHat = s.v[i] / c2;
                u[i] += rate * mHat / (Math.sqrt(vHat) + eps);
            }
            store.set(key, Optimizer.withElements(param, u));
        }
    }

    /** A large parameter: ND4J's fused Adam kernel, the moments kept in ND4J between steps. */
    private void stepLarge(ParamStore store, ParamKey key, Tensor p, Tensor g, boolean gradShared) {
        Moments s = moments.get(key);
        if (s == null || s.m.length != p.size()) {
            s = new Moments(0);
            s.m = new double[p.size()];
            s.v = s.m;
            s.large = new Object[2];
            moments.put(key, s);
        } else if (s.large == null) { // restored from a checkpoint: move the moments into ND4J
            s.large = new Object[] {Tensor.stateFromDoubles(s.v, p.shape()), Tensor.stateFromDoubles(s.m, p.shape())};
        }
        s.t++;
        double rate = decay == 1 ? lr : lr * Math.pow(decay, s.t - 1);
        store.set(key, Tensor.adamStep(p, g, s.large, rate, beta1, beta2, eps, s.t, gradShared));
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "adam");
        s.put("lr", lr);
        s.put("beta1", beta1);
        s.put("beta2", beta2);
        s.put("eps", eps);
        s.put("decay", decay);
        LinkedHashMap<ParamKey, Long> t = new LinkedHashMap<>();
        LinkedHashMap<ParamKey, double[]> m = new LinkedHashMap<>();
        LinkedHashMap<ParamKey, double[]> v = new LinkedHashMap<>();
        moments.forEach((k, mo) -> {
            mo.toJava();
            t.put(k, mo.t);
            m.put(k, mo.m.clone());
            v.put(k, mo.v.clone());
        });
        s.put("t", t);
        s.put("m", m);
        s.put("v", v);
        return s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> state) {
        if (!"adam".equals(state.get("type"))) {
            throw new IllegalArgumentException("not an Adam state: " + state.get("type"));
        }
        Map<ParamKey, Long> t = (Map<ParamKey, Long>) state.get("t");
        Map<ParamKey, double[]> m = (Map<ParamKey, double[]>) state.get("m");
        Map<ParamKey, double[]> v = (Map<ParamKey, double[]>) state.get("v");
        moments.clear();
        t.forEach((k, steps) -> {
            Moments mo = new Moments(m.get(k).length);
            mo.t = steps;
            System.arraycopy(m.get(k), 0, mo.m, 0, mo.m.length);
            System.arraycopy(v.get(k), 0, mo.v, 0, mo.v.length);
            moments.put(k, mo);
        });
    }

    @Override
    public String toString() {
        return "Adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ", decay=" + decay + ")";
    }
}
