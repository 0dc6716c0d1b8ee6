package org.ppl4j.runtime.dist;

/** A distribution parameter outside its domain, e.g. {@code normal(0, -1)}. */
public final class DistributionArgumentException extends RuntimeException {
    private final String distribution;
    private final String argument;
    private final double got;

    public DistributionArgumentException(String distribution, String argument, String requirement, double got) {
        super(distribution + ": argument '" + argument + "' must be " + requirement + ", got " + format(got));
        this.distribution = distribution;
        this.argument = argument;
        this.got = got;
    }

    /** The offending value (an element of it, for a tensor argument). */
    public double got() {
        return got;
    }

    public String distribution() {
        return distribution;
    }

    public String argument() {
        return argument;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
