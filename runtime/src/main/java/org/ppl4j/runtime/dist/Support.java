package org.ppl4j.runtime.dist;

import java.util.function.DoublePredicate;
import org.ppl4j.runtime.ad.Tensor;

/** The set a distribution's values live in, checked element by element for tensors. */
public final class Support {
    public static final Support REAL = new Support("real", x -> !Double.isNaN(x), false, Tensor.Check.NOT_NAN, true);
    public static final Support POSITIVE = new Support("positive reals", x -> x > 0, false, Tensor.Check.POSITIVE,
            true);
    /** [0, infinity): the half-normal and half-Cauchy put positive density at 0. */
    public static final Support NON_NEGATIVE_REAL = new Support("non-negative reals", x -> x >= 0, false,
            Tensor.Check.NON_NEGATIVE, true);
    public static final Support UNIT_INTERVAL = new Support("(0, 1)", x -> x >= 0 && x <= 1, false, null, true);
    public static final Support BOOLEAN = new Support("{0, 1}", x -> x == 0 || x == 1, true, Tensor.Check.BINARY,
            true);
    public static final Support NONNEGATIVE_INTEGER = new Support("{0, 1, 2, ...}", x -> x >= 0 && x == Math.rint(x),
            true, null, true);

    /** Points that tell the fixed supports apart; 0 only for discrete ones, where it has positive probability. */
    private static final double[] CONTINUOUS_PROBES = {-1, 0.5, 1, 2, 2.5};
    private static final double[] DISCRETE_PROBES = {0, 1, 2};

    private final String description;
    private final DoublePredicate contains;
    private final boolean discrete;
    /** The same test as one whole-tensor check (an ND4J kernel for large tensors), where there is one. */
    private final Tensor.Check check;

    /** Whether the set is the same for every parameter value (not an interval or range given by parameters). */
    private final boolean fixed;

    public Support(String description, DoublePredicate contains, boolean discrete) {
        this(description, contains, discrete, null, false);
    }

    private Support(String description, DoublePredicate contains, boolean discrete, Tensor.Check check,
            boolean fixed) {
        this.description = description;
        this.contains = contains;
        this.discrete = discrete;
        this.check = check;
        this.fixed = fixed;
    }

    /** Whether the set does not depend on the distribution's parameters (a value outside it is always a mistake). */
    public boolean isFixed() {
        return fixed;
    }

    /**
     * For two fixed supports: a value that a distribution on {@code other} draws with positive probability and
     * that lies outside this support (-1 for a normal guide of a half-normal site), or NaN if there is none.
     */
    public double valueOutside(Support other) {
        if (other == this) {
            return Double.NaN; // the usual case, checked at every assessed choice
        }
        for (double x : other.discrete ? DISCRETE_PROBES : CONTINUOUS_PROBES) {
            if (other.contains(x) && !contains(x)) {
                return x;
            }
        }
        return Double.NaN;
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
