package org.ppl4j.vi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

/**
 * The parameters of a {@link ParamStore} as tracked values on one tape. Each parameter gets one leaf (its
 * unconstrained value) the first time it is looked up; every lookup returns the same tracked constrained
 * value. After {@link Tape#backward}, {@link #gradients()} gives the gradients with respect to the
 * unconstrained values.
 */
public final class TrackedParams implements ParamProvider {
    private final ParamStore store;
    private final Tape tape;
    private final LinkedHashMap<ParamKey, Object> leaves = new LinkedHashMap<>();
    private final LinkedHashMap<ParamKey, Object> values = new LinkedHashMap<>();

    TrackedParams(ParamStore store, Tape tape) {
        this.store = store;
        this.tape = tape;
    }

    public Tape tape() {
        return tape;
    }

    public ParamStore store() {
        return store;
    }

    @Override
    public Object lookup(ParamKey key) {
        Object v = values.get(key);
        if (v != null) {
            return v;
        }
        ParamStore.Entry e = store.entry(key);
        if (e == null) {
            return null;
        }
        return track(key, e);
    }

    @Override
    public Object create(ParamKey key, Object initialValue, Constraint constraint) {
        ParamStore.Entry e = store.createEntry(key, initialValue, constraint);
        Object v = values.get(key);
        return v != null ? v : track(key, e);
    }

    private Object track(ParamKey key, ParamStore.Entry e) {
        Object leaf = e.unconstrained instanceof Tensor t ? tape.leaf(t) : tape.leaf((Double) e.unconstrained);
        Object v = e.constraint.forward(leaf);
        leaves.put(key, leaf);
        values.put(key, v);
        return v;
    }

    /** The leaves made so far (unconstrained values on the tape), in the order they were made. */
    public Map<ParamKey, Object> leaves() {
        return Collections.unmodifiableMap(leaves);
    }

    /**
     * The adjoint of every leaf made on this tape ({@code Double} for a number, {@link Tensor} for a tensor):
     * after {@code tape.backward(objective)}, the gradient of the objective with respect to each parameter's
     * unconstrained value. Parameters never looked up on this tape are absent.
     */
    public Map<ParamKey, Object> gradients() {
        LinkedHashMap<ParamKey, Object> g = new LinkedHashMap<>();
        for (Map.Entry<ParamKey, Object> e : leaves.entrySet()) {
            Object leaf = e.getValue();
            g.put(e.getKey(), leaf instanceof Var v ? (Object) v.adjoint() : ((TensorVar) leaf).adjoint());
        }
        return g;
    }
}
