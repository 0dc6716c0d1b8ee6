package org.ppl4j.runtime.ad;

import java.util.Arrays;

/**
 * The reverse-mode tape of one gradient evaluation. Nodes are appended in creation order, which is a
 * topological order, so {@link #backward} walks the array once from the end. A tape belongs to one
 * thread; it is thrown away after its gradient is read.
 */
public final class Tape {
    private TapeNode[] nodes = new TapeNode[256];
    private int size;

    void record(TapeNode node) {
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
        }
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
        for (int i = size - 1; i >= 0; i--) {
            nodes[i].propagate();
        }
    }
}
