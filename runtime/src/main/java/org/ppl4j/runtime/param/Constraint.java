package org.ppl4j.runtime.param;

import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;

/**
 * Where a parameter lives, and the bijection from the unconstrained reals the optimiser works in.
 * {@code positive} uses exp (as Pyro and Stan do), {@code unit_interval} the logistic function.
 */
public enum Constraint {
    REAL("real") {
        @Override
        public Object forward(Object u) {
            return u;
        }

        @Override
        public double inverse(double x) {
            return x;
        }

        @Override
        public boolean contains(double x) {
            return !Double.isNaN(x) && !Double.isInfinite(x);
        }
    },
    POSITIVE("positive") {
        @Override
        public Object forward(Object u) {
            return AD.exp(u);
        }

        @Override
        public double inverse(double x) {
            return Math.log(x);
        }

        @Override
        public boolean contains(double x) {
            return x > 0 && !Double.isInfinite(x);
        }
    },
    UNIT_INTERVAL("unit_interval") {
        @Override
        public Object forward(Object u) {
            return AD.sigmoid(u);
        }

        @Override
        public double inverse(double x) {
            return Math.log(x) - Math.log1p(-x);
        }

        @Override
        public boolean contains(double x) {
            return x > 0 && x < 1;
        }
    };

    private final String keyword;

    Constraint(String keyword) {
        this.keyword = keyword;
    }

    /** The name users write after {@code :}. */
    public String keyword() {
        return keyword;
    }

    /** Constrained value from unconstrained u (differentiable). */
    public abstract Object forward(Object u);

    /** Unconstrained value of a constrained x. */
    public abstract double inverse(double x);

    /** Whether x is a valid (strictly interior) constrained value. */
    public abstract boolean contains(double x);

    public Tensor inverse(Tensor x) {
        return x.map(this::inverse);
    }

    public static Constraint byKeyword(String keyword) {
        for (Constraint c : values()) {
            if (c.keyword.equals(keyword)) {
                return c;
            }
        }
        return null;
    }

    public static String keywords() {
        StringBuilder sb = new StringBuilder();
        for (Constraint c : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.keyword);
        }
        return sb.toString();
    }

    static {
        // keep Fns initialised before the constants are used from multiple threads
        Fns.EXP.getClass();
    }
}
