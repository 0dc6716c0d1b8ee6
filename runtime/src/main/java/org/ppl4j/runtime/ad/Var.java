package org.ppl4j.runtime.ad;

import java.util.function.Consumer;

/**
 * A scalar on the tape: its value, its adjoint, and up to two scalar inputs with their local partial
 * derivatives. Most scalar operations need no more, so one class with two slots avoids a lambda per op.
 * A Var may also read one tensor (its sum or one element), and may carry a dependency-only input whose
 * partial derivative is zero: provenance without gradient (an index, a detached value, a sample's
 * distribution).
 */
public final class Var extends TapeNode {
    final Tape tape;
    public final double value;
    double adjoint;
    final Var a;
    final double da;
    final Var b;
    final double db;
    /** A tensor this scalar reads: its sum ({@code tensorIndex} -1) or one element. */
    private TensorVar tensor;
    private int tensorIndex;
    /** An input this value depends on without a gradient path. */
    private TapeNode dependency;
    /** Whether this node is a linear combination of its scalar inputs with constant coefficients. */
    boolean linear;
    /** Further scalar inputs with their partial derivatives (sums of products built in one node). */
    Var[] more;
    double[] morePartials;

    Var(Tape tape, double value) {
        this(tape, value, null, 0, null, 0);
    }

    Var(Tape tape, double value, Var a, double da, Var b, double db) {
        this.tape = tape;
        this.value = value;
        this.a = a;
        this.da = da;
        this.b = b;
        this.db = db;
    }

    public double adjoint() {
        return adjoint;
    }

    public Tape tape() {
        return tape;
    }

    @Override
    public double scalar() {
        return value;
    }

    void accumulate(double g) {
        adjoint += g;
    }

    @Override
    void propagate() {
        if (adjoint == 0) {
            return;
        }
        if (a != null) {
            a.adjoint += adjoint * da;
        }
        if (b != null) {
            b.adjoint += adjoint * db;
        }
        if (more != null) {
            for (int i = 0; i < more.length; i++) {
                more[i].adjoint += adjoint * morePartials[i];
            }
        }
        if (tensor != null) {
            if (tensorIndex < 0) {
                tensor.addAdjoint(Tensor.full(tensor.value.shape(), adjoint));
            } else {
                tensor.addAdjointAt(tensorIndex, adjoint);
            }
        }
    }

    @Override
    void forEachParent(Consumer<TapeNode> action) {
        if (a != null) {
            action.accept(a);
        }
        if (b != null) {
            action.accept(b);
        }
        if (tensor != null) {
            action.accept(tensor);
        }
        if (dependency != null) {
            action.accept(dependency);
        }
        if (more != null) {
            for (Var v : more) {
                action.accept(v);
            }
        }
    }

    /**
     * A scalar computed in one step from up to three scalar inputs (numbers, or Vars of one tape; null for none)
     * with its partial derivatives: one node where elementary operations would record one each (fused log
     * densities). An input with a zero partial still counts for provenance. A number when nothing is tracked.
     */
    public static Object fused(double value, Object a, double da, Object b, double db, Object c, double dc) {
        Var va = a instanceof Var v ? v : null;
        Var vb = b instanceof Var v ? v : null;
        Var vc = c instanceof Var v ? v : null;
        Tape tape = sameTape(sameTape(sameTape(null, va), vb), vc);
        if (tape == null) {
            return value;
        }
        if (vc == null) {
            return binary(tape, value, va, va == null ? 0 : da, vb, vb == null ? 0 : db);
        }
        if (va == null) {
            return binary(tape, value, vb, vb == null ? 0 : db, vc, dc);
        }
        if (vb == null) {
            return binary(tape, value, va, da, vc, dc);
        }
        return many(tape, value, new Var[] {va, vb, vc}, new double[] {da, db, dc});
    }

    /**
     * The sum of {@code count} scalars (numbers, or Vars of one tape) as one linear node with an input per tracked
     * value, where a chain of additions would record one node each: {@link Tape#decompose} splits it the same way.
     * The value is added up in the order given. A number when nothing is tracked.
     */
    public static Object sum(Object[] values, int count) {
        double value = 0;
        int tracked = 0;
        Tape tape = null;
        for (int i = 0; i < count; i++) {
            Object v = values[i];
            value += AD.scalarValue(v);
            if (v instanceof Var x) {
                tape = sameTape(tape, x);
                tracked++;
            }
        }
        if (tape == null) {
            return value;
        }
        Var[] inputs = new Var[tracked];
        double[] ones = new double[tracked];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (values[i] instanceof Var x) {
                inputs[k] = x;
                ones[k++] = 1;
            }
        }
        Var r = new Var(tape, value);
        r.more = inputs;
        r.morePartials = ones;
        r.linear = true;
        tape.record(r);
        return r;
    }

    private static Tape sameTape(Tape tape, Var v) {
        if (v == null) {
            return tape;
        }
        if (tape != null && v.tape != tape) {
            throw new IllegalStateException("values from two different gradient evaluations were combined");
        }
        return v.tape;
    }

    /** One node for sum_i partials_i-weighted inputs: value given, d value / d inputs[i] = partials[i]. */
    static Var many(Tape tape, double value, Var[] inputs, double[] partials) {
        Var r = new Var(tape, value);
        r.more = inputs;
        r.morePartials = partials;
        tape.record(r);
        return r;
    }

    static Var unary(Var x, double value, double dx) {
        Var r = new Var(x.tape, value, x, dx, null, 0);
        x.tape.record(r);
        return r;
    }

    static Var binary(Tape tape, double value, Var x, double dx, Var y, double dy) {
        Var r = new Var(tape, value, x, dx, y, dy);
        tape.record(r);
        return r;
    }

    static Var linear(Tape tape, double value, Var x, double dx, Var y, double dy) {
        Var r = new Var(tape, value, x, dx, y, dy);
        r.linear = true;
        tape.record(r);
        return r;
    }

    /** The tensor whose sum this node is (a reading at index -1), or null. */
    TensorVar summedTensor() {
        return tensor != null && tensorIndex < 0 && a == null && dependency == null && more == null ? tensor : null;
    }

    /** The sum of a tensor (index -1) or one of its elements, as a scalar node. */
    static Var reading(TensorVar t, int index, double value) {
        Var r = new Var(t.tape, value);
        r.tensor = t;
        r.tensorIndex = index;
        t.readers++;
        t.tape.record(r);
        return r;
    }

    /** A value that depends on {@code on} without a gradient path to it. */
    static Var dependent(Tape tape, double value, Var gradientInput, TapeNode on) {
        Var r = new Var(tape, value, gradientInput, gradientInput == null ? 0 : 1, null, 0);
        r.dependency = on;
        if (on instanceof TensorVar t) {
            t.readers++;
        }
        tape.record(r);
        return r;
    }

    @Override
    public String toString() {
        return "Var(" + value + ")";
    }
}
