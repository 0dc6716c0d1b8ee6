package org.ppl4j.runtime.ad;

import java.util.function.Consumer;

/** A tensor on the tape. Its backward rule receives the full adjoint and hands each input its share. */
public final class TensorVar extends TapeNode {
    /** How a tensor node passes its adjoint to its inputs. */
    @FunctionalInterface
    interface Backward {
        void apply(Tensor adjoint);
    }

    private static final TapeNode[] NO_PARENTS = {};

    final Tape tape;
    public final Tensor value;
    /** Whole-tensor adjoint contributions, summed (large ones stay in ND4J). */
    private Tensor adjoint;
    /** Contributions of scalar reads of single elements, kept apart so that each costs one addition. */
    private double[] elementAdjoint;
    final Backward backward;
    /** How this node's value was made elementwise, for the fusion pass ({@link Fusion}); or null. */
    Fusion.Step step;
    /** Set by the fusion pass on the last node of a fused run: the whole run's backward pass. */
    Backward fusedBackward;
    /** Set by the fusion pass on a node inside a fused run (not its last). */
    boolean inRun;
    final TapeNode[] parents;
    /**
     * How many nodes recorded so far read this one (its parents' lists and scalar readings name it), kept as the
     * tape is recorded so that the fusion pass needs no count over the whole tape.
     */
    int readers;
    /**
     * For each parent, how many leading axes of this value are that parent's leading axes, element for element
     * (an elementwise operation: all axes where no broadcast happens; a sum over axis k: k; a product x @ w: one
     * for x). Null: none for every parent (a reduction, a transpose, a gather). Independent elements of a random
     * choice stay independent through the leading axes kept ({@link Tape#alignment}).
     */
    int[] depths;
    /**
     * For a scalar node that sums elementwise values without making them (a fused likelihood), those values on
     * demand, of the shape of its parent; null otherwise.
     */
    java.util.function.Supplier<Tensor> summands;
    /** The same summands as tracked values (operations on the fused node's inputs), made on demand; or null. */
    java.util.function.Supplier<Object> trackedSummands;

    TensorVar(Tape tape, Tensor value) {
        this(tape, value, null, NO_PARENTS);
    }

    TensorVar(Tape tape, Tensor value, Backward backward, TapeNode[] parents) {
        this.tape = tape;
        this.value = value;
        this.backward = backward;
        this.parents = parents;
        for (TapeNode p : parents) {
            if (p instanceof TensorVar t) {
                t.readers++;
            }
        }
    }

    /** Records a tensor node; {@code inputs} are the operands (untracked ones are skipped). */
    static TensorVar record(Tape tape, Tensor value, Backward backward, Object... inputs) {
        int n = 0;
        for (Object i : inputs) {
            if (i instanceof TapeNode) {
                n++;
            }
        }
        TapeNode[] ps = new TapeNode[n];
        n = 0;
        for (Object i : inputs) {
            if (i instanceof TapeNode t) {
                ps[n++] = t;
            }
        }
        TensorVar v = new TensorVar(tape, value, backward, ps);
        tape.record(v);
        return v;
    }

    /** Sets {@link #depths}, one per tracked input in the order given to {@link #record}. */
    TensorVar aligned(int... depths) {
        this.depths = depths;
        return this;
    }

    /** The number of leading axes of {@code parent} that are this shape's leading axes under broadcasting. */
    static int elementwiseDepth(Object parent, int[] out) {
        if (!(parent instanceof TensorVar t) || t.value.rank() != out.length) {
            return 0;
        }
        int d = 0;
        while (d < out.length && t.value.dim(d) == out[d]) {
            d++;
        }
        return d;
    }

    /** The number of leading axes the two shapes share (a reshape keeps them, a dependency edge lines them up). */
    static int prefixDepth(Object parent, int[] out) {
        if (!(parent instanceof TensorVar t)) {
            return 0;
        }
        int rank = Math.min(t.value.rank(), out.length);
        int d = 0;
        while (d < rank && t.value.dim(d) == out[d]) {
            d++;
        }
        return d;
    }

    /** This node with every tracked input of {@code inputs} aligned elementwise (see {@link #elementwiseDepth}). */
    TensorVar elementwise(Object... inputs) {
        int[] out = value.shape();
        int[] d = new int[parents.length];
        int j = 0;
        for (Object i : inputs) {
            if (i instanceof TapeNode) {
                d[j++] = elementwiseDepth(i, out);
            }
        }
        depths = d;
        return this;
    }

    public Tape tape() {
        return tape;
    }

    @Override
    public double scalar() {
        return Double.NaN;
    }

    /** The accumulated adjoint, zeros if nothing reached this node. */
    public Tensor adjoint() {
        Tensor a = accumulated();
        return a == null ? Tensor.zeros(value.shape()) : a;
    }

    private Tensor accumulated() {
        Tensor a = adjoint;
        if (elementAdjoint != null) {
            Tensor e = new Tensor(value.shape(), elementAdjoint.clone());
            a = a == null ? e : a.plus(e);
        }
        return a;
    }

    void addAdjoint(Tensor g) {
        Tensor fitted = g.reduceTo(value.shape());
        adjoint = adjoint == null ? fitted : adjoint.plus(fitted);
    }

    void addAdjointAt(int flat, double g) {
        if (elementAdjoint == null) {
            elementAdjoint = new double[value.size()];
        }
        elementAdjoint[flat] += g;
    }

    @Override
    void propagate() {
        Backward b = fusedBackward != null ? fusedBackward : backward;
        if (b != null) {
            Tensor a = accumulated();
            if (a != null) {
                b.apply(a);
            }
        }
    }

    @Override
    void forEachParent(Consumer<TapeNode> action) {
        for (TapeNode p : parents) {
            action.accept(p);
        }
    }

    @Override
    public String toString() {
        return "TensorVar" + java.util.Arrays.toString(value.shape());
    }
}
