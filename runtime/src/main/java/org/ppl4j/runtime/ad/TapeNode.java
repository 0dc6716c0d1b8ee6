package org.ppl4j.runtime.ad;

import java.util.function.Consumer;

/** Something on the tape that passes its adjoint on to its inputs. */
public abstract class TapeNode {
    /** Position on the tape (creation order), set when recorded. */
    int id = -1;
    /** The random choice this node stands for, if it is a source of provenance; -1 otherwise. */
    int source = -1;
    /** Scratch for one walk over the tape (decomposition, sum building): the walk's stamp and a slot. */
    int mark;
    int slot;

    abstract void propagate();

    /** Every input this node's value depends on, including dependency-only edges with zero gradient. */
    abstract void forEachParent(Consumer<TapeNode> action);

    public int id() {
        return id;
    }

    /** The scalar value of a scalar node, or NaN for tensors. */
    public abstract double scalar();
}
