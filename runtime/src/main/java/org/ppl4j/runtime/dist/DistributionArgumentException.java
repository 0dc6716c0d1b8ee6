package org.ppl4j.runtime.dist;

/** A distribution parameter outside its domain, e.g. {@code normal(0, -1)}. */
public final class DistributionArgumentException extends RuntimeException {
    private final String distribution;
    private final String argument;

    public DistributionArgumentException(String distribution, String argument, String requirement, double got) {
        super(distribution + ": argument '" + argument + "' must be " + requirement + ", got " + format(got));
        this.distribution = distribution;
        this.argument = argument;
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
