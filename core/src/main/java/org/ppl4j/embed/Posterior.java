package org.ppl4j.embed;

/**
 * The fitted guide's marginal at one address, estimated from the fit's {@code samples} guide draws.
 *
 * <pre>{@code
 * Posterior p = program.run().lastFit().posterior("p");
 * System.out.printf("%.3f ± %.3f, 90%% in [%.3f, %.3f]%n", p.mean(), p.sd(), p.q05(), p.q95());
 * }</pre>
 *
 * @param mean the sample mean
 * @param sd the sample standard deviation
 * @param q05 the 5% quantile
 * @param q50 the median
 * @param q95 the 95% quantile
 */
public record Posterior(double mean, double sd, double q05, double q50, double q95) {
}
