package org.ppl4j.stdlib.dist;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoublePredicate;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** Argument handling shared by the distributions: arity, coercion, domain checks, shapes, two AD helpers. */
final class Params {
    private Params() {
    }

    /** What a parameter's every element must satisfy; {@code description} completes "must be ...". */
    record Requirement(String description, DoublePredicate test, Tensor.Check... whole) {
    }

    static final Requirement FINITE = new Requirement("a finite number", Double::isFinite, Tensor.Check.FINITE);
    static final Requirement POSITIVE = new Requirement("a positive finite number", x -> x > 0 && x < Double.POSITIVE_INFINITY,
            Tensor.Check.POSITIVE, Tensor.Check.FINITE);
    static final Requirement PROBABILITY = new Requirement("a probability in [0, 1]", x -> x >= 0 && x <= 1);
    /**
     * The concentrations of beta and dirichlet: positive and at most 1e10. Their log density is a sum of
     * lgamma terms of order c log c that cancel; in double precision the result keeps about 1e-5 at 1e10, and
     * is garbage long before 1e300, so a larger one is refused rather than given a wrong density.
     */
    static final double MAX_CONCENTRATION = 1e10;
    static final Requirement CONCENTRATION = new Requirement("a positive number at most 1e10 (beyond it the log "
            + "density cannot be computed in double precision)", x -> x > 0 && x <= MAX_CONCENTRATION);
    static final Requirement NOT_NAN = new Requirement("a number (not NaN)", x -> !Double.isNaN(x), Tensor.Check.NOT_NAN);

    static final Support NON_NEGATIVE_REAL = Support.NON_NEGATIVE_REAL;

    /** How far from 1 the sum of a point of the simplex may be (rounding in a softmax or in data). */
    static final double SIMPLEX_TOLERANCE = 1e-9;

    /** A sum for a message: six significant digits, so that 1.1 reads 1.1 and 1 + 2e-6 does not read 1. */
    static String describeSum(double total) {
        return new java.math.BigDecimal(total).round(new java.math.MathContext(7)).stripTrailingZeros()
                .toPlainString();
    }

    /** The arguments padded with nulls to one per parameter; a missing required argument is an error. */
    static Object[] align(DistributionFamily family, Object[] args) {
        List<String> names = family.parameters();
        Object[] given = args == null ? new Object[0] : args;
        if (given.length > names.size()) {
            throw new IllegalArgumentException(family.name() + " takes at most " + names.size() + " argument"
                    + (names.size() == 1 ? "" : "s") + " " + names + ", got " + given.length);
        }
        Object[] aligned = given.length == names.size() ? given : Arrays.copyOf(given, names.size());
        for (int i = 0; i < family.required(); i++) {
            if (aligned[i] == null) {
                throw new IllegalArgumentException(family.name() + ": missing argument '" + names.get(i) + "'");
            }
        }
        return aligned;
    }

    /** For families whose parameters are alternatives (p | logits): the index of the one given. */
    static int exactlyOne(DistributionFamily family, Object[] aligned) {
        return exactlyOne(family, aligned, 0);
    }

