package org.ppl4j.estimators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.GradientStrategy;

/** The strategies users can name after {@code by}, and the default choice. */
public final class Strategies {
    private static final GradientStrategy DEFAULT_REINFORCE =
            new Reinforce(new RunningMeanBaseline(RunningMeanBaseline.DEFAULT_DECAY));

    /** Names accepted after {@code by}, sorted. */
    public static final List<String> NAMES = List.of("reinforce", "reparam");

    private Strategies() {
    }

    /** DESIGN.md section 2: reparam where the distribution has it, otherwise reinforce with a running mean. */
    public static GradientStrategy defaultFor(DistributionFamily family) {
        return family.reparameterized() ? Reparam.INSTANCE : DEFAULT_REINFORCE;
    }

    /** The strategy names that support a family, for error messages. */
    public static List<String> supportedBy(DistributionFamily family) {
        List<String> names = new ArrayList<>();
        if (family.reparameterized()) {
            names.add("reparam");
        }
        names.add("reinforce");
        return names;
    }

    /**
     * Builds a strategy from its name and options as written: {@code reinforce(baseline: running_mean(0.95))}
     * arrives as name "reinforce" and options {baseline: Option("running_mean", [0.95])}.
     *
     * @throws IllegalArgumentException with a user-facing message for unknown names or options
     */
    public static GradientStrategy create(String name, Map<String, Option> options) {
        switch (name) {
            case "reparam":
                noOptions(name, options);
                return Reparam.INSTANCE;
            case "reinforce":
                for (String k : options.keySet()) {
                    if (!k.equals("baseline")) {
                        throw new IllegalArgumentException("reinforce has no option '" + k + "'; it takes baseline");
                    }
                }
                Option b = options.get("baseline");
                return b == null ? DEFAULT_REINFORCE : new Reinforce(baseline(b));
            default:
                throw new IllegalArgumentException("unknown strategy '" + name + "'; the strategies are "
                        + String.join(", ", NAMES));
        }
    }

    private static Baseline baseline(Option b) {
        switch (b.name()) {
            case "none":
                return Baseline.NONE;
            case "running_mean":
                if (b.args().size() > 1) {
                    throw new IllegalArgumentException("running_mean takes one argument, the decay");
                }
                return new RunningMeanBaseline(b.args().isEmpty() ? RunningMeanBaseline.DEFAULT_DECAY : b.args().get(0));
            default:
                throw new IllegalArgumentException("unknown baseline '" + b.name()
                        + "'; the baselines are none and running_mean(decay)");
        }
    }

    private static void noOptions(String name, Map<String, Option> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException(name + " takes no options");
        }
    }

    /** An option value as written: a name with optional numeric arguments. */
    public record Option(String name, List<Double> args) {
    }
}
