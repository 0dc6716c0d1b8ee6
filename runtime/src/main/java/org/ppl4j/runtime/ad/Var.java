package org.ppl4j.runtime.ad;

/**
 * A scalar on the tape: its value, its adjoint, and up to two inputs with their local partial
 * derivatives. Most scalar operations need no more, so one class with two slots avoids a lambda per op.
 */
public final class Var extends TapeNode {
    final Tape tape;
    public final double value;
    double adjoint;
    private final Var a;
    private final double da;
    private final Var b;
    private final double db;

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

    /** Adds g to the adjoint; for nodes (such as tensor element reads) that feed a scalar from elsewhere. */
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

    @Override
    public String toString() {
        return "Var(" + value + ")";
    }
}
