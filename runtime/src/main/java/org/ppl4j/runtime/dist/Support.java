package org.ppl4j.runtime.dist;

import java.util.function.DoublePredicate;
import org.ppl4j.runtime.ad.Tensor;

/** The set a distribution's values live in, checked element by element for tensors. */
public final class Support {
    public static final Support REAL = new Support("real", x -> !Double.isNaN(x), false, Tensor.Check.NOT_NAN);
    public static final Support POSITIVE = new Support("positive reals", x -> x > 0, false, Tensor.Check.POSITIVE);
    public static final Support UNIT_INTERVAL = new Support("(0, 1)", x -> x >= 0 && x <= 1, false);
    public static final Support BOOLEAN = new Support("{0, 1}", x -> x == 0 || x == 1, true, Tensor.Check.BINARY);
    public static final Support NONNEGATIVE_INTEGER = new Support("{0, 1, 2, ...}", x -> x >= 0 && x == Math.rint(x), true);

    private final String description;
    private final DoublePredicate contains;
    private final boolean discrete;
    /** The same test as one whole-tensor check (an ND4J kernel for large tensors), where there is one. */
    private final Tensor.Check check;

    public Support(String description, DoublePredicate contains, boolean discrete) {
        this(description, contains, discrete, null);
    }

    private Support(String description, DoublePredicate contains, boolean discrete, Tensor.Check check) {
        this.description = description;
        this.contains = contains;
        this.discrete = discrete;
        this.check = check;
    }

    /** Whether every element of {@code t} is in the support. */
    public boolean containsAll(Tensor t) {
        if (check != null) {
            return t.allMatch(check);
        }
        for (int i = 0; i < t.size(); i++) {
            if (!contains.test(t.get(i))) {
                return false;
            }
        }
        return true;
    }

    public static Support integerRange(int from, int toExclusive) {
        return new Support("{" + from + ", ..., " + (toExclusive - 1) + "}",
                x -> x >= from && x < toExclusive && x == Math.rint(x), true);
    }

    public static Support interval(double lo, double hi) {
        return new Support("[" + lo + ", " + hi + "]", x -> x >= lo && x <= hi, false);
    }

    public boolean contains(double x) {
        return contains.test(x);
    }

    public boolean isDiscrete() {
        return discrete;
    }

    @Override
    public String toString() {
        return description;
    }
}
