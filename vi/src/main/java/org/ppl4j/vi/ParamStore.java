package org.ppl4j.vi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

/**
 * The trainable parameters of a fit: each parameter's unconstrained value (a {@code Double} or a
 * {@link Tensor}) and its {@link Constraint}, in creation order. The optimiser works on the unconstrained
 * values; models see {@code constraint.forward(unconstrained)}.
 *
 * <p>Not thread-safe: one fit (one thread) uses a store at a time.
 */
public final class ParamStore {
    static final class Entry {
        final Constraint constraint;
        Object unconstrained;
        Object constrained; // cache of constraint.forward(unconstrained); null when stale

        Entry(Constraint constraint, Object unconstrained) {
            this.constraint = constraint;
            this.unconstrained = unconstrained;
        }

        Object constrained() {
            if (constrained == null) {
                constrained = kept(constraint.forward(unconstrained));
            }
            return constrained;
        }

        /** Replaces the unconstrained value; the store frees the memory of the values it no longer holds. */
        void replace(Object value) {
            Object oldConstrained = constrained;
            Object oldUnconstrained = unconstrained;
            unconstrained = kept(value);
            constrained = null;
            if (oldConstrained != oldUnconstrained && oldConstrained != value) {
                Tensor.releaseKept(oldConstrained);
            }
            if (oldUnconstrained != value) {
                Tensor.releaseKept(oldUnconstrained);
            }
        }
    }

    /**
     * A value the store holds from step to step: a tensor made during a fit step must survive the step's end
     * (see {@link Tensor#openStep}); the store frees it itself when it replaces it.
     */
    private static Object kept(Object v) {
        if (v instanceof Tensor t) {
            t.keep();
        }
        return v;
    }

    /** A value handed to code outside the store, which may hold it for as long as it likes. */
    private static Object escaped(Object v) {
        if (v instanceof Tensor t) {
            t.escape();
        }
        return v;
    }

    private final LinkedHashMap<ParamKey, Entry> entries = new LinkedHashMap<>();
    private Tape lastTape;
    private LinkedHashMap<ParamKey, Object> pending; // an optimiser step's new values, see beginUpdate
    private TrackedParams lastTracked;

    public ParamStore() {
    }

    /** A deep-enough copy (values are immutable) that evolves independently of this store. */
    public ParamStore copy() {
        ParamStore c = new ParamStore();
        for (Map.Entry<ParamKey, Entry> e : entries.entrySet()) {
            // both stores hold the same values now: neither may free them
            c.entries.put(e.getKey(), new Entry(e.getValue().constraint, escaped(e.getValue().unconstrained)));
        }
        return c;
    }

    // ---------------------------------------------------------------- providers

    /**
     * A provider of constant (untracked) constrained values: {@code Double} or {@link Tensor}. Its
     * {@code create} validates the initial value (every element must satisfy the constraint, else an
     * {@link IllegalArgumentException} naming the parameter, the constraint and the value) and stores its
     * unconstrained image; creating a parameter that already exists returns its current value (a different
     * constraint is an error).
     */
    public ParamProvider constants() {
        return new ParamProvider() {
            @Override
            public Object lookup(ParamKey key) {
                Entry e = entries.get(key);
                return e == null ? null : escaped(e.constrained());
            }

            @Override
            public Object create(ParamKey key, Object initialValue, Constraint constraint) {
                return escaped(createEntry(key, initialValue, constraint).constrained());
            }
        };
    }

    /**
     * A provider whose values are on {@code tape}: the first lookup of each parameter makes a leaf for its
     * unconstrained value and returns {@code constraint.forward(leaf)}. Calling this twice in a row with the
     * same tape returns the same provider, so each parameter gets one leaf per tape.
     */
    public TrackedParams tracked(Tape tape) {
        Objects.requireNonNull(tape, "tape");
        if (lastTape != tape) {
            lastTracked = new TrackedParams(this, tape);
            lastTape = tape;
        }
        return lastTracked;
    }

    /** Forgets the provider cached by {@link #tracked}, so that its tape can be collected. */
    void releaseTracked() {
        lastTape = null;
        lastTracked = null;
    }

