package org.ppl4j.stdlib.autoguide;

import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.param.Constraint;

/**
 * The bijection from unconstrained reals onto one site's support, elementwise over a tensor-valued site: the
 * parameters' own bijections ({@link Constraint}: identity for {@code real}, exp for {@code positive}, the logistic
 * function for {@code unit_interval}), a scaled logistic for a uniform's interval, and stick-breaking for the
 * simplex of a dirichlet (a vector of K values from K - 1 unconstrained ones, as Stan does it).
 */
abstract class SiteBijection implements Transform {
    /** How a saved fit records the bijection ({@code load_fit} rebuilds it), or null when it cannot. */
    abstract java.util.Map<String, Object> saved();

    /** The bijection a saved fit recorded ({@link #saved}), or null when the record names none. */
    static SiteBijection fromSaved(java.util.Map<String, Object> m) {
        Object support = m.get("support");
        if ("interval".equals(support) && m.get("low") instanceof Double low && m.get("high") instanceof Double high) {
            return new Interval(low, high);
        }
        if ("simplex".equals(support)) {
            return new Simplex();
        }
        Constraint c = support instanceof String k ? Constraint.byKeyword(k) : null;
        return c == null ? null : new OfConstraint(c);
    }

    /** The support's name, for messages. */
    abstract String describe();

    /** The number of unconstrained reals for a value of {@code constrainedSize} elements. */
    int unconstrainedSize(int constrainedSize) {
        return constrainedSize;
    }

    /** The unconstrained shape of a value of shape {@code shape} (its own shape, but for the simplex). */
    int[] unconstrainedShape(int[] shape) {
        return shape;
    }

    @Override
    public Transform detached() {
        return this; // no parameters of its own
    }

    /**
     * For an elementwise bijection: u = T^-1(x) and log |dT/du| per element (a number 0.0 where T is the identity),
     * so that a vectorised body can sum them per iteration; null for the simplex, which is not elementwise.
     */
    abstract Inverse inverseElements(Object x);

    @Override
    public Inverse inverse(Object x) {
        Inverse e = inverseElements(x);
        return new Inverse(e.u(), AD.sum(e.logDet()));
    }

    /** One of the parameters' constraints, applied elementwise. */
    static final class OfConstraint extends SiteBijection {
        private final Constraint constraint;

        OfConstraint(Constraint constraint) {
            this.constraint = constraint;
        }

        @Override
        String describe() {
            return constraint.keyword();
        }

        @Override
        java.util.Map<String, Object> saved() {
            return java.util.Map.of("support", constraint.keyword());
        }

        @Override
        public Object forward(Object u) {
            return constraint.forward(u);
        }

        @Override
        Inverse inverseElements(Object x) {
            return switch (constraint) {
                case REAL -> new Inverse(x, 0.0);
                case POSITIVE -> {
                    Object u = AD.log(x);
                    yield new Inverse(u, u); // d exp(u) / du = exp(u) = x
                }
                case UNIT_INTERVAL -> {
                    Object log1mx = AD.log1p(AD.neg(x));
                    Object logx = AD.log(x);
                    yield new Inverse(AD.sub(logx, log1mx), AD.add(logx, log1mx)); // sigma'(u) = x (1 - x)
                }
            };
        }
    }

    /** low + (high - low) sigmoid(u), elementwise: a uniform's interval (its bounds as the model first gave them). */
    static final class Interval extends SiteBijection {
        private final Object low;
        private final Object width;
        private final Object logWidth;

        /** @param low the lower bounds (a number or a tensor, constant), {@code high} likewise */
        Interval(Object low, Object high) {
            this.low = AD.value(low);
            this.width = AD.value(AD.sub(AD.value(high), this.low));
            this.logWidth = AD.log(width);
        }

        @Override
        String describe() {
            return "an interval";
        }

        @Override
        java.util.Map<String, Object> saved() {
            Object high = AD.add(low, width);
            return low instanceof Double && high instanceof Double
                    ? java.util.Map.of("support", "interval", "low", low, "high", high) : null;
        }

        @Override
        public Object forward(Object u) {
            return AD.add(low, AD.mul(width, AD.sigmoid(u)));
        }

        @Override
        Inverse inverseElements(Object x) {
            Object y = AD.div(AD.sub(x, low), width);
            Object logy = AD.log(y);
            Object log1my = AD.log1p(AD.neg(y));
            return new Inverse(AD.sub(logy, log1my), AD.add(AD.add(logy, log1my), logWidth));
        }
    }

    /**
     * Stick-breaking onto the simplex of K elements: z_k = sigmoid(u_k - log(K - 1 - k)) breaks off the fraction
     * z_k of what is left, x_k = (1 - x_0 - ... - x_(k-1)) z_k, and x_(K-1) is the rest. The offset makes u = 0 the
     * centre of the simplex. The Jacobian of (x_0, ..., x_(K-2)) in u is triangular, with diagonal
     * left_k z_k (1 - z_k).
     */
    static final class Simplex extends SiteBijection {
        @Override
        String describe() {
            return "the simplex";
        }

        @Override
        java.util.Map<String, Object> saved() {
            return java.util.Map.of("support", "simplex");
        }

        @Override
        int unconstrainedSize(int constrainedSize) {
            return constrainedSize - 1;
        }

        @Override
        int[] unconstrainedShape(int[] shape) {
            return new int[] {shape[0] - 1};
        }

        @Override
        public Object forward(Object u) {
            int k1 = AD.tensorValue(u).size();
            Object[] x = new Object[k1 + 1];
            Object left = 1.0;
            for (int k = 0; k < k1; k++) {
                Object z = AD.sigmoid(AD.sub(AD.index(u, k), Math.log(k1 - k)));
                x[k] = AD.mul(left, z);
                left = AD.sub(left, x[k]);
            }
            x[k1] = left;
            return AD.stack(x);
        }

        @Override
        Inverse inverseElements(Object x) {
            return null;
        }

        @Override
        public Inverse inverse(Object x) {
            int k1 = AD.tensorValue(x).size() - 1;
            Object[] u = new Object[k1];
            Object left = 1.0;
            Object logDet = 0.0;
            for (int k = 0; k < k1; k++) {
                Object xk = AD.index(x, k);
                Object z = AD.div(xk, left);
                u[k] = AD.add(AD.sub(AD.log(z), AD.log1p(AD.neg(z))), Math.log(k1 - k));
                logDet = AD.add(logDet, AD.add(AD.log(left), AD.add(AD.log(z), AD.log1p(AD.neg(z)))));
                left = AD.sub(left, xk);
            }
            return new Inverse(AD.stack(u), logDet);
        }
    }
}
