package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.SumOfProducts;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.TapeNode;

/**
 * Builds the surrogate of one estimate from its runs (DESIGN.md section 2). The objective's value is split
 * into additive terms ({@link Tape#decompose}); each term is multiplied by DiCE's magic box of the
 * score-function choices it depends on ({@link Tape#dependenciesOf}), so a choice's score reaches only the
 * terms downstream of it (Rao-Blackwellisation). A term that depends on enumerated choices is replaced by its
 * exact expectation over their group's joint support ({@link EnumerationPlan}), computed from replays of the
 * program in which the groups move in lockstep; a term that depends on one measure-valued choice adds the
 * weak-derivative term c (f(x+) - f(x-)) (theta - stop theta).
 */
public final class SurrogateBuilder {
    /**
     * The surrogate (whose gradient is the estimate), the objective value it estimates, and its score-function
     * terms with the cost each multiplies, to which {@link #withBaselines} adds baselines.
     */
    public record Result(Object surrogate, double value, List<ScoreTerm> scores) {
        public Result(Object surrogate, double value) {
            this(surrogate, value, List.of());
        }
    }

    /** A score-function choice of a run and the sum of the terms downstream of it (what its score multiplies). */
    public record ScoreTerm(Choice choice, double downstream) {
    }

    private SurrogateBuilder() {
    }

    /**
     * The runs r = 0..R-1 of the {@link EnumerationPlan} of run 0 combined term by term (one run when nothing is
     * replayed). Returns null when they cannot be: a decision depended on a random choice, the runs' structures
     * differ, a term depends on a measure-valued choice and another replayed one, or the plan needs more runs.
     */
    public static Result lockstep(List<ObjectiveRun> runs, List<Object> values, boolean raoBlackwellize) {
        ObjectiveRun first = runs.get(0);
        if (first.tape().controlDependent()) {
            return first.hasReplayed() ? null : plain(first, values.get(0));
        }
        if (!raoBlackwellize && !first.hasReplayed()) {
            return plain(first, values.get(0));
        }
        Tape.Decomposition d0 = decomposition(first, values.get(0), raoBlackwellize);
        EnumerationPlan plan = first.hasReplayed() ? EnumerationPlan.of(first, d0.terms()) : null;
        if (first.hasReplayed() && (plan == null || plan.rounds() > runs.size())) {
            return null;
        }
        return lockstep(runs, values, raoBlackwellize, plan, d0);
    }

    /** The additive terms of a run's value: split through sums (Rao-Blackwellised), or the value whole. */
    public static Tape.Decomposition decomposition(ObjectiveRun run, Object value, boolean raoBlackwellize) {
        return raoBlackwellize ? Tape.decompose(value, run.selfDensities()) : whole(value);
    }

