package org.ppl4j.runtime.ad;

/** A tensor on the tape. Its backward rule receives the full adjoint and hands each input its share. */
public final class TensorVar extends TapeNode {
    /** How a tensor node passes its adjoint to its inputs. */
    @FunctionalInterface
    interface Backward {
        void apply(Tensor adjoint);
    }

    final Tape tape;
    public final Tensor value;
    private double[] adjoint;
    private final Backward backward;

    TensorVar(Tape tape, Tensor value) {
        this(tape, value, null);
    }

    TensorVar(Tape tape, Tensor value, Backward backward) {
        this.tape = tape;
        this.value = value;
        this.backward = backward;
    }

    static TensorVar record(Tape tape, Tensor value, Backward backward) {
        TensorVar v = new TensorVar(tape, value, backward);
        tape.record(v);
        return v;
    }

    public Tape tape() {
        return tape;
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
    public String toString() {
        return "TensorVar" + java.util.Arrays.toString(value.shape());
    }
}
