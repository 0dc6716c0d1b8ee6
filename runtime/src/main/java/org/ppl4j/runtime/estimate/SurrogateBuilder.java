package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.ad.SumOfProducts;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.TapeNode;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;

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

    /**
     * A score-function choice of a run and the sum of the terms downstream of it (what its score multiplies); for a
     * choice with independent elements, also each element's own downstream cost ({@code elementCosts}, row-major
     * over the elements), else null.
     */
    public record ScoreTerm(Choice choice, double downstream, double[] elementCosts) {
        public ScoreTerm(Choice choice, double downstream) {
            this(choice, downstream, null);
        }
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
        double[][] elementDownstream = elementCosts(choices);
        Elements elements = Elements.any(choices) ? new Elements(first, choices) : null;
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
                    BitSet whole = d;
                    if (elementDownstream != null) {
                        whole = elements.split(term0, d, k, sum, downstream, elementDownstream);
                    }
                    sum.add(k, factor, boxes.of(whole, first));
                    addDownstream(downstream, elementDownstream, whole, choices, termValue);
                } else {
                    sum.add(k, factor);
                }
                value += termValue;
                if (measureValued != null) {
                    sum.add(1.0, measureValued.elementLogProb() != null
                            ? elements.weakDerivativeTerm(measureValued, t, term0, k, parts)
                            : weakDerivativeTerm(measureValued, runs, parts, t, k));
                }
                continue;
            }
            int[] members = plan.members(group);
            Choice batched = elements == null ? null : elements.enumerated(members);
            if (batched != null) {
                double expected = elements.expectation(batched, t, term0, k, runs, parts, sum, boxes);
                value += expected;
                if (scored) {
                    addDownstream(downstream, elementDownstream, d, choices, expected);
                }
                continue;
            }
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
                addDownstream(downstream, elementDownstream, d, choices, expected);
            }
        }
        return new Result(sum.build(), value, scoreTerms(choices, downstream, elementDownstream));
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
        double[][] elementDownstream = elementCosts(scores);
        if (elementDownstream != null) {
            for (double[] e : elementDownstream) {
                if (e != null) {
                    java.util.Arrays.fill(e, value);
                }
            }
        }
        return new Result(surrogate, value, scoreTerms(scores, downstream, elementDownstream));
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
                Object[] boxes = single.get(run); // not computeIfAbsent: a capturing lambda per call (AD's comment)
                if (boxes == null) {
                    boxes = new Object[choices.size()];
                    single.put(run, boxes);
                }
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

    /** A term whose value every element of a choice in d sees whole (it mixes them): each element's cost. */
    private static void addDownstream(double[] downstream, double[][] elementDownstream, BitSet d,
            List<Choice> choices, double cost) {
        if (d == null) {
            return;
        }
        for (int bit = d.nextSetBit(0); bit >= 0; bit = d.nextSetBit(bit + 1)) {
            if (choices.get(bit).kind() == Choice.Kind.SCORE) {
                downstream[bit] += cost;
                if (elementDownstream != null && elementDownstream[bit] != null) {
                    double[] e = elementDownstream[bit];
                    for (int i = 0; i < e.length; i++) {
                        e[i] += cost;
                    }
                }
            }
        }
    }

    /** Zeros for each choice with independent elements, one per element; null when there is none. */
    private static double[][] elementCosts(List<Choice> choices) {
        double[][] out = null;
        for (Choice c : choices) {
            if (c.kind() == Choice.Kind.SCORE && c.elementLogProb() != null) {
                if (out == null) {
                    out = new double[choices.size()][];
                }
                out[c.bit()] = new double[c.elementCount()];
            }
        }
        return out;
    }

    /**
     * The score-function choices of a run with independent elements, and which terms depend on them element by
     * element (DESIGN.md section 2, "Independence is part of the contract").
     */
    private static final class Elements {
        private final Tape.Alignment alignment;
        private final List<Choice> choices;
        private final BitSet perElement = new BitSet();
        /** exp(l - stop(l)) elementwise, by choice, made once. */
        private final Object[] boxes;

        Elements(ObjectiveRun run, List<Choice> choices) {
            this.choices = choices;
            int[] axes = new int[choices.size()];
            for (Choice c : choices) {
                if (c.elementLogProb() != null) {
                    perElement.set(c.bit());
                    axes[c.bit()] = c.elements().length;
                }
            }
            this.alignment = run.tape().alignment(perElement, axes);
            this.boxes = new Object[choices.size()];
        }

        /** Whether some choice of the run has independent elements. */
        static boolean any(List<Choice> choices) {
            for (Choice c : choices) {
                if (c.elementLogProb() != null) {
                    return true;
                }
            }
            return false;
        }

        /** The enumerated choice with independent elements of a group, or null when the group has none. */
        Choice enumerated(int[] members) {
            Choice found = null;
            for (int bit : members) {
                if (choices.get(bit).elementLogProb() != null) {
                    found = choices.get(bit);
                }
            }
            if (found != null && members.length > 1) {
                throw new IllegalArgumentException("enum: the tensor choice " + found.site().address()
                        + " shares a term of the objective with another enumerated choice; enumerating independent"
                        + " elements jointly with other choices is not supported: use reinforce or mvd for one of"
                        + " them");
            }
            return found;
        }

        /**
         * The exact expectation of term t over an enumerated choice with independent elements, element by element:
         * sum_e sum_r q_e(r) t_e(r), where run r puts every element at its r-th value and t_e(r) is element e's part
         * of t in run r. Needs t to keep all the choice's independent axes (else the runs are not the joint values
         * the term sees: an error).
         */
        double expectation(Choice e, int t, TapeNode term0, double k, List<ObjectiveRun> runs,
                List<Tape.Decomposition> parts, SumOfProducts sum, Boxes boxes) {
            int axes = e.elements().length;
            TensorVar summed0 = Tape.summed(term0);
            if (summed0 == null || alignment.kept(summed0, e.bit()) < axes) {
                throw new IllegalArgumentException("enum on the tensor choice " + e.site().address() + " (elements "
                        + java.util.Arrays.toString(e.elements()) + "): a term of the objective mixes its independent"
                        + " elements (a sum over the data axis, a product across it, a scalar taken from several);"
                        + " enumeration runs all elements together, so it needs every term to keep them apart."
                        + " Use reinforce, or one choice per element");
            }
            double expected = 0;
            for (int j = 0; j < e.values().size(); j++) {
                TapeNode term = parts.get(j).terms().get(t);
                TensorVar summed = Tape.summed(term);
                Object own = summed == null ? null : Tape.trackedSummands(summed);
                if (own == null) {
                    throw new IllegalArgumentException("enum on the tensor choice " + e.site().address()
                            + ": a term of the objective changed form between its runs");
                }
                for (int axis = AD.tensorValue(own).rank() - 1; axis >= axes; axis--) {
                    own = AD.sumAxis(own, axis, false);
                }
                Object weighted = AD.sum(AD.mul(AD.exp(e.logProbs().get(j)), own));
                ObjectiveRun run = runs.get(j);
                Tape tape = run.tape();
                sum.add(k, weighted, run.hasScored() ? boxes.of(tape.dependenciesOf(term), run) : 1.0);
                expected += k * AD.scalarValue(weighted);
            }
            return expected;
        }

        /**
         * The weak-derivative term of a measure-valued choice with independent elements for term {@code k * t}:
         * sum over the entries u of an element, the elements e and the weak-derivative terms j of
         * stop(k c_j (t_e(x+_uj) - t_e(x-_uj))) (theta_euj - stop theta_euj), t_e element e's part of t in the run
         * of that coupled value ({@link EntryCouplings}; 0 for an absent x-). A run moves entry u of every element at
         * once, which is each element's own coupling only where t keeps all the choice's independent axes (else an
         * error: the objective does not separate along them).
         */
        Object weakDerivativeTerm(Choice m, int t, TapeNode term0, double k, List<Tape.Decomposition> parts) {
            int[] elements = m.elements();
            TensorVar summed0 = Tape.summed(term0);
            if (summed0 == null || alignment.kept(summed0, m.bit()) < elements.length) {
                throw new IllegalArgumentException("mvd on the tensor choice " + m.site().address() + " (elements "
                        + java.util.Arrays.toString(elements) + "): a term of the objective mixes its independent"
                        + " elements (a sum over the data axis, a product across it, a scalar taken from several),"
                        + " so the objective does not separate along them and the elements' couplings cannot run"
                        + " together. Use reinforce, or one choice per element");
            }
            int[] shape = AD.tensorValue(m.values().get(0)).shape();
            int count = Tensor.numel(elements);
            int perElement = Tensor.numel(shape) / count;
            List<Distribution.WeakDerivative> terms = m.weak();
            int[][][] index = EntryCouplings.index(AD.tensorValue(m.values().get(0)), perElement, terms);
            Object surrogate = 0.0;
            for (int j = 0; j < terms.size(); j++) {
                Distribution.WeakDerivative w = terms.get(j);
                double[] coefficients = new double[count * perElement];
                for (int u = 0; u < perElement; u++) {
                    double[] plus = elementValues(m, parts, index[u][j][0], t, elements);
                    int minusRun = index[u][j][1];
                    double[] minus = minusRun == EntryCouplings.NONE ? new double[count]
                            : elementValues(m, parts, minusRun, t, elements);
                    for (int e = 0; e < count; e++) {
                        coefficients[e * perElement + u] = k * w.constant() * (plus[e] - minus[e]);
                    }
                }
                Object theta = w.parameter();
                surrogate = AD.add(surrogate,
                        AD.sum(AD.mul(new Tensor(shape, coefficients), AD.sub(theta, AD.value(theta)))));
            }
            return surrogate;
        }

        /** Each element's part of term t in run r (its summands summed over the element's own entries). */
        private static double[] elementValues(Choice m, List<Tape.Decomposition> parts, int r, int t, int[] elements) {
            TensorVar summed = r < parts.size() ? Tape.summed(parts.get(r).terms().get(t)) : null;
            Tensor own = summed == null ? null : leading(Tape.summands(summed), elements);
            if (own == null) {
                throw new IllegalArgumentException("mvd on the tensor choice " + m.site().address() + ": a term of"
                        + " the objective changed form between its runs");
            }
            return own.toArray();
        }

        /**
         * For a term {@code k * t} that depends on the choices {@code d}: for each per-element choice whose leading
         * a >= 1 axes t keeps (t sums a tensor whose leading a axes are the choice's, every operation in between
         * keeping them), the surrogate gets sum_g stop(k t_g) (box(l_g) - 1), g over the groups of elements that
         * share their first a indices (each element itself when a is all its independent axes), l_g the sum of
         * their scores: group g's score multiplies t_g only, and each element's cost is its group's t_g. Returns
         * the choices whose score multiplies t whole.
         */
        BitSet split(TapeNode term, BitSet d, double k, SumOfProducts sum, double[] downstream,
                double[][] elementDownstream) {
            if (!d.intersects(perElement)) {
                return d;
            }
            TensorVar summed = Tape.summed(term);
            if (summed == null) {
                return d;
            }
            BitSet whole = null;
            Tensor parts = null;
            for (int bit = d.nextSetBit(0); bit >= 0; bit = d.nextSetBit(bit + 1)) {
                if (!perElement.get(bit) || choices.get(bit).kind() != Choice.Kind.SCORE) {
                    continue;
                }
                int a = alignment.kept(summed, bit);
                if (a < 1) {
                    continue;
                }
                Choice c = choices.get(bit);
                int[] shape = c.elements();
                if (parts == null) {
                    parts = Tape.summands(summed);
                }
                Tensor own = leading(parts, java.util.Arrays.copyOf(shape, a));
                if (own == null) {
                    continue;
                }
                Tensor costs = own.scale(k);
                sum.add(1.0, AD.sum(AD.mul(costs, box(c, a))));
                // each element's cost: its group's value, repeated over the axes the term mixes
                double[] cd = costs.toArray();
                double[] e = elementDownstream[bit];
                int repeat = e.length / cd.length;
                double total = 0;
                for (int i = 0; i < e.length; i++) {
                    e[i] += cd[i / repeat];
                }
                for (double v : cd) {
                    total += v;
                }
                downstream[bit] += total;
                if (whole == null) {
                    whole = (BitSet) d.clone();
                }
                whole.clear(bit);
            }
            return whole == null ? d : whole;
        }

        /** box(l_g) - 1 for the groups of a choice's elements that share their first a indices, made once. */
        private Object box(Choice c, int a) {
            Object[] byDepth = boxes[c.bit()] == null ? null : (Object[]) boxes[c.bit()];
            if (byDepth == null) {
                byDepth = new Object[c.elements().length + 1];
                boxes[c.bit()] = byDepth;
            }
            if (byDepth[a] == null) {
                Object l = c.elementLogProb();
                for (int axis = c.elements().length - 1; axis >= a; axis--) {
                    l = AD.sumAxis(l, axis, false);
                }
                byDepth[a] = AD.sub(AD.exp(AD.sub(l, AD.detach(l))), 1.0);
            }
            return byDepth[a];
        }

        /** The values summed over all but the leading axes of {@code shape}; null when those axes are not theirs. */
        private static Tensor leading(Tensor parts, int[] shape) {
            if (parts.rank() < shape.length) {
                return null;
            }
            for (int i = 0; i < shape.length; i++) {
                if (parts.dim(i) != shape[i]) {
                    return null;
                }
            }
            Tensor t = parts;
            for (int axis = t.rank() - 1; axis >= shape.length; axis--) {
                t = t.sumAxis(axis);
            }
            return t;
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

    private static List<ScoreTerm> scoreTerms(List<Choice> choices, double[] downstream, double[][] elements) {
        List<ScoreTerm> terms = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            if (choices.get(i).kind() == Choice.Kind.SCORE) {
                terms.add(new ScoreTerm(choices.get(i), downstream[i], elements == null ? null : elements[i]));
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
                if (t.elementCosts() != null) {
                    if (t.choice().baseline().acrossParticles()) {
                        String key = t.choice().site().key();
                        double[] e = t.elementCosts();
                        for (int i = 0; i < e.length; i++) {
                            costs.computeIfAbsent(elementKey(key, i), k -> new ArrayList<>()).add(new double[] {j, e[i]});
                        }
                    }
                    continue;
                }
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
                if (t.elementCosts() != null) {
                    surrogate = withElementBaselines(surrogate, t, baseline, key, costs, j, store);
                    continue;
                }
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
                if (t.elementCosts() != null) {
                    t.choice().baseline().observeElements(t.choice().site().key(), t.elementCosts(), store);
                } else {
                    t.choice().baseline().observe(t.choice().site().key(), t.downstream(), store);
                }
            }
        }
        return out;
    }

    /** The state key of element i of a site with independent elements: {@code guide/z[3]}, as a loop would have. */
    public static String elementKey(String siteKey, int i) {
        return siteKey + "[" + i + "]";
    }

    /**
     * Each element's baseline b_e, from that element's own past costs (or the same element's costs in the other
     * particles): sum_e b_e (1 - box(l_e)) joins the surrogate, with a learned baseline's training term.
     */
    private static Object withElementBaselines(Object surrogate, ScoreTerm t, Baseline baseline, String key,
            Map<String, List<double[]>> costs, int particle, BaselineStore store) {
        double[] e = t.elementCosts();
        double[] b;
        if (baseline.acrossParticles()) {
            b = new double[e.length];
            for (int i = 0; i < e.length; i++) {
                b[i] = leaveOneOut(costs.get(elementKey(key, i)), particle);
            }
        } else {
            b = baseline.elementValues(key, e.length, store);
        }
        boolean any = false;
        for (double v : b) {
            any |= v != 0;
        }
        Object l = t.choice().elementLogProb();
        if (any) {
            Object box = AD.exp(AD.sub(l, AD.detach(l)));
            Tensor bt = new Tensor(AD.tensorValue(l).shape(), b);
            surrogate = AD.add(surrogate, AD.sum(AD.mul(AD.sub(1.0, box), bt)));
        }
        Object learning = baseline.elementLearningTerm(e);
        return learning == null ? surrogate : AD.add(surrogate, learning);
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