    /**
     * The runs of an {@link EnumerationPlan} (run r puts each group of enumerated choices at its r-th joint value)
     * combined term by term; {@code first} is the decomposition of run 0's value. A term that depends on a group's
     * choices becomes its exact expectation over the group's joint support, one run per joint value. Returns null
     * when the runs cannot be combined so: a decision depended on a random choice, or the runs' structures differ
     * (then the caller falls back to enumerating every joint value of every choice).
     */
    public static Result lockstep(List<ObjectiveRun> runs, List<Object> values, boolean raoBlackwellize,
            EnumerationPlan plan, Tape.Decomposition first0) {
        ObjectiveRun first = runs.get(0);
        Tape tape = first.tape();
        if (tape.controlDependent()) {
            return first.hasReplayed() ? null : plain(first, values.get(0));
        }
        List<Tape.Decomposition> parts = new ArrayList<>();
        parts.add(first0);
        for (int r = 1; r < runs.size(); r++) {
            Tape.Decomposition d = decomposition(runs.get(r), values.get(r), raoBlackwellize);
            if (d.terms().size() != first0.terms().size() || !plan.matches(runs.get(r))) {
                return null;
            }
            parts.add(d);
        }
        List<Choice> choices = first.choices();
        SumOfProducts sum = new SumOfProducts();
        sum.add(first0.constant());
        double value = first0.constant();
        double[] downstream = new double[choices.size()];
        Boxes boxes = new Boxes();
        // exp(log q(value j)) of each enumerated choice, and exp(log q(joint value a)) of each group of several,
        // shared by the terms that depend on them
        Object[][] weights = new Object[choices.size()][];
        Object[][] groupWeights = plan == null ? null : new Object[choices.size()][];
        Set<TapeNode> selfDensities = first.selfDensities();
        List<TapeNode> terms0 = first0.terms();
        double[] coefficients0 = first0.coefficients();
        int terms = terms0.size();
        for (int t = 0; t < terms; t++) {
            double k = coefficients0[t];
            TapeNode term0 = terms0.get(t);
            BitSet d = tape.dependenciesOf(term0);
            Choice measureValued = null;
            int group = -1;
            boolean scored = false;
            if (d != null) {
                for (int bit = d.nextSetBit(0); bit >= 0; bit = d.nextSetBit(bit + 1)) {
                    Choice c = choices.get(bit);
                    if (c.kind() == Choice.Kind.SCORE) {
                        scored = true;
                    } else if (c.kind() == Choice.Kind.MVD) {
                        if (measureValued != null || group >= 0) {
                            return null;
                        }
                        measureValued = c;
                    } else {
                        int g = plan.groupOf(bit);
                        if (measureValued != null || (group >= 0 && g != group)) {
                            return null;
                        }
                        group = g;
                    }
                }
            }
            if (group < 0) {
                // a score-function choice's own density: keep its score term, drop its zero-mean direct gradient
                Object factor = !selfDensities.isEmpty() && selfDensities.contains(term0) ? AD.detach(term0) : term0;
                double termValue = k * term0.scalar();
                if (scored) {
                    sum.add(k, factor, boxes.of(d, first));
                    addDownstream(downstream, d, choices, termValue);
                } else {
                    sum.add(k, factor);
                }
                value += termValue;
                if (measureValued != null) {
                    sum.add(1.0, weakDerivativeTerm(measureValued, runs, parts, t, k));
                }
                continue;
            }
            int[] members = plan.members(group);
            Object[] w;
            if (members.length == 1) {
                Choice e = choices.get(members[0]);
                w = weights[e.bit()];
                if (w == null) {
                    w = new Object[e.values().size()];
                    for (int j = 0; j < w.length; j++) {
                        w[j] = AD.exp(e.logProbs().get(j));
                    }
                    weights[e.bit()] = w;
                }
            } else {
                w = groupWeights[group];
                if (w == null) {
                    w = jointWeights(runs, members, plan.jointSize(group));
                    groupWeights[group] = w;
                }
            }
            double expected = 0;
            for (int j = 0; j < w.length; j++) {
                TapeNode term = parts.get(j).terms().get(t);
                ObjectiveRun run = runs.get(j);
                sum.add(k, w[j], term, run.hasScored() ? boxes.of(tape.dependenciesOf(term), run) : 1.0);
                expected += AD.scalarValue(w[j]) * k * term.scalar();
            }
            value += expected;
            if (scored) {
                addDownstream(downstream, d, choices, expected);
            }
        }
        return new Result(sum.build(), value, scoreTerms(choices, downstream));
    }

    /** q(joint value a) of a group, a = 0..size-1: the product of its members' probabilities in run a. */
    private static Object[] jointWeights(List<ObjectiveRun> runs, int[] members, int size) {
        Object[] w = new Object[size];
        for (int a = 0; a < size; a++) {
            List<Choice> choices = runs.get(a).choices();
            Object logWeight = 0.0;
            for (int bit : members) {
                logWeight = AD.add(logWeight, choices.get(bit).logProb());
            }
            w[a] = AD.exp(logWeight);
        }
        return w;
    }

    /** Everything the objective returns as one term: plain DiCE without Rao-Blackwellisation. */
    private static Tape.Decomposition whole(Object v) {
        if (!(v instanceof TapeNode node)) {
            return new Tape.Decomposition(AD.scalarValue(v), List.of(), new double[0]);
        }
        return new Tape.Decomposition(0, List.of(node), new double[] {1});
    }

    /** v * box(sum of all scores) + baselines: sound whatever the program does. */
    public static Result plain(ObjectiveRun run, Object v) {
        List<Choice> scores = run.choices();
        double value = AD.scalarValue(v);
        if (scores.isEmpty()) {
            return new Result(v, value);
        }
        Object total = 0.0;
        for (Choice c : scores) {
            total = AD.add(total, c.logProb());
        }
        Object surrogate = AD.mul(v, AD.magicBox(total));
        double[] downstream = new double[scores.size()];
        java.util.Arrays.fill(downstream, value);
        return new Result(surrogate, value, scoreTerms(scores, downstream));
    }

    /**
     * Magic boxes of the scores of sets of choices, shared by the terms of one run that depend on the same
     * scored choices. A set of one choice (the usual case: a local choice and its own terms) is found by its
     * number, larger sets by value.
     */
    private static final class Boxes {
        private final Map<ObjectiveRun, Object[]> single = new java.util.IdentityHashMap<>();
        private final Map<BoxKey, Object> several = new HashMap<>();

