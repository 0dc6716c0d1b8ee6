package org.ppl4j.estimators;

import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.StrategyRegistry;

/** The estimators module's strategies, offered to the runtime (see META-INF/services). */
public final class EstimatorsRegistry implements StrategyRegistry {
    @Override
    public GradientStrategy parse(String text) {
        return Strategies.parse(text);
    }

    @Override
    public String supportedBy(DistributionFamily family) {
        return String.join(", ", Strategies.supportedBy(family));
    }
}
