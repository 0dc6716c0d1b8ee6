package org.ppl4j.embed;

/**
 * The fitted guide's marginal at one address, estimated from the fit's {@code samples} guide draws.
 *
 * @param mean the sample mean
 * @param sd the sample standard deviation
 * @param q05 the 5% quantile
 * @param q50 the median
 * @param q95 the 95% quantile
 */
public record Posterior(double mean, double sd, double q05, double q50, double q95) {
}
