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
    private final List<String> patternNames = new ArrayList<>();
    private final List<GradientStrategy> strategies = new ArrayList<>();
    private final boolean[] used;
    /** Which pattern each site matched (index, or -1): sites recur at every step, patterns are regexes. */
    private final Map<Site, Integer> matched = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.Function<Distribution, String> supported;

    /**
     * @param supported names the strategies that support a distribution, for error messages
     */
    public StrategyOverrides(Map<String, GradientStrategy> byPattern,
            java.util.function.Function<Distribution, String> supported) {
        this.byPattern = byPattern;
        this.supported = supported;
        for (Map.Entry<String, GradientStrategy> e : byPattern.entrySet()) {
            patterns.add(compile(e.getKey()));
            patternNames.add(e.getKey());
            strategies.add(e.getValue());
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
        Integer known = matched.get(site);
        int i = known != null ? known : matched.computeIfAbsent(site, this::match);
        if (i >= 0) {
            used[i] = true;
            GradientStrategy s = strategies.get(i);
            if (!s.supports(distribution.family())) {
                throw new IllegalArgumentException("the estimator override \"" + patternNames.get(i) + "\": "
                        + s.name() + " cannot be used for the site " + site.key() + ", a "
                        + distribution.family().name() + "; " + distribution.family().name() + " supports "
                        + (supported == null ? "other strategies" : supported.apply(distribution)));
            }
            return s;
        }
        return own;
    }

    private int match(Site site) {
        String address = site.address().toString();
        String key = site.key();
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(address).matches() || patterns.get(i).matcher(key).matches()) {
                return i;
            }
        }
        return -1;
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
