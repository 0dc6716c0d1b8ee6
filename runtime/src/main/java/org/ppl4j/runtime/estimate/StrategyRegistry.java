package org.ppl4j.runtime.estimate;

import java.util.ServiceLoader;
import org.ppl4j.runtime.dist.DistributionFamily;

/**
 * The strategies, as the runtime sees them: parsing a strategy written as text (command-line overrides)
 * and naming those a distribution supports. Implemented by the estimators module, found by ServiceLoader.
 */
public interface StrategyRegistry {
    GradientStrategy parse(String text);

    /** Comma-separated names of the strategies that support a family. */
    String supportedBy(DistributionFamily family);

    static StrategyRegistry get() {
        return Holder.INSTANCE;
    }

    /** Lazily loaded singleton. */
    final class Holder {
        static final StrategyRegistry INSTANCE = ServiceLoader.load(StrategyRegistry.class,
                StrategyRegistry.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no ppl4j estimators on the class path"));

        private Holder() {
        }
    }
}