        /** box(sum of the scores of the score-function choices in d) for {@code run}; 1 when there are none. */
        Object of(BitSet d, ObjectiveRun run) {
            if (d == null) {
                return 1.0;
            }
            List<Choice> choices = run.choices();
            int only = -1;
            BitSet scores = null;
            for (int bit = d.nextSetBit(0); bit >= 0; bit = d.nextSetBit(bit + 1)) {
                if (choices.get(bit).kind() != Choice.Kind.SCORE) {
                    continue;
                }
                if (only < 0 && scores == null) {
                    only = bit;
                } else {
                    if (scores == null) {
                        scores = new BitSet();
                        scores.set(only);
                    }
                    scores.set(bit);
                }
            }
            if (only < 0) {
                return 1.0;
            }
            if (scores == null) {
                Object[] boxes = single.computeIfAbsent(run, r -> new Object[choices.size()]);
                Object box = boxes[only];
                if (box == null) {
                    box = AD.magicBox(choices.get(only).logProb());
                    boxes[only] = box;
                }
                return box;
            }
            BitSet key = scores;
            return several.computeIfAbsent(new BoxKey(run, key), k -> {
                Object total = 0.0;
                for (int bit = key.nextSetBit(0); bit >= 0; bit = key.nextSetBit(bit + 1)) {
                    total = AD.add(total, choices.get(bit).logProb());
                }
                return AD.magicBox(total);
            });
        }
    }

    /** A set of several scored choices of one run. */
    private record BoxKey(ObjectiveRun run, BitSet scores) {
        @Override
        public boolean equals(Object o) {
            return o instanceof BoxKey k && k.run == run && k.scores.equals(scores);
        }

        @Override
        public int hashCode() {
            // BitSet's own hash folds bits b and b + 32 together; mix the words instead
            long h = System.identityHashCode(run);
            long[] words = scores.toLongArray();
            for (long w : words) {
                h = h * 0x9E3779B97F4A7C15L + w;
            }
            return (int) (h ^ (h >>> 32));
        }
    }

    private static void addDownstream(double[] downstream, BitSet d, List<Choice> choices, double cost) {
        if (d == null) {
            return;
        }
        for (int bit = d.nextSetBit(0); bit >= 0; bit = d.nextSetBit(bit + 1)) {
            if (choices.get(bit).kind() == Choice.Kind.SCORE) {
                downstream[bit] += cost;
            }
        }
    }

    /** sum over weak-derivative terms of stop(k c (f(x+) - f(x-))) (theta - stop theta), f this term's value. */
    private static Object weakDerivativeTerm(Choice m, List<ObjectiveRun> runs, List<Tape.Decomposition> parts,
            int t, double k) {
        Object total = 0.0;
        int index = 1;
        for (org.ppl4j.runtime.dist.Distribution.WeakDerivative w : m.weak()) {
            double plus = termValue(parts, index++, t);
            double minus = 0;
            if (w.negative() != null) {
                minus = termValue(parts, index++, t);
            }
            double coefficient = k * w.constant() * (plus - minus);
            Object theta = w.parameter();
            total = AD.add(total, AD.mul(coefficient, AD.sub(theta, AD.value(theta))));
        }
        return total;
    }

    private static double termValue(List<Tape.Decomposition> parts, int run, int t) {
        return parts.get(Math.min(run, parts.size() - 1)).terms().get(t).scalar();
    }

    private static List<ScoreTerm> scoreTerms(List<Choice> choices, double[] downstream) {
        List<ScoreTerm> terms = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            if (choices.get(i).kind() == Choice.Kind.SCORE) {
                terms.add(new ScoreTerm(choices.get(i), downstream[i]));
            }
        }
        return terms;
    }

    /**
     * Adds (1 - box(l)) b for each score term of each particle, then lets the baselines learn. A leave-one-out
     * baseline is the mean downstream cost of the same site in the other particles (VIMCO-style); the others
     * keep state across estimates. Every baseline is independent of the sample it is subtracted from.
     */
    public static List<Result> withBaselines(List<Result> particles, BaselineStore store) {
        Map<String, List<double[]>> costs = new HashMap<>();
        for (int j = 0; j < particles.size(); j++) {
            for (ScoreTerm t : particles.get(j).scores()) {
                costs.computeIfAbsent(t.choice().site().key(), k -> new ArrayList<>()).add(new double[] {j, t.downstream()});
            }
        }
        List<Result> out = new ArrayList<>();
        for (int j = 0; j < particles.size(); j++) {
            Result r = particles.get(j);
            Object surrogate = r.surrogate();
            for (ScoreTerm t : r.scores()) {
                Baseline baseline = t.choice().baseline();
                String key = t.choice().site().key();
                double b = baseline.acrossParticles() ? leaveOneOut(costs.get(key), j) : baseline.value(key, store);
                if (b != 0) {
                    surrogate = AD.add(surrogate, AD.mul(AD.sub(1.0, AD.magicBox(t.choice().logProb())), b));
                }
                Object learning = baseline.learningTerm(t.downstream());
                if (learning != null) {
                    surrogate = AD.add(surrogate, learning);
                }
            }
            out.add(new Result(surrogate, r.value(), r.scores()));
        }
        for (Result r : particles) {
            for (ScoreTerm t : r.scores()) {
                t.choice().baseline().observe(t.choice().site().key(), t.downstream(), store);
            }
        }
        return out;
    }

    private static double leaveOneOut(List<double[]> costs, int particle) {
        double sum = 0;
        int n = 0;
        for (double[] c : costs) {
            if (c[0] != particle) {
                sum += c[1];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }
}
