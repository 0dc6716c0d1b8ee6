package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.BatchedSites;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.TraceDistribution;

/**
 * One run of an objective program: the handler of its own random choices ({@code z ~ sim(q)} and
 * primitive ones) and the context strategies report to. The choices it records are what
 * {@link SurrogateBuilder} turns into the surrogate.
 */
public final class ObjectiveRun implements Handler, EstimationContext {
    private final PplContext context;
    private final ParamProvider params;
    private final Tape tape;
    private final Rng rng;
    private final Rng aux;
    private final ReplayPlan plan;
    private final ObjectiveRun base;
    private final List<Choice> choices = new ArrayList<>();
    /** The traces drawn by sim: choice maps, and the traces of vectorised bodies ({@link BatchedTraces}). */
    private final List<Object> traces = new ArrayList<>();
    /** k while a vectorised body of k iterations runs, else 0. */
    private int batch;
    /** The objective this run runs, when it runs one (what the decisions of its vectorised bodies are kept by). */
    private ObjectiveInstance instance;
    private final Set<Site> pathSites = new HashSet<>();
    private final Set<Address> relaxedAddresses = new HashSet<>();
    private int replayed;
    /** The replayed (enum, mvd) choices by their ordinal, for later runs of the same estimate. */
    private final List<Choice> replayedChoices = new ArrayList<>();
    private final java.util.Map<Site, Integer> scoredSites = new java.util.HashMap<>();
    private final Set<org.ppl4j.runtime.ad.TapeNode> selfDensities =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private StrategyOverrides overrides = StrategyOverrides.NONE;
    /** The independent leading axes of the choice being drawn (see {@link EstimationContext#independentAxes}). */
    private int independentAxes;
    private Handler.Iterations iterations; // created by the first replicate or map in the objective
    /**
     * The strategy written at {@code z ~ sim(q) by s}: while q's trace is drawn it replaces the strategy of each
     * of q's choices that s supports (overrides from outside the program still win). Null when not annotated.
     */
    private GradientStrategy traceStrategy;
    /** Where each guide drew each address, for the support checks of the model's densities. */
    private final java.util.Map<Address, Draw> draws = new java.util.HashMap<>();

    /** A guide's draw: its model, distribution and the {@code ~} statement (null if unknown). */
    public record Draw(String owner, Distribution distribution, com.oracle.truffle.api.nodes.Node statement) {
        /** "file:line:col" of the statement, or null: made only for a message (every draw notes one). */
        public String location() {
            return PplContext.location(statement);
        }
    }

    @Override
    public void noteDraw(Site site, Distribution distribution) {
        draws.putIfAbsent(site.address(), new Draw(site.owner(), distribution, context.sampleNode()));
    }

    /** How a guide drew {@code address} in this run, or null if none did (an observed value). */
    public Draw draw(Address address) {
        Draw d = draws.get(address);
        return d != null || base == null ? d : base.draw(address);
    }

    /**
     * Iteration i of {@code replicate} or {@code map} in the objective: the traces drawn keep their addresses
     * (so {@code density(q, z)} reads z as the guide wrote it), but the keys of the sites sampled (for
     * baselines, path and self-density bookkeeping) get the iteration in front: {@code [2]/guide/z}.
     */
    @Override
    public void enterIteration(int i) {
        if (iterations == null) {
            iterations = new Handler.Iterations();
        }
        iterations.enter(i);
    }

    @Override
    public void exitIteration() {
        if (iterations != null) {
            iterations.exit();
        }
    }

    /** The site as this run records it: distinct per iteration of replicate or map. */
    private Site keyed(Site site) {
        return iterations == null || iterations.depth() == 0 ? site
                : new Site(iterations.prefix() + site.owner(), site.address());
    }

    private Site keyed(String owner, Address address) {
        return new Site(iterations == null || iterations.depth() == 0 ? owner : iterations.prefix() + owner, address);
    }

