package org.ppl4j.examples.fuzz;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Programs generated from the language's grammar, not mutated from examples: models with random choices of
 * every distribution (arguments in and out of their domains, observed values in and out of their supports),
 * parameters with constraints, guides that match the model or not, expressions over numbers, lists and tensors
 * (sizes up to and beyond 2^31 - 1, indices out of range), loops, functions and fits with every objective and
 * optimiser. Most compile, so they reach the runtime, the stdlib objectives and the fit loop, where the
 * mutation fuzzer's inputs mostly stop at the parser. The property is {@link MutationFuzzTest}'s: exit 0, 1 or
 * 2 with a positioned message, no stack trace, no hang ({@link Ppl.Result#violation()}).
 *
 * <p>Default: {@value #CHECK_TRIES} programs through {@code check} and {@value #RUN_TRIES} through {@code run};
 * {@code -Pslow} multiplies both by {@value #SLOW_FACTOR} (10,000 programs in all).
 */
@AddLifecycleHook(value = GrammarFuzzTest.Scale.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class GrammarFuzzTest {
    static final int CHECK_TRIES = 100;
    static final int RUN_TRIES = 100;
    static final int SLOW_FACTOR = 50;

    @Property(tries = CHECK_TRIES, seed = "20261206", shrinking = ShrinkingMode.OFF)
    void checkSurvivesGeneratedPrograms(@ForAll("generated") String text) {
        Outcomes.verdict("checkSurvivesGeneratedPrograms", Ppl.check(text), "generated program");
    }

    @Property(tries = RUN_TRIES, seed = "20261207", shrinking = ShrinkingMode.OFF)
    void runSurvivesGeneratedPrograms(@ForAll("generated") String text) {
        Outcomes.verdict("runSurvivesGeneratedPrograms", Ppl.run(text), "generated program");
    }

    @AfterContainer
    static void report() {
        Outcomes.write();
    }

    @Provide
    Arbitrary<String> generated() {
        return Arbitraries.randomValue(r -> new Generator(r).program());
    }

    /** The mutation suite's scaling, {@value #SLOW_FACTOR} times under {@code -Pslow}. */
    static final class Scale extends MutationFuzzTest.Scale {
        @Override
        int slowFactor() {
            return SLOW_FACTOR;
        }
    }

    /** A random program following the grammar (with deliberate slips in values, names and shapes). */
    static final class Generator {
        private static final List<String> DISTRIBUTIONS = List.of("normal(A, P)", "lognormal(A, P)", "halfnormal(P)",
                "cauchy(A, P)", "halfcauchy(P)", "studentt(P, A, P)", "exponential(P)", "gamma(P, P)", "beta(P, P)",
                "uniform(A, A)", "bernoulli(U)", "binomial(N, U)", "poisson(P)", "geometric(U)",
                "categorical(V)", "categorical(logits: V)", "dirichlet(V)", "mvnormal_diag(V, V)");
        private static final List<String> NUMBERS = List.of("0", "1", "-1", "0.5", "2.5", "-3", "1e308", "-1e308",
                "1e-300", "1e10", "2147483647", "2147483648", "46341", "log(-1)", "1e400", "log(0)", "3", "10");
        private static final List<String> FUNCTIONS = List.of("log", "exp", "sqrt", "abs", "sigmoid", "softplus",
                "sum", "mean", "tanh");
        private static final List<String> OBJECTIVES = List.of("elbo(m(), g(), OBS)", "iwae(m(), g(), OBS, K)",
                "renyi(m(), g(), OBS, U, K)", "vimco(m(), g(), OBS, K)", "elbo(m(), m(), OBS)");
        private static final List<String> STRATEGIES = List.of("", " by path", " by reinforce", " by enum", " by mvd",
                " by relax(0.5)", " by straight_through", " by reinforce(baseline: leave_one_out)",
                " by reinforce(baseline: running_mean(0.9))");

        private final Random r;
        private int names;
        private final java.util.ArrayList<String> defined = new java.util.ArrayList<>();

        Generator(Random r) {
            this.r = r;
        }

        private <T> T pick(List<T> xs) {
            return xs.get(r.nextInt(xs.size()));
        }

        private boolean chance(int percent) {
            return r.nextInt(100) < percent;
        }

        String program() {
            StringBuilder sb = new StringBuilder();
            List<String> sites = List.of("x", "y", "z", "w");
            int n = 1 + r.nextInt(3);
            sb.append("model m() {\n");
            for (int i = 0; i < n; i++) {
                sb.append("  ").append(sites.get(i)).append(" ~ ").append(distribution()).append('\n');
            }
            if (chance(20)) {
                sb.append("  for i in 0..").append(pick(List.of("0", "2", "3", "-1"))).append(" {\n    o[i] ~ ")
                        .append(distribution()).append("\n  }\n");
            }
            sb.append("}\n");
            sb.append("model g() {\n");
            int params = r.nextInt(3);
            for (int i = 0; i < params; i++) {
                sb.append("  param p").append(i).append(" = ").append(pick(List.of("0.5", "1.0", "-1.0", "[1.0, 2.0]",
                        "zeros(2)", "log(-1)"))).append(pick(List.of("", "", " : positive", " : positive", " : unit_interval",
                        " : unit_interval", " : nonsense"))).append('\n');
            }
            int guideSites = chance(15) ? n + 1 : chance(15) ? Math.max(0, n - 1) : n;
            for (int i = 0; i < guideSites && i < sites.size(); i++) {
                String arg = params > 0 && chance(60) ? "p" + r.nextInt(params) : number();
                String d = chance(70) ? pick(DISTRIBUTIONS).replaceFirst("[APUV]", arg) : distribution();
                sb.append("  ").append(sites.get(i)).append(" ~ ").append(fill(d)).append(chance(20) ? pick(STRATEGIES) : "")
                        .append('\n');
            }
            sb.append("}\n");
            int statements = r.nextInt(4);
            for (int i = 0; i < statements; i++) {
                sb.append(statement(0));
            }
            String obs = chance(50) ? "choices {}" : "choices { " + pick(sites) + ": " + number() + " }";
            String objective = pick(OBJECTIVES).replace("OBS", obs).replace("K", pick(List.of("1", "2", "3", "0")))
                    .replace("U", pick(List.of("0.5", "1", "2")));
            sb.append("let q = fit(").append(objective);
            if (chance(70)) {
                sb.append(", optimizer: ").append(pick(List.of("adam(0.05)", "sgd(0.1)", "adam(1e6)", "sgd(1e308)",
                        "adam(-1)", "sgd(0)")));
            }
            sb.append(", steps: ").append(pick(List.of("3", "0", "1e10", "-1", "2.5")));
            if (chance(40)) {
                sb.append(", particles: ").append(pick(List.of("1", "2", "0")));
            }
            if (chance(30)) {
                sb.append(", samples: ").append(pick(List.of("5", "1", "0")));
            }
            sb.append(")\n");
            if (chance(60)) {
                sb.append(pick(List.of("print(q.params)\n", "print(q.posterior)\n", "print(q.objective.final)\n",
                        "print(q.nope)\n", "summary()\n")));
            }
            return sb.toString();
        }

        private String distribution() {
            return fill(pick(DISTRIBUTIONS));
        }

        /** A, P, U, N and V become arbitrary, positive, unit, count and vector arguments (sometimes wrong). */
        private String fill(String template) {
            StringBuilder sb = new StringBuilder();
            for (char c : template.toCharArray()) {
                switch (c) {
                    case 'A' -> sb.append(chance(80) ? pick(List.of("0", "1", "-2", "0.3")) : number());
                    case 'P' -> sb.append(chance(80) ? pick(List.of("1", "2", "0.5")) : number());
                    case 'U' -> sb.append(chance(80) ? pick(List.of("0.3", "0.5", "0.9")) : number());
                    case 'N' -> sb.append(chance(80) ? pick(List.of("3", "5")) : number());
                    case 'V' -> sb.append(pick(List.of("[0.2, 0.3, 0.5]", "[1.0, 1.0]", "[0.5, 0.6]", "ones(3)",
                            "[]", "zeros(2)", "[1, -1]")));
                    default -> sb.append(c);
                }
            }
            return sb.toString();
        }

        private String number() {
            return pick(NUMBERS);
        }

        private String statement(int depth) {
            String name = "v" + (names++);
            switch (depth > 0 ? 4 : r.nextInt(5)) {
                case 0, 1 -> {
                    String e = expression(0);
                    defined.add(name);
                    return "let " + name + " = " + e + "\n";
                }
                case 2 -> {
                    return "fn f" + name + "(a) {\n  return " + expression(1) + " + a\n}\nprint(f" + name + "("
                            + expression(1) + "))\n";
                }
                case 3 -> {
                    return "for i in 0.." + pick(List.of("2", "3", "0")) + " {\n  " + statement(depth + 1) + "}\n";
                }
                default -> {
                    return "print(" + expression(0) + ")\n";
                }
            }
        }

        private String expression(int depth) {
            if (depth > 3 || chance(30)) {
                return chance(60) || defined.isEmpty() ? (chance(97) ? number() : "nope") : pick(defined);
            }
            return switch (r.nextInt(8)) {
                case 0 -> expression(depth + 1) + " " + pick(List.of("+", "-", "*", "/", "^", "@", "%")) + " "
                        + expression(depth + 1);
                case 1 -> pick(FUNCTIONS) + "(" + expression(depth + 1) + ")";
                case 2 -> pick(List.of("zeros", "ones", "eye")) + "(" + pick(List.of("3", "2, 2", "1e10", "46341",
                        "-1", "0", "2147483648")) + ")";
                case 3 -> "[" + expression(depth + 1) + ", " + expression(depth + 1) + "]";
                case 4 -> expression(depth + 1) + "[" + pick(List.of("0", "1", "5", "-1", "2147483648", "0.5")) + "]";
                case 5 -> "(" + expression(depth + 1) + ")";
                case 6 -> "tensor([" + expression(depth + 1) + ", " + expression(depth + 1) + "])";
                default -> "-" + expression(depth + 1);
            };
        }
    }
}