    /** The same for the alternatives from parameter {@code from} on (binomial: n, then p | logits). */
    static int exactlyOne(DistributionFamily family, Object[] aligned, int from) {
        int found = -1;
        for (int i = from; i < aligned.length; i++) {
            if (aligned[i] != null) {
                if (found >= 0) {
                    throw new IllegalArgumentException(family.name() + ": give exactly one of "
                            + alternatives(family, from) + ", got both '" + family.parameters().get(found) + "' and '"
                            + family.parameters().get(i) + "'");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException(family.name() + ": give exactly one of " + alternatives(family, from)
                    + ", got neither");
        }
        return found;
    }

    private static String alternatives(DistributionFamily family, int from) {
        List<String> names = family.parameters();
        return String.join(" or ", names.subList(from, names.size()).stream().map(n -> "'" + n + "'").toList());
    }

    /**
     * The argument as one of the AD value kinds: any {@link Number} becomes a {@code Double}, a list of numbers
     * (tracked or not) a vector. Anything else is an error naming the distribution and argument.
     */
    static Object coerce(String dist, String arg, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(dist + ": missing argument '" + arg + "'");
        }
        if (AD.isNumeric(v)) {
            return v;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof List<?> list) {
            Object[] elements = new Object[list.size()];
            for (int i = 0; i < elements.length; i++) {
                Object e = list.get(i);
                if (e instanceof Number n) {
                    elements[i] = n.doubleValue();
                } else if (e instanceof Var) {
                    elements[i] = e;
                } else {
                    throw new IllegalArgumentException(dist + ": argument '" + arg + "' must be a list of numbers, element "
                            + i + " is " + AD.describe(e));
                }
            }
            return AD.stack(elements);
        }
        throw new IllegalArgumentException(dist + ": argument '" + arg + "' must be a number or a tensor, got "
                + AD.describe(v));
    }

    /** Coerces the argument and checks every element of its primal value against the requirement. */
    static Object checked(String dist, String arg, Object v, Requirement requirement) {
        if (v instanceof Double || v instanceof Var) { // the usual scalar: no array of primal values
            double x = AD.scalarValue(v);
            if (!requirement.test().test(x)) {
                throw new DistributionArgumentException(dist, arg, requirement.description(), x);
            }
            return v;
        }
        Object value = coerce(dist, arg, v);
        if (AD.isTensor(value) && requirement.whole().length > 0) {
            // whole-tensor checks first: a large tensor is only copied out of ND4J to name a failing element
            Tensor t = AD.tensorValue(value);
            boolean ok = true;
            for (Tensor.Check c : requirement.whole()) {
                ok &= t.allMatch(c);
            }
            if (ok) {
                return value;
            }
        }
        for (double x : primals(value)) {
            if (!requirement.test().test(x)) {
                throw new DistributionArgumentException(dist, arg, requirement.description(), x);
            }
        }
        return value;
    }

    /** A non-empty vector argument (a rank-1 tensor or a list of numbers) whose every element meets the requirement. */
    static Object vector(String dist, String arg, Object v, Requirement requirement) {
        Object value = coerce(dist, arg, v);
        if (!AD.isTensor(value) || AD.tensorValue(value).rank() != 1 || AD.tensorValue(value).size() == 0) {
            throw new IllegalArgumentException(dist + ": argument '" + arg + "' must be a non-empty vector, got "
                    + AD.describe(value));
        }
        return checked(dist, arg, value, requirement);
    }

    /** A temperature for a relaxation: positive and finite. */
    static void checkTemperature(String dist, double temperature) {
        checked(dist, "temperature", temperature, POSITIVE);
    }

    /** Whether the elements are a point of the probability simplex: each in [0, 1], summing to 1. */
    static boolean onSimplex(double[] y) {
        double total = 0;
        for (double v : y) {
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
            total += v;
        }
        return Math.abs(total - 1) <= SIMPLEX_TOLERANCE;
    }

    /** The primal elements of a value, row-major (one element for a scalar). */
    static double[] primals(Object v) {
        return AD.isTensor(v) ? AD.tensorValue(v).toArray() : new double[] {AD.scalarValue(v)};
    }

    /** The shape of a value, {@code null} for a scalar ({@code Double} or {@code Var}). */
    static int[] shape(Object v) {
        return AD.isTensor(v) ? AD.tensorValue(v).shape() : null;
    }

    /** The broadcast shape of the values, {@code null} when all are scalars. */
    static int[] broadcastShape(Object... values) {
        int[] shape = null;
        for (Object v : values) {
            int[] s = shape(v);
            if (s != null) {
                shape = shape == null ? s : Tensor.broadcastShape(shape, s);
            }
        }
        return shape;
    }

    /** Each value's primal elements repeated to {@code shape} (or its single element when shape is null). */
    static double[][] broadcastPrimals(int[] shape, Object... values) {
        double[][] r = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            r[i] = shape == null ? primals(values[i]) : AD.tensorValue(values[i]).broadcastTo(shape).toArray();
        }
        return r;
    }

    /** {@code a * log(y)}, taken to be 0 where a == 0 (so a Beta(1, b) density at x = 0 is finite, not NaN). */
    static Object xlogy(Object a, Object y) {
        return AD.binary(a, y,
                (p, q) -> p == 0 ? 0 : p * Math.log(q),
                (p, q) -> Math.log(q),
                (p, q) -> p == 0 ? 0 : p / q);
    }

    /** {@code a * log(1 - y)}, accurate for small y, taken to be 0 where a == 0. */
    static Object xlog1my(Object a, Object y) {
        return AD.binary(a, y,
                (p, q) -> p == 0 ? 0 : p * Math.log1p(-q),
                (p, q) -> Math.log1p(-q),
                (p, q) -> p == 0 ? 0 : -p / (1 - q));
    }

    /**
     * {@code a * log(sigmoid(l))} = -a softplus(-l): no overflow for large |l|, and 0 where a == 0 even for an
     * infinite l (a logit of -infinity with no successes).
     */
    static Object xlogsigmoid(Object a, Object l) {
        return AD.binary(a, l,
                (p, q) -> p == 0 ? 0 : -p * Fns.softplus(-q),
                (p, q) -> -Fns.softplus(-q),
                (p, q) -> p == 0 ? 0 : p * Fns.sigmoid(-q));
    }

    /** {@code a * b}, taken to be 0 where a == 0 (a zero weight on a log probability of -infinity). */
    static Object xmul(Object a, Object b) {
        return AD.binary(a, b,
                (p, q) -> p == 0 ? 0 : p * q,
                (p, q) -> q,
                (p, q) -> p);
    }
}