    /** Told when a relaxed (Concrete) value is drawn; see {@link #markConcrete}. */
    private Runnable onConcrete;
    /** Whether relaxed draws are rounded to their discrete values (the hard objective of a relaxed estimate). */
    private boolean hardening;

    /** Calls {@code listener} when this run draws a relaxed value. */
    public ObjectiveRun onConcrete(Runnable listener) {
        this.onConcrete = listener;
        return this;
    }

    /** Makes this (non-differentiating) run round relaxed draws to the discrete values they stand for. */
    public ObjectiveRun hardening() {
        this.hardening = true;
        return this;
    }

    @Override
    public boolean hardens() {
        return hardening;
    }

    @Override
    public void markConcrete(Site site) {
        markRelaxed(site);
        if (onConcrete != null) {
            onConcrete.run();
        }
    }

    /** Strategies given from outside the program, by address pattern. */
    public ObjectiveRun withOverrides(StrategyOverrides o) {
        this.overrides = o;
        return this;
    }

    @Override
    public GradientStrategy strategyFor(Site site, Distribution distribution, GradientStrategy own) {
        GradientStrategy chosen = traceStrategy != null && traceStrategy.supports(distribution.family())
                ? traceStrategy : own;
        return overrides.strategyFor(site, distribution, chosen);
    }

    /**
     * @param tape the gradient tape, or null when only sampling (summaries)
     * @param plan values of replayed choices in this run
     * @param base the first run of the same estimate, whose replayed choices' value lists this run reuses;
     *             null for the first run
     */
    public ObjectiveRun(PplContext context, ParamProvider params, Tape tape, Rng rng, Rng aux, ReplayPlan plan,
            ObjectiveRun base) {
        this.context = context;
        this.params = params;
        this.tape = tape;
        this.rng = rng;
        this.aux = aux;
        this.plan = plan;
        this.base = base;
    }

    /** Runs the objective's body; returns its value v (tracked if it depends on parameters). */
    public Object run(ObjectiveInstance objective) {
        instance = objective;
        return context.withHandler(this, () -> objective.objective().invoke(objective.args()));
    }

