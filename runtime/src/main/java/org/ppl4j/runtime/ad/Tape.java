package org.ppl4j.runtime.ad;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The reverse-mode tape of one gradient evaluation. Nodes are appended in creation order, which is a
 * topological order, so {@link #backward} walks the array once from the end. A tape belongs to one
 * thread; it is thrown away after its gradient is read.
 *
 * <p>The tape also knows provenance: random choices are marked as sources ({@link #source}), and
 * {@link #dependencies} tells, for every node, which sources its value depends on (through gradient edges
 * and dependency-only ones). Rao-Blackwellised estimators use it with {@link #decompose}.
 */
public final class Tape {
    private TapeNode[] nodes = new TapeNode[256];
    private int size;
    private int sources;
    private boolean controlDependent;
    /** How many nodes may end a fused run ({@link Fusion#mark}); none: the fusion pass is skipped. */
    int fusible;
    /** The nodes made elementwise ({@link Fusion#mark}), in creation order: where the fusion pass looks for runs. */
    final List<TensorVar> marked = new java.util.ArrayList<>();

    void record(TapeNode node) {
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
        }
        node.id = size;
        nodes[size++] = node;
    }

    public int size() {
        return size;
    }

    /** A leaf: an input whose gradient is wanted (a parameter in unconstrained space). */
    public Var leaf(double value) {
        Var v = new Var(this, value);
        record(v);
        return v;
    }

    public TensorVar leaf(Tensor value) {
        TensorVar v = new TensorVar(this, value);
        record(v);
        return v;
    }

    /**
     * A random choice's value as a provenance source: no gradient flows through it, but every value computed
     * from it is known to depend on choice number {@code site} (and on whatever {@code dependsOn} depends on,
     * e.g. the log density of the choice, which depends on the distribution's parameters).
     */
    public Object source(Object value, int site, Object dependsOn) {
        Object primal = AD.value(value);
        Object v;
        if (dependsOn instanceof TapeNode) {
            v = AD.dependsOn(primal, dependsOn);
        } else if (primal instanceof Tensor t) {
            v = TensorVar.record(this, t, g -> { });
        } else {
            v = Var.dependent(this, AD.scalarValue(primal), null, null);
        }
        TapeNode n = (TapeNode) v;
        n.source = site;
        sources = Math.max(sources, site + 1);
        return v;
    }

    /** How many sources have been marked. */
    public int sourceCount() {
        return sources;
    }

    /**
     * Notes that a decision (a branch, a loop bound, a comparison) was taken on {@code observed}: if that value
     * depends on a random-choice source, the run's structure depends on the choice, and term-by-term
     * Rao-Blackwellisation is no longer sound for this run.
     */
    public static void observe(Object observed) {
        Tape tape = observed instanceof Var v ? v.tape : observed instanceof TensorVar t ? t.tape : null;
        if (tape == null || tape.sources == 0 || tape.controlDependent) {
            return;
        }
        Deque<TapeNode> stack = new ArrayDeque<>();
        Set<TapeNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        stack.push((TapeNode) observed);
        while (!stack.isEmpty()) {
            TapeNode n = stack.pop();
            if (!seen.add(n)) {
                continue;
            }
            if (n.source >= 0) {
                tape.controlDependent = true;
                return;
            }
            n.forEachParent(stack::push);
        }
    }

    /** Whether some decision of this run depended on a random choice (see {@link #observe}). */
    public boolean controlDependent() {
        return controlDependent;
    }

    /**
     * Puts back what {@link #controlDependent} said before an attempt that is abandoned (a vectorised body that
     * runs as a loop instead): its observations must not change how the rest of the run is estimated.
     */
    public void restoreControlDependence(boolean dependent) {
        controlDependent = dependent;
    }

    private BitSet[] deps = new BitSet[0];
    private int depsComputed;

    /**
     * For every node (by id), the set of sources its value depends on; null for none. Computed incrementally:
     * nodes recorded since the last call are added, earlier ones are kept.
     */
    public BitSet[] dependencies() {
        if (deps.length < size) {
            deps = Arrays.copyOf(deps, size);
        }
        DependencyMerge merge = new DependencyMerge(deps);
        for (int i = depsComputed; i < size; i++) {
            TapeNode n = nodes[i];
            merge.reset();
            n.forEachParent(merge);
            BitSet acc = merge.result;
            if (n.source >= 0) {
                BitSet own = acc == null ? new BitSet() : (BitSet) acc.clone();
                own.set(n.source);
                acc = own;
            }
            deps[i] = acc;
        }
        depsComputed = size;
        return deps;
    }

    /** Marks a node whose sources are known to be none, in {@link #known}. */
    private static final BitSet NO_SOURCES = new BitSet();
    /** Dependency sets found by {@link #dependenciesOf}, by node id; null where not computed yet. */
    private BitSet[] known = new BitSet[0];
    private TapeNode[] pending = new TapeNode[64];
    private KnownMerge knownMerge;

    /**
     * The set of sources the value of {@code node} (a node of this tape) depends on, or null for none. Computed
     * on demand for the node and the nodes it depends on only, and remembered: the surrogate asks about the
     * objective's terms, and the long chains of sums above them (a density's accumulated total, the surrogate
     * itself) are never visited. The returned set must not be modified.
     */
    public BitSet dependenciesOf(TapeNode node) {
        if (known.length < size) {
            known = Arrays.copyOf(known, Math.max(size, known.length * 2));
        }
        BitSet found = known[node.id];
        if (found != null) {
            return found == NO_SOURCES ? null : found;
        }
        if (knownMerge == null) {
            knownMerge = new KnownMerge();
        }
        KnownMerge merge = knownMerge;
        merge.known = known;
        int top = 0;
        pending[top++] = node;
        while (top > 0) {
            TapeNode n = pending[top - 1];
            if (known[n.id] != null) {
                top--;
                continue;
            }
            merge.unknown = 0;
            merge.reset();
            n.forEachParent(merge); // unions the known parents' sets and collects the others
            if (merge.unknown > 0) {
                // compute the parents first (their ids are smaller: the tape is in creation order)
                while (top + merge.unknown > pending.length) {
                    pending = Arrays.copyOf(pending, pending.length * 2);
                }
                for (int i = 0; i < merge.unknown; i++) {
                    pending[top++] = merge.unknownParents[i];
                }
                continue;
            }
            BitSet acc = merge.result;
            if (n.source >= 0) {
                BitSet own = acc == null ? new BitSet() : (BitSet) acc.clone();
                own.set(n.source);
                acc = own;
            }
            known[n.id] = acc == null ? NO_SOURCES : acc;
            top--;
        }
        found = known[node.id];
        return found == NO_SOURCES ? null : found;
    }

    /**
     * For {@link #dependenciesOf}: unions the parents' sets, sharing a parent's set when it is the only one, and
     * collects the parents not computed yet (the union is then discarded and taken again later).
     */
    private static final class KnownMerge implements java.util.function.Consumer<TapeNode> {
        BitSet[] known;
        int unknown;
        TapeNode[] unknownParents = new TapeNode[8];
        BitSet result;
        private boolean shared;

        void reset() {
            result = null;
            shared = false;
        }

        @Override
        public void accept(TapeNode p) {
            BitSet d = known[p.id];
            if (d == null) {
                if (unknown == unknownParents.length) {
                    unknownParents = Arrays.copyOf(unknownParents, unknown * 2);
                }
                unknownParents[unknown++] = p;
                return;
            }
            if (unknown > 0 || d == NO_SOURCES || d == result) {
                return;
            }
            if (result == null) {
                result = d;
                shared = true;
            } else {
                if (shared) {
                    result = (BitSet) result.clone();
                    shared = false;
                }
                result.or(d);
            }
        }
    }

    /** Unions the parents' dependency sets, sharing a parent's set when it is the only one (no copy). */
    private static final class DependencyMerge implements java.util.function.Consumer<TapeNode> {
        private final BitSet[] deps;
        BitSet result;
        private boolean shared;

        DependencyMerge(BitSet[] deps) {
            this.deps = deps;
        }

        void reset() {
            result = null;
            shared = false;
        }

        @Override
        public void accept(TapeNode p) {
            BitSet d = deps[p.id];
            if (d == null || d == result) {
                return;
            }
            if (result == null) {
                result = d;
                shared = true;
            } else {
                if (shared) {
                    result = (BitSet) result.clone();
                    shared = false;
                }
                result.or(d);
            }
        }
    }

    /**
     * Independence along leading axes, for random choices whose leading {@code axes[s]} axes hold independent
     * elements (the sources in {@code perElement}): how many of those axes each node keeps element for element.
     * A node keeps a axes of such a choice when every operation between them keeps its leading a axes
     * (elementwise operations, reductions over later axes, x @ w for x's rows, reshapes that keep them): its
     * element at index (i1..ia, ...) then depends on the choice's elements at (i1..ia, ...) only. A reduction
     * over one of those axes, a transpose, a gather or a scalar keeps none.
     */
    public Alignment alignment(BitSet perElement, int[] axes) {
        return new Alignment(perElement, axes);
    }

    /** See {@link #alignment}: computed forward over the tape, on demand, up to the nodes asked about. */
    public final class Alignment {
        private final int[] bits;
        private final int[] axes;
        private final int[] slot;
        /** For every node: per per-element source (by slot), the axes kept, -1 where it does not depend on it. */
        private int[][] kept = new int[0][];
        private int computed;

        Alignment(BitSet perElement, int[] axes) {
            this.bits = perElement.stream().toArray();
            this.axes = axes;
            this.slot = new int[axes.length];
            Arrays.fill(slot, -1);
            for (int i = 0; i < bits.length; i++) {
                slot[bits[i]] = i;
            }
        }

        /**
         * How many leading axes of source {@code bit} (a per-element one) {@code node} keeps: -1 when it does not
         * depend on it, 0 when it mixes all its elements, up to the choice's independent axes.
         */
        public int kept(TapeNode node, int bit) {
            if (node.id >= computed) {
                if (kept.length < size) {
                    kept = Arrays.copyOf(kept, size);
                }
                for (int i = computed; i <= node.id; i++) {
                    kept[i] = compute(nodes[i]);
                }
                computed = node.id + 1;
            }
            int[] k = kept[node.id];
            return k == null ? -1 : k[slot[bit]];
        }

        private int[] compute(TapeNode n) {
            int[] out = null;
            TensorVar t = n instanceof TensorVar tv ? tv : null;
            int j = 0;
            for (TapeNode p : parentsOf(n)) {
                int[] pk = kept[p.id];
                int depth = t == null || t.depths == null ? 0 : t.depths[j];
                j++;
                if (pk == null) {
                    continue;
                }
                if (out == null) {
                    out = new int[bits.length];
                    Arrays.fill(out, -1);
                }
                for (int q = 0; q < bits.length; q++) {
                    if (pk[q] >= 0) {
                        int k = Math.min(pk[q], depth);
                        out[q] = out[q] < 0 ? k : Math.min(out[q], k);
                    }
                }
            }
            if (n.source >= 0 && n.source < slot.length && slot[n.source] >= 0) {
                if (out == null) {
                    out = new int[bits.length];
                    Arrays.fill(out, -1);
                }
                out[slot[n.source]] = axes[n.source];
            }
            return out;
        }
    }

    private static java.util.List<TapeNode> parentsOf(TapeNode n) {
        java.util.List<TapeNode> ps = new java.util.ArrayList<>(2);
        n.forEachParent(ps::add);
        return ps;
    }

    /**
     * For a scalar that sums a tensor (its elements, or a fused node's summands), that tensor node; else null.
     * The per-element values are {@link #summands}.
     */
    public static TensorVar summed(TapeNode term) {
        return term instanceof Var v ? v.summedTensor() : null;
    }

    /** The values a sum node adds up, tracked: the tensor itself, or a fused node's summands made now. */
    public static Object trackedSummands(TensorVar t) {
        return t.trackedSummands != null ? t.trackedSummands.get() : t.summands != null ? null : t;
    }

    /** The values a sum node adds up: the tensor's value, or a fused node's summands. */
    public static Tensor summands(TensorVar t) {
        return t.summands != null ? t.summands.get() : t.value;
    }

    /** v = constant + sum of coefficient * term, split through linear nodes (sums, differences, scalings). */
    public record Decomposition(double constant, List<TapeNode> terms, double[] coefficients) {
    }

    /**
     * Splits a scalar into its additive terms: each term is a node that is not a linear combination (a log
     * density, a product, a log-mean-exp), with the coefficient it enters with. Terms reached along several
     * paths are merged.
     */
    public static Decomposition decompose(Object v) {
        return decompose(v, java.util.Set.of());
    }

    private static int stamps;

    /** A fresh stamp for a walk that marks nodes (one thread owns a tape and its walks). */
    static synchronized int stamp() {
        return ++stamps;
    }

    /** As {@link #decompose(Object)}, with {@code whole} nodes kept as terms even where they are linear. */
    public static Decomposition decompose(Object v, Set<TapeNode> whole) {
        if (!(v instanceof Var root)) {
            return new Decomposition(AD.scalarValue(v), List.of(), new double[0]);
        }
        int stamp = stamp();
        List<TapeNode> terms = new java.util.ArrayList<>();
        double[] coefficients = new double[16];
        Var[] stack = new Var[64];
        double[] ks = new double[64];
        int top = 0;
        stack[top] = root;
        ks[top++] = 1.0;
        while (top > 0) {
            Var n = stack[--top];
            double k = ks[top];
            if (n.linear && n.source < 0 && (whole.isEmpty() || !whole.contains(n))) {
                int more = n.more == null ? 0 : n.more.length;
                while (top + 2 + more > stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                    ks = Arrays.copyOf(ks, ks.length * 2);
                }
                for (int i = more - 1; i >= 0; i--) {
                    stack[top] = n.more[i];
                    ks[top++] = k * n.morePartials[i];
                }
                if (n.b != null) {
                    stack[top] = n.b;
                    ks[top++] = k * n.db;
                }
                if (n.a != null) {
                    stack[top] = n.a;
                    ks[top++] = k * n.da;
                }
            } else if (n.mark == stamp) {
                coefficients[n.slot] += k;
            } else {
                n.mark = stamp;
                n.slot = terms.size();
                if (n.slot == coefficients.length) {
                    coefficients = Arrays.copyOf(coefficients, n.slot * 2);
                }
                coefficients[n.slot] = k;
                terms.add(n);
            }
        }
        double covered = 0;
        for (int i = 0; i < terms.size(); i++) {
            covered += coefficients[i] * terms.get(i).scalar();
        }
        return new Decomposition(root.value - covered, terms, Arrays.copyOf(coefficients, terms.size()));
    }

    /** Seeds d(output)/d(output) = 1 and propagates adjoints to every node recorded before it. */
    public void backward(Object output) {
        if (output instanceof Var v) {
            if (v.tape != this) {
                throw new IllegalArgumentException("output belongs to another tape");
            }
            v.adjoint += 1.0;
        } else if (output instanceof TensorVar t) {
            t.addAdjoint(Tensor.ones(t.value.shape()));
        } else {
            return; // a constant output has a zero gradient
        }
        if (fusible > 0) {
            Fusion.plan(marked, output);
        }
        for (int i = size - 1; i >= 0; i--) {
            nodes[i].propagate();
        }
    }
}
