package org.ppl4j.estimators;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.GradientStrategy;

/** The strategies users can name after {@code by} or in overrides, and the default choice. */
public final class Strategies {
    private static final GradientStrategy DEFAULT_REINFORCE =
            new Reinforce(RunningMeanBaseline.ADAPTIVE);

    /** Names accepted after {@code by}, sorted. */
    public static final List<String> NAMES =
            List.of("enum", "mvd", "path", "reinforce", "relax", "reparam", "straight_through");

    /** Baselines written by name; any other expression after {@code baseline:} is computed by the program. */
    public static final List<String> BASELINE_NAMES = List.of("leave_one_out", "none", "running_mean");

    /** The strategies that take no options, by name. */
    private static final Map<String, GradientStrategy> WITHOUT_OPTIONS = Map.of("reparam", Reparam.INSTANCE,
            "path", Path.INSTANCE, "enum", Enumerate.INSTANCE, "mvd", MeasureValued.INSTANCE,
            "straight_through", StraightThrough.INSTANCE);

    /** One instance of each strategy, for "what supports this distribution" questions. */
    private static final List<GradientStrategy> REPRESENTATIVES = List.of(Enumerate.INSTANCE, MeasureValued.INSTANCE,
            Path.INSTANCE, DEFAULT_REINFORCE, new Relax(1.0), Reparam.INSTANCE, StraightThrough.INSTANCE);

    private Strategies() {
    }

    /** DESIGN.md section 2: reparam where the distribution has it, otherwise reinforce with a running mean. */
    public static GradientStrategy defaultFor(DistributionFamily family) {
        return family.reparameterized() ? Reparam.INSTANCE : DEFAULT_REINFORCE;
    }

    /** The strategy names that support a family, sorted, for error messages. */
    public static List<String> supportedBy(DistributionFamily family) {
        List<String> names = new ArrayList<>();
        for (GradientStrategy s : REPRESENTATIVES) {
            if (s.supports(family)) {
                names.add(s.name());
            }
        }
        return names;
    }

    /**
     * Builds a strategy from its name and options as written: {@code reinforce(baseline: running_mean(0.95))}
     * arrives as name "reinforce" and options {baseline: Option("running_mean", [0.95])}; a positional
     * option ({@code relax(0.5)}) arrives under the key "0".
     *
     * @throws IllegalArgumentException with a user-facing message for unknown names or options
     */
    public static GradientStrategy create(String name, Map<String, Option> options) {
        GradientStrategy plain = WITHOUT_OPTIONS.get(name);
        if (plain != null) {
            noOptions(name, options);
            return plain;
        }
        switch (name) {
            case "relax": {
                only(name, options, "temperature");
                Option t = options.containsKey("temperature") ? options.get("temperature") : options.get("0");
                if (t == null || !t.isNumber()) {
                    throw new IllegalArgumentException("relax needs a temperature, as in relax(0.5)");
                }
                return new Relax(t.number());
            }
            case "reinforce": {
                only(name, options, "baseline");
                Option b = options.get("baseline");
                if (b != null && b.name() != null && b.name().equals(LearnedBaseline.PLACEHOLDER)) {
                    return new Reinforce(LearnedBaseline.PENDING);
                }
                return b == null ? DEFAULT_REINFORCE : new Reinforce(baseline(b));
            }
            default:
                throw new IllegalArgumentException("unknown strategy '" + name + "'; the strategies are "
                        + String.join(", ", NAMES));
        }
    }

    private static Baseline baseline(Option b) {
        switch (b.name()) {
            case "none":
                return Baseline.NONE;
            case "leave_one_out":
                if (!b.args().isEmpty()) {
                    throw new IllegalArgumentException("leave_one_out takes no arguments");
                }
                return LeaveOneOutBaseline.INSTANCE;
            case "running_mean":
                if (b.args().size() > 1) {
                    throw new IllegalArgumentException("running_mean takes one argument, the decay");
                }
                return b.args().isEmpty() ? RunningMeanBaseline.ADAPTIVE : new RunningMeanBaseline(b.args().get(0));
            default:
                throw new IllegalArgumentException("unknown baseline '" + b.name()
                        + "'; the baselines are none, running_mean(decay) and leave_one_out");
        }
    }

    private static void noOptions(String name, Map<String, Option> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException(name + " takes no options");
        }
    }

    private static void only(String name, Map<String, Option> options, String allowed) {
        for (String k : options.keySet()) {
            if (!k.equals(allowed) && !(k.equals("0") && name.equals("relax"))) {
                throw new IllegalArgumentException(name + " has no option '" + k + "'; it takes " + allowed);
            }
        }
    }

    /** An option value as written: a name with optional numeric arguments, or a number (name null). */
    public record Option(String name, List<Double> args) {
        public static Option number(double v) {
            return new Option(null, List.of(v));
        }

        public boolean isNumber() {
            return name == null;
        }

        public double number() {
            return args.get(0);
        }
    }

    /**
     * Parses a strategy written as text, as on the command line: {@code reinforce},
     * {@code reinforce(baseline: none)}, {@code relax(0.5)}.
     */
    public static GradientStrategy parse(String text) {
        String s = text.trim();
        int open = s.indexOf('(');
        if (open < 0) {
            return create(s, Map.of());
        }
        if (!s.endsWith(")")) {
            throw new IllegalArgumentException("'" + text + "' is not a strategy: a ')' is missing");
        }
        String name = s.substring(0, open).trim();
        String inner = s.substring(open + 1, s.length() - 1).trim();
        Map<String, Option> options = new LinkedHashMap<>();
        if (!inner.isEmpty()) {
            int position = 0;
            for (String part : splitTopLevel(inner)) {
                int colon = part.indexOf(':');
                String key = colon < 0 ? Integer.toString(position++) : part.substring(0, colon).trim();
                options.put(key, parseOption(colon < 0 ? part.trim() : part.substring(colon + 1).trim(), text));
            }
        }
        return create(name, options);
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static Option parseOption(String v, String text) {
        try {
            return Option.number(Double.parseDouble(v));
        } catch (NumberFormatException notANumber) {
            int open = v.indexOf('(');
            if (open < 0) {
                return new Option(v, List.of());
            }
            List<Double> args = new ArrayList<>();
            String inner = v.substring(open + 1, v.lastIndexOf(')')).trim();
            for (String a : inner.isEmpty() ? new String[0] : inner.split(",")) {
                try {
                    args.add(Double.parseDouble(a.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("in '" + text + "': '" + a.trim() + "' is not a number");
                }
            }
            return new Option(v.substring(0, open).trim(), args);
        }
    }
}