    @Override
    public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
        if (distribution instanceof TraceDistribution td) {
            GradientStrategy saved = traceStrategy;
            if (strategy != null && !strategy.name().equals("default")) {
                traceStrategy = strategy;
            }
            ChoiceMap trace;
            try {
                trace = td.model().simulate(context, this, params);
            } finally {
                traceStrategy = saved;
            }
            traces.add(trace);
            return trace;
        }
        Site site = new Site(owner, address);
        Distribution d = (Distribution) distribution;
        GradientStrategy s = strategyFor(site, d, strategy);
        return batch > 0 ? BatchedSites.sample(d, site, s, this, batch) : s.sample(d, site, this);
    }

    @Override
    public ParamProvider params() {
        return params;
    }

    @Override
    public Rng rng() {
        return rng;
    }

    @Override
    public Rng auxRng() {
        return aux;
    }

    @Override
    public boolean differentiating() {
        return tape != null;
    }

    public Tape tape() {
        return tape;
    }

    @Override
    public Object scored(Site site, Object x, Object logProb, Baseline baseline) {
        return scored(site, x, logProb, baseline, null);
    }

    /** A score-function choice; {@code elementLogProb} non-null for one scored per independent element. */
    private Object scored(Site site, Object x, Object logProb, Baseline baseline, Object elementLogProb) {
        if (tape == null) {
            return x;
        }
        site = keyed(site);
        int bit = choices.size();
        choices.add(new Choice(bit, Choice.Kind.SCORE, site, AD.sum(logProb), baseline, null, null, null, -1,
                elementLogProb));
        scoredSites.put(site, bit);
        return tape.source(x, bit, logProb);
    }

    @Override
    public int independentAxes() {
        return independentAxes;
    }

    @Override
    public void setIndependentAxes(int axes) {
        independentAxes = axes;
    }

    @Override
    public Object scoredElements(Site site, Object x, Object elementLogProb, Baseline baseline) {
        return scored(site, x, elementLogProb, baseline, elementLogProb);
    }

    @Override
    public Object enumerated(Site site, Distribution distribution, List<Object> values) {
        return enumerated(site, distribution, values, 0);
    }

    @Override
    public Object enumeratedElements(Site site, Distribution distribution, List<Object> values, int axes) {
        return enumerated(site, distribution, values, axes);
    }

    /** An enumerated choice; with {@code axes} > 0 its log density is kept per independent element. */
    private Object enumerated(Site site, Distribution distribution, List<Object> values, int axes) {
        if (tape == null) {
            return distribution.sample(rng);
        }
        site = keyed(site);
        int ordinal = replayed++;
        int index = plan.index(ordinal, values.size());
        List<Object> logProbs = new ArrayList<>(values.size());
        for (Object v : values) {
            Object l = axes == 0 ? distribution.logDensity(v) : distribution.logDensityPerElement(v, axes);
            if (l == null) {
                throw new IllegalArgumentException(distribution.family().name() + " cannot split its density over"
                        + " the independent elements of " + site.address());
            }
            logProbs.add(l);
        }
        int bit = choices.size();
        Object own = logProbs.get(index);
        Choice choice = axes == 0 ? new Choice(bit, Choice.Kind.ENUM, site, own, null, values, logProbs, null, ordinal)
                : new Choice(bit, Choice.Kind.ENUM, site, AD.sum(own), null, values, logProbs, null, ordinal, own);
        choices.add(choice);
        replayedChoices.add(choice);
        return tape.source(values.get(index), bit, own);
    }

    @Override
    public Object measureValued(Site site, Distribution distribution, Object x) {
        return measureValued(site, distribution, x, null, 0);
    }

    @Override
    public Object measureValuedElements(Site site, Distribution distribution, Object x,
            List<Distribution.WeakDerivative> w, int axes) {
        return measureValued(site, distribution, x, w, axes);
    }

    /**
     * A measure-valued choice: with {@code element} null, one whole (x, then x+ and x- of each weak-derivative
     * term); else a tensor whose leading {@code axes} axes hold independent elements, with each entry's weak
     * derivative {@code element} (see {@link #entryCouplings}) and its log density kept per element.
     */
    private Object measureValued(Site site, Distribution distribution, Object x,
            List<Distribution.WeakDerivative> element, int axes) {
        if (tape == null) {
            return x;
        }
        site = keyed(site);
        int ordinal = replayed++;
        List<Object> values;
        List<Distribution.WeakDerivative> weak;
        Choice first = base == null ? null : base.replayedChoice(ordinal);
        if (first != null && first.kind() == Choice.Kind.MVD && first.site().equals(site)) {
            values = first.values();
            weak = first.weak();
        } else if (element != null) {
            weak = element;
            Tensor sample = AD.tensorValue(AD.value(x));
            values = EntryCouplings.values(sample, perElement(sample.shape(), axes), element);
        } else {
            weak = distribution.weakDerivatives(x, aux);
            values = new ArrayList<>();
            values.add(x);
            for (Distribution.WeakDerivative w : weak) {
                values.add(w.positive());
                if (w.negative() != null) {
                    values.add(w.negative());
                }
            }
        }
        int index = plan.index(ordinal, values.size());
        // value 0 is this run's own sample: where an earlier replayed choice moved, this choice's distribution
        // moved with it, and the sample drawn from the replayed stream is the coupled one
        Object value = index == 0 ? x : values.get(index);
        int bit = choices.size();
        Choice choice;
        Object logProb;
        if (element == null) {
            logProb = distribution.logDensity(value);
            choice = new Choice(bit, Choice.Kind.MVD, site, logProb, null, values, null, weak, ordinal);
        } else {
            logProb = distribution.logDensityPerElement(value, axes);
            if (logProb == null) {
                throw new IllegalArgumentException(distribution.family().name() + " cannot split its density over"
                        + " the independent elements of " + site.address());
            }
            choice = new Choice(bit, Choice.Kind.MVD, site, AD.sum(logProb), null, values, null, weak, ordinal, logProb);
        }
        choices.add(choice);
        replayedChoices.add(choice);
        return tape.source(value, bit, logProb);
    }

    /** The number of entries of an element: the product of the axes after the leading {@code axes}. */
    static int perElement(int[] shape, int axes) {
        int n = 1;
        for (int i = axes; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    private Choice replayedChoice(int ordinal) {
        return ordinal < replayedChoices.size() ? replayedChoices.get(ordinal) : null;
    }

    @Override
    public void markPath(Site site) {
        pathSites.add(keyed(site));
    }

    @Override
    public void markRelaxed(Site site) {
        relaxedAddresses.add(site.address());
    }

    /** Whether densities of this site must see its parameters detached (path strategy). */
    public boolean isPath(String owner, Address address) {
        return !pathSites.isEmpty() && pathSites.contains(keyed(owner, address));
    }

    /**
     * Notes a density of a score-function choice's own site, at its own sample: where it enters the objective
     * as an additive term its direct gradient (zero in expectation) is dropped; its score term stays. A density of
     * the same site at a value that does not come from the choice (an observed label assessed by the guide that
     * also samples it, as a classification loss does) is an ordinary term: its gradient stays.
     */
    public void noteDensity(String owner, Address address, Object value, Object logDensity) {
        if (scoredSites.isEmpty() || !(logDensity instanceof org.ppl4j.runtime.ad.TapeNode node)) {
            return;
        }
        Integer bit = scoredSites.get(keyed(owner, address));
        if (bit == null || value instanceof Double || value instanceof Tensor) {
            return; // a constant: not the choice's sample
        }
        if (value instanceof org.ppl4j.runtime.ad.TapeNode v) {
            java.util.BitSet d = tape.dependenciesOf(v);
            if (d == null || !d.get(bit)) {
                return;
            }
        }
        selfDensities.add(node);
    }

    /** The log densities noted by {@link #noteDensity}. */
    public Set<org.ppl4j.runtime.ad.TapeNode> selfDensities() {
        return selfDensities;
    }

    /** Whether densities at this address must use the relaxed log density. */
    public boolean isRelaxed(Address address) {
        return !relaxedAddresses.isEmpty() && relaxedAddresses.contains(address);
    }

    public List<Choice> choices() {
        return choices;
    }

    /** The number of values of each replayed choice, in order. */
    public int[] replayedSizes() {
        return choices.stream().filter(c -> c.replayOrdinal() >= 0).mapToInt(c -> c.values().size()).toArray();
    }

    /** Whether some choice of this run is a score-function one (reinforce). */
    public boolean hasScored() {
        return !scoredSites.isEmpty();
    }

    public boolean hasReplayed() {
        return replayed > 0;
    }

    /**
     * The traces drawn by {@code sim} in this run, in order; a vectorised body's traces are cut into one per
     * iteration, in the order the loop would have drawn them.
     */
    public List<ChoiceMap> traces() {
        List<ChoiceMap> out = new ArrayList<>();
        for (Object t : traces) {
            if (t instanceof BatchedTraces b) {
                for (int i = 0; i < b.size(); i++) {
                    for (ChoiceMap m : b.traces()) {
                        out.add(iteration(m, i));
                    }
                }
            } else {
                out.add((ChoiceMap) t);
            }
        }
        return out;
    }

    /** The traces a vectorised body of {@code size} iterations drew, each holding every iteration's values. */
    private record BatchedTraces(List<ChoiceMap> traces, int size) {
    }

    /** Iteration i's trace of a vectorised body's trace (primal values: traces are read for summaries). */
    private static ChoiceMap iteration(ChoiceMap m, int i) {
        ChoiceMap one = new ChoiceMap();
        for (java.util.Map.Entry<Address, Object> e : m.entries().entrySet()) {
            Object v = e.getValue();
            one.put(e.getKey(), v instanceof Batched b ? AD.index(AD.value(b.stacked()), i) : v);
        }
        return one;
    }

    @Override
    public int batch() {
        return batch;
    }

    /** What the decision to loop a vectorised body is kept by: its code, in one objective. */
    private record LoopedKey(Object code, ObjectiveInstance objective) {
    }

    /**
     * Runs a {@code replicate(k)} or {@code map} body once for its k iterations, every value batched along a
     * leading axis ({@link Batched}), and returns the k values stacked along a new first axis, as the loop would.
     * Returns null when the body cannot run so (a strategy that needs bookkeeping per draw, an operation with no
     * batching rule): then nothing it did remains (the random streams, the traces and choices recorded and the
     * tape's control dependence are put back; tape entries it made are not connected to anything) and the caller
     * runs the loop. A body that fails for a reason that will not change is looped from then on in this objective.
     *
     * @param code     the body's code, by which the decision is kept
     * @param body     runs the body once (with its argument batched, for map)
     * @param required {@code vectorise: true}: a body that cannot run vectorised is an error saying why
     */
    public Object vectorised(int k, Object code, java.util.function.Supplier<Object> body, boolean required) {
        LoopedKey key = new LoopedKey(code, instance);
        String looped = context.loopedBodies().get(key);
        if (looped != null) {
            if (required) {
                throw cannotVectorise(looped);
            }
            return null;
        }
        long[] rngState = rng.state();
        long[] auxState = aux.state();
        boolean dependent = tape != null && tape.controlDependent();
        int traces0 = traces.size();
        int choices0 = choices.size();
        int replayed0 = replayed;
        int replayedChoices0 = replayedChoices.size();
        int outer = context.batch();
        enterIteration(-1); // the sites' keys: [-1]/owner, apart from every looped iteration's
        batch = k;
        context.setBatch(k);
        Object value;
        try {
            value = stacked(body.get(), k);
        } catch (com.oracle.truffle.api.nodes.ControlFlowException e) {
            throw e;
        } catch (RuntimeException e) {
            NotBatchable reason = reason(e);
            rng.restore(rngState);
            aux.restore(auxState);
            if (tape != null) {
                tape.restoreControlDependence(dependent);
            }
            traces.subList(traces0, traces.size()).clear();
            choices.subList(choices0, choices.size()).clear();
            replayedChoices.subList(replayedChoices0, replayedChoices.size()).clear();
            replayed = replayed0;
            if (required) {
                if (reason == null) {
                    throw e;
                }
                throw cannotVectorise(reason.getMessage());
            }
            if (reason == null || reason.lasting()) {
                context.loopedBodies().put(key, reason == null ? String.valueOf(e.getMessage()) : reason.getMessage());
            }
            return null;
        } finally {
            batch = 0;
            context.setBatch(outer);
            exitIteration();
        }
        if (traces.size() > traces0) {
            List<ChoiceMap> drawn = new ArrayList<>();
            for (Object t : traces.subList(traces0, traces.size())) {
                drawn.add((ChoiceMap) t);
            }
            traces.subList(traces0, traces.size()).clear();
            traces.add(new BatchedTraces(drawn, k));
        }
        return value;
    }

    private static IllegalArgumentException cannotVectorise(String why) {
        return new IllegalArgumentException("vectorise: true, but the body cannot run vectorised: " + why);
    }

    /** The batching failure behind an exception, or null when it is some other error. */
    private static NotBatchable reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotBatchable n) {
                return n;
            }
        }
        return null;
    }

    /** The value of a vectorised body as the loop would collect it: the k values along a new first axis. */
    private static Object stacked(Object v, int k) {
        if (v instanceof Batched b) {
            if (b.size() != k) {
                throw new NotBatchable("a value batched over " + b.size() + " iterations");
            }
            return b.stacked();
        }
        if (AD.isNumeric(v)) {
            return Batched.broadcast(v, k).stacked();
        }
        throw new NotBatchable("a body whose value is not a number or a tensor");
    }
}
