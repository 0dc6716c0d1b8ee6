package org.ppl4j.runtime.estimate;

import java.util.HashMap;
import java.util.Map;

/** The state baselines keep across the steps of one fit, by site key. */
public final class BaselineStore {
    private final Map<String, double[]> state = new HashMap<>();

    /** The state array of a site, created with {@code size} zeros on first use. */
    public double[] state(String siteKey, int size) {
        return state.computeIfAbsent(siteKey, k -> new double[size]);
    }

    public Map<String, double[]> snapshot() {
        Map<String, double[]> copy = new HashMap<>();
        state.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Replaces the whole state with a copy of {@code snapshot} (as {@link #snapshot()} made it): checkpoints. */
    public void restore(Map<String, double[]> snapshot) {
        state.clear();
        snapshot.forEach((k, v) -> state.put(k, v.clone()));
    }
}
