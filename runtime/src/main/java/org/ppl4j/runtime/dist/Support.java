package org.ppl4j.runtime.dist;

import java.util.function.DoublePredicate;

/** The set a distribution's values live in, checked element by element for tensors. */
public final class Support {
    public static final Support REAL = new Support("real", x -> !Double.isNaN(x), false);
    public static final Support POSITIVE = new Support("positive reals", x -> x > 0, false);
    public static final Support UNIT_INTERVAL = new Support("(0, 1)", x -> x >= 0 && x <= 1, false);
    public static final Support BOOLEAN = new Support("{0, 1}", x -> x == 0 || x == 1, true);
    public static final Support NONNEGATIVE_INTEGER = new Support("{0, 1, 2, ...}", x -> x >= 0 && x == Math.rint(x), true);

    private final String description;
    private final DoublePredicate contains;
    private final boolean discrete;

    public Support(String description, DoublePredicate contains, boolean discrete) {
        this.description = description;
        this.contains = contains;
        this.discrete = discrete;
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