    /** Validates the initial value, stores its unconstrained image, and returns the entry (or the existing one). */
    Entry createEntry(ParamKey key, Object initialValue, Constraint constraint) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(constraint, "constraint");
        Entry existing = entries.get(key);
        if (existing != null) {
            if (existing.constraint != constraint) {
                throw new IllegalArgumentException("parameter " + key + " was created as "
                        + existing.constraint.keyword() + " and cannot be declared again as "
                        + constraint.keyword());
            }
            return existing;
        }
        Object init = AD.value(initialValue);
        Object unconstrained;
        if (init instanceof Number n) {
            double x = n.doubleValue();
            if (!constraint.contains(x)) {
                throw new IllegalArgumentException("the initial value of parameter " + key + " must be "
                        + constraint.keyword() + ", got " + x);
            }
            unconstrained = constraint.inverse(x);
        } else if (init instanceof Tensor t) {
            for (int i = 0; i < t.size(); i++) {
                double x = t.get(i);
                if (!constraint.contains(x)) {
                    throw new IllegalArgumentException("the initial value of parameter " + key + " must be "
                            + constraint.keyword() + ", got " + x + " at element " + i + " of a tensor of shape "
                            + Arrays.toString(t.shape()));
                }
            }
            unconstrained = constraint.inverse(t);
        } else {
            throw new IllegalArgumentException("the initial value of parameter " + key
                    + " must be a number or a tensor, got " + AD.describe(init));
        }
        Entry e = new Entry(constraint, kept(unconstrained));
        entries.put(key, e);
        return e;
    }

    Entry entry(ParamKey key) {
        return entries.get(key);
    }

    // ---------------------------------------------------------------- access

    /** The parameters, in creation order. */
    public List<ParamKey> keys() {
        return Collections.unmodifiableList(new ArrayList<>(entries.keySet()));
    }

    public int size() {
        return entries.size();
    }

    public boolean contains(ParamKey key) {
        return entries.containsKey(key);
    }

    /** The constraint of a parameter, or {@code null} if there is none with this key. */
    public Constraint constraint(ParamKey key) {
        Entry e = entries.get(key);
        return e == null ? null : e.constraint;
    }

    /** The unconstrained value ({@code Double} or {@link Tensor}), or {@code null} if unknown. */
    public Object unconstrained(ParamKey key) {
        Entry e = entries.get(key);
        return e == null ? null : escaped(e.unconstrained);
    }

    /** The unconstrained value, for this package's optimisers: the store still owns it (it may free it). */
    Object current(ParamKey key) {
        Entry e = entries.get(key);
        return e == null ? null : e.unconstrained;
    }

    /** The constrained constant value ({@code Double} or {@link Tensor}), or {@code null} if unknown. */
    public Object constrained(ParamKey key) {
        Entry e = entries.get(key);
        return e == null ? null : escaped(e.constrained());
    }

    /** Every parameter's constrained constant value, in creation order (a fresh, modifiable map). */
    public Map<ParamKey, Object> constrainedValues() {
        LinkedHashMap<ParamKey, Object> r = new LinkedHashMap<>();
        for (Map.Entry<ParamKey, Entry> e : entries.entrySet()) {
            r.put(e.getKey(), escaped(e.getValue().constrained()));
        }
        return r;
    }

    /**
     * Replaces the unconstrained value of an existing parameter. It must have the same kind (a number, or a
     * tensor of the same shape) as the current value.
     */
    public void set(ParamKey key, Object unconstrained) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new IllegalArgumentException("no parameter " + key);
        }
        Object value = checkSameKind(key, e.unconstrained, unconstrained);
        if (pending != null) {
            pending.put(key, value);
        } else {
            e.replace(value);
        }
    }

    /**
     * From here until {@link #commitUpdate}, {@link #set} only records the new values, so that an optimiser step
     * that would make a parameter non-finite can be dropped whole and the store keeps the values it started from.
     */
    void beginUpdate() {
        pending = new LinkedHashMap<>();
    }

    /**
     * Applies the values set since {@link #beginUpdate} if every element of each is finite and returns null;
     * otherwise applies none and returns the first parameter that is not finite, with its value.
     */
    Map.Entry<ParamKey, Object> commitUpdate() {
        LinkedHashMap<ParamKey, Object> update = pending;
        pending = null;
        for (Map.Entry<ParamKey, Object> u : update.entrySet()) {
            Object v = u.getValue();
            boolean finite = v instanceof Double d ? Double.isFinite(d) : ((Tensor) v).allMatch(Tensor.Check.FINITE);
            if (!finite) {
                return u; // the update's tensors were made in the step and are freed when it ends
            }
        }
        for (Map.Entry<ParamKey, Object> u : update.entrySet()) {
            entries.get(u.getKey()).replace(u.getValue());
        }
        return null;
    }

    /**
     * Adds (or replaces) a parameter from an unconstrained value, with no validation beyond its kind; for
     * restoring checkpoints.
     */
    public void put(ParamKey key, Constraint constraint, Object unconstrained) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(constraint, "constraint");
        Object v = unconstrained instanceof Number n ? (Object) n.doubleValue() : unconstrained;
        if (!(v instanceof Double) && !(v instanceof Tensor)) {
            throw new IllegalArgumentException("the value of parameter " + key
                    + " must be a number or a tensor, got " + AD.describe(v));
        }
        entries.put(key, new Entry(constraint, kept(v)));
    }

    private static Object checkSameKind(ParamKey key, Object current, Object value) {
        if (current instanceof Double) {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            throw new IllegalArgumentException("parameter " + key + " is a number, got " + AD.describe(value));
        }
        Tensor c = (Tensor) current;
        if (value instanceof Tensor t && Arrays.equals(t.shape(), c.shape())) {
            return t;
        }
        throw new IllegalArgumentException("parameter " + key + " is " + AD.describe(c) + ", got "
                + AD.describe(value));
    }

    @Override
    public String toString() {
        return "ParamStore" + entries.keySet();
    }
}
