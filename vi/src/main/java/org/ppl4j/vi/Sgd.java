package org.ppl4j.vi;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.param.ParamKey;

/**
 * Stochastic gradient ascent with optional (heavy-ball) momentum, as in PyTorch with no dampening:
 * {@code buf = momentum * buf + g; u = u + lr * buf}, with {@code buf = g} on a parameter's first step.
 */
public final class Sgd implements Optimizer {
    private final double lr;
    private final double momentum;
    private final LinkedHashMap<ParamKey, double[]> buffers = new LinkedHashMap<>();

    public Sgd(double lr) {
        this(lr, 0);
    }

    public Sgd(double lr, double momentum) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("the momentum must be in [0, 1), got " + momentum);
        }
        this.lr = lr;
        this.momentum = momentum;
    }

    public double lr() {
        return lr;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public void step(ParamStore store, Map<ParamKey, Object> gradients) {
        for (Map.Entry<ParamKey, Object> e : gradients.entrySet()) {
            ParamKey key = e.getKey();
            Object param = store.current(key);
            double[] g = Optimizer.gradientElements(key, param, e.getValue());
            double[] u = Optimizer.elements(param);
            double[] dir = g;
            if (momentum != 0) {
                double[] buf = buffers.get(key);
                if (buf == null) {
                    buf = g.clone();
                    buffers.put(key, buf);
                } else {
                    for (int i = 0; i < buf.length; i++) {
                        buf[i] = momentum * buf[i] + g[i];
                    }
                }
                dir = buf;
            }
            for (int i = 0; i < u.length; i++) {
                u[i] += lr * dir[i];
            }
            store.set(key, Optimizer.withElements(param, u));
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "sgd");
        s.put("lr", lr);
        s.put("momentum", momentum);
        LinkedHashMap<ParamKey, double[]> b = new LinkedHashMap<>();
        buffers.forEach((k, v) -> b.put(k, v.clone()));
        s.put("buffers", b);
        return s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> state) {
        if (!"sgd".equals(state.get("type"))) {
            throw new IllegalArgumentException("not an SGD state: " + state.get("type"));
        }
        buffers.clear();
        ((Map<ParamKey, double[]>) state.get("buffers")).forEach((k, v) -> buffers.put(k, v.clone()));
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + lr + ", momentum=" + momentum + ")";
    }
}
