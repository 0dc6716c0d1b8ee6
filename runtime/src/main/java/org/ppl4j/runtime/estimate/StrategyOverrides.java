package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ppl4j.runtime.dist.Distribution;

/**
 * Strategies chosen from outside a model, by address pattern: {@code "z"}, {@code "flip[*]"} (any index),
 * or {@code "coin_guide/p"} (one model's site). The first matching pattern wins.
 */
public final class StrategyOverrides {
    public static final StrategyOverrides NONE = new StrategyOverrides(new LinkedHashMap<>(), null);

    private final Map<String, GradientStrategy> byPattern;
    private final List<Pattern> patterns = new ArrayList<>();
    private final boolean[] used;
    private final java.util.function.Function<Distribution, String> supported;

    /**
     * @param supported names the strategies that support a distribution, for error messages
     */
    public StrategyOverrides(Map<String, GradientStrategy> byPattern,
            java.util.function.Function<Distribution, String> supported) {
        this.byPattern = byPattern;
        this.supported = supported;
        for (String p : byPattern.keySet()) {
            patterns.add(compile(p));
        }
        this.used = new boolean[byPattern.size()];
    }

    private static Pattern compile(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? "[^\\]/]*" : Pattern.quote(Character.toString(c)));
        }
        return Pattern.compile(re.toString());
    }

    public boolean isEmpty() {
        return byPattern.isEmpty();
    }

    public GradientStrategy strategyFor(Site site, Distribution distribution, GradientStrategy own) {
        if (byPattern.isEmpty()) {
            return own;
        }
        String address = site.address().toString();
        int i = 0;
        for (Map.Entry<String, GradientStrategy> e : byPattern.entrySet()) {
            Pattern p = patterns.get(i);
            if (p.matcher(address).matches() || p.matcher(site.key()).matches()) {
                used[i] = true;
                GradientStrategy s = e.getValue();
                if (!s.supports(distribution.family())) {
                    throw new IllegalArgumentException("the estimator override \"" + e.getKey() + "\": "
                            + s.name() + " cannot be used for the site " + site.key() + ", a "
                            + distribution.family().name() + "; " + distribution.family().name() + " supports "
                            + (supported == null ? "other strategies" : supported.apply(distribution)));
                }
                return s;
            }
            i++;
        }
        return own;
    }

    /** Patterns that matched no random choice so far (usually a misspelt address). */
    public List<String> unused() {
        List<String> r = new ArrayList<>();
        int i = 0;
        for (String p : byPattern.keySet()) {
            if (!used[i++]) {
                r.add(p);
            }
        }
        return r;
    }
}
