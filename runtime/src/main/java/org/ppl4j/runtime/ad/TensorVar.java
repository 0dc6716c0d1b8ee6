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
    private double[] adjoint;
    private final Backward backward;
    private final TapeNode[] parents;

    TensorVar(Tape tape, Tensor value) {
        this(tape, value, null, NO_PARENTS);
    }

    TensorVar(Tape tape, Tensor value, Backward backward, TapeNode[] parents) {
        this.tape = tape;
        this.value = value;
        this.backward = backward;
        this.parents = parents;
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

    public Tape tape() {
        return tape;
    }

    @Override
    public double scalar() {
        return Double.NaN;
    }

    /** The accumulated adjoint, zeros if nothing reached this node. */
    public Tensor adjoint() {
        return adjoint == null ? Tensor.zeros(value.shape()) : new Tensor(value.shape(), adjoint.clone());
    }

    void addAdjoint(Tensor g) {
        Tensor fitted = g.reduceTo(value.shape());
        if (adjoint == null) {
            adjoint = new double[value.size()];
        }
        for (int i = 0; i < adjoint.length; i++) {
            adjoint[i] += fitted.data[i];
        }
    }

    void addAdjointAt(int flat, double g) {
        if (adjoint == null) {
            adjoint = new double[value.size()];
        }
        adjoint[flat] += g;
    }

    @Override
    void propagate() {
        if (adjoint != null && backward != null) {
            backward.apply(new Tensor(value.shape(), adjoint));
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
