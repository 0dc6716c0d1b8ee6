package org.ppl4j.stdlib.autoguide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.NotBatchable;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.Support;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.BatchedSites;
import org.ppl4j.runtime.trace.GenerativeFunction;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.stdlib.dist.MvNormal;
import org.ppl4j.stdlib.dist.Normal;

/**
 * An automatic guide: a generative function built from a model's latent sites (found by running the model once,
 * {@link ModelSites}), each reached from unconstrained reals through its support's bijection. Its traces have the
 * model's addresses and values on the model's supports, and its density is the density of those constrained
 * values (the log-determinant of each bijection's Jacobian included), so it works with every objective.
 *
 * <ul>
 * <li>{@link Kind#NORMAL}: mean-field, an independent normal per unconstrained element, one random choice per site
 * (Pyro's AutoNormal, Stan's meanfield ADVI);
 * <li>{@link Kind#MVNORMAL}: one multivariate normal over all the unconstrained reals, full-rank Cholesky factor
 * (Stan's fullrank ADVI);
 * <li>{@link Kind#LOWRANK}: covariance W W^T + diag(d^2) with W of a given rank;
 * <li>{@link Kind#DELTA}: a point per site, so fitting the ELBO finds the MAP estimate;
 * <li>{@link Kind#FLOW}: a standard normal pushed through affine coupling layers ({@link CouplingFlow}).
 * </ul>
 * The joint kinds make one random choice (at {@link #JOINT}) whose value is split into the global sites (those
 * outside {@code local}); each local site has a per-datum normal of its own, as in the mean-field guide, so a batch
 * takes its data points' rows. Local sites' parameters come from a table, or from the user's encoder
 * ({@code amortise:}, {@link Encoder}). Each choice is
 * sampled by the guide's strategy (reparam unless told), which {@code fit(..., estimators: ...)} and
 * {@code sim(q) by path} override as for any guide.
 */
public final class AutoGuide implements GenerativeFunction, org.ppl4j.vi.posterior.SavedGuide {
    /** The families of guides. */
    public enum Kind {
        NORMAL("auto_normal"), MVNORMAL("auto_mvnormal"), LOWRANK("auto_lowrank"), DELTA("auto_delta"),
        FLOW("auto_flow");

        private final String builtin;

        Kind(String builtin) {
            this.builtin = builtin;
        }

        public String builtin() {
            return builtin;
        }
    }

    /** Options of the joint kinds: the rank of auto_lowrank, the layers and hidden units of auto_flow. */
    public record Options(double initScale, int rank, int layers, int hidden) {
    }

    /** The address of a joint guide's one random choice. */
    static final Address JOINT = new Address("_joint");

    /**
     * The user's guide for the discrete sites ({@code rest:}): either one guide, or a function of the automatic
     * part's values (a record by site address) that returns the guide, so that q(discrete | continuous) can depend
     * on them.
     */
    public interface Rest {
        /** The guide for a draw whose automatic part has {@code values}. */
        GenerativeFunction guideFor(PplContext context, PplRecord values);

        /** A guide that does not depend on the automatic part. */
        static Rest of(GenerativeFunction guide) {
            return new Fixed(guide);
        }
    }

    /** A {@code rest:} guide that does not depend on the automatic part (one a saved fit can name). */
    record Fixed(GenerativeFunction guide) implements Rest {
        @Override
        public GenerativeFunction guideFor(PplContext context, PplRecord values) {
            return guide;
        }
    }

    private final Kind kind;
    private final String name;
    private final String modelName;
    private final List<ModelSites.Latent> sites;
    /** The sites of the kind's family: all for the per-site kinds, the global (non-local) ones for the joint. */
    private final List<ModelSites.Latent> jointSites;
    private final GradientStrategy strategy;
    private final Options options;
    private final int dimension;
    /** The model's discrete latent sites, drawn by {@link #rest}; empty when there are none. */
    private final List<ModelSites.Discrete> discrete;
    /** The user's guide for the discrete sites ({@code rest:}), or null. */
    private final Rest rest;
    /** The amortising encoder of the local sites ({@code amortise:}), or null for per-datum tables. */
    private final Encoder encoder;

    private AutoGuide(Kind kind, String name, String modelName, List<ModelSites.Latent> sites,
            GradientStrategy strategy, Options options, List<ModelSites.Discrete> discrete, Rest rest, Encoder encoder) {
        this.kind = kind;
        this.name = name;
        this.modelName = modelName;
        this.sites = sites;
        this.jointSites = perSite(kind) ? List.of() : sites.stream().filter(s -> !s.local()).toList();
        this.strategy = strategy;
        this.options = options;
        this.dimension = Joint.dimension(jointSites);
        this.discrete = discrete;
        this.rest = rest;
        this.encoder = encoder;
    }

    /** Whether the kind makes one choice per site (mean-field, point mass) rather than one joint choice. */
    private static boolean perSite(Kind kind) {
        return kind == Kind.NORMAL || kind == Kind.DELTA;
    }

    /** Whether the site has a choice of its own: every site of a per-site kind, the local sites of a joint one. */
    private boolean ownChoice(ModelSites.Latent s) {
        return perSite(kind) || s.local();
    }

    /**
     * The guide of {@code kind} for {@code model}, whose latent sites are those {@code observations} does not
     * give; its parameters are keyed {@code NAME.ADDRESS.loc} and so on, NAME being {@code kind(model)} unless
     * {@code name} is given. The model's discrete latent sites are drawn by {@code rest}, the user's guide (whose
     * random choices must be exactly those sites); without it a model with discrete sites is an error naming them.
     */
    public static AutoGuide of(Kind kind, PplContext context, BoundModel model, ChoiceMap observations,
            GradientStrategy strategy, Options options, String name, Rest rest, GenerativeFunction encoder) {
        String owner = name != null ? name : kind.builtin() + "(" + model.name() + ")";
        ModelSites.Found found = ModelSites.find(kind.builtin(), context, model, observations);
        List<ModelSites.Latent> sites = found.latents();
        if (!found.discrete().isEmpty() && rest == null) {
            String list = String.join(", ", found.discrete().stream()
                    .map(d -> "'" + d.address() + "' (" + d.family() + ")").toList());
            throw new IllegalArgumentException(kind.builtin() + ": the model " + model.name() + " has discrete"
                    + " latent sites: " + list + "; an automatic guide covers the continuous sites only. Pass a"
                    + " guide of your own for the discrete ones, as in " + kind.builtin() + "(" + model.name()
                    + "(...), obs, rest: my_guide(...)), or observe them");
        }
        if (found.discrete().isEmpty() && rest != null) {
            throw new IllegalArgumentException(kind.builtin() + ": 'rest' is a guide for the model's discrete"
                    + " latent sites, and " + model.name() + " has none; leave it out");
        }
        if (sites.isEmpty()) {
            throw new IllegalArgumentException(kind.builtin() + ": the model " + model.name() + " has no latent"
                    + " choices once the observations are given: nothing to guide");
        }
        if (!strategy.supports(PushForward.FAMILY)) {
            throw new IllegalArgumentException(kind.builtin() + ": the estimator " + strategy.name() + " cannot be"
                    + " used for an automatic guide; reparam and path can");
        }
        Encoder amortised = null;
        if (encoder != null) {
            List<ModelSites.Latent> locals = sites.stream().filter(ModelSites.Latent::local).toList();
            if (locals.isEmpty()) {
                throw new IllegalArgumentException(kind.builtin() + ": 'amortise' gives the parameters of the local"
                        + " sites (the choices inside local { ... }), and " + model.name() + " has none");
            }
            amortised = new Encoder(kind.builtin() + "(" + model.name() + ")", encoder, locals, kind == Kind.DELTA);
            amortised.check(context); // its output's fields and shapes, before the first step
        }
        AutoGuide guide = new AutoGuide(kind, owner, model.name(), sites, strategy, options, found.discrete(), rest,
                amortised);
        guide.checkWholeData(context); // built inside a minibatch fit's function: say so at the user's call
        return guide;
    }

    /**
     * What a saved fit records to rebuild this guide without the program's text: the kind, name and options, the
     * model's name, each latent site (address, family, shape, support, local) and the discrete sites with the
     * {@code rest:} guide's name and arguments. A {@code rest:} function or an encoder is recorded by what it is, so
     * that loading can say it must be built again.
     */
    @Override
    public Map<String, Object> savedDescription() {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("kind", kind.builtin());
        d.put("name", name);
        d.put("model", modelName);
        d.put("init_scale", options.initScale());
        d.put("rank", (double) options.rank());
        d.put("layers", (double) options.layers());
        d.put("hidden", (double) options.hidden());
        d.put("estimator", strategy.name());
        List<Object> latent = new ArrayList<>();
        for (ModelSites.Latent s : sites) {
            Map<String, Object> b = s.bijection().saved();
            if (b == null) {
                return null; // an interval with tensor bounds: the program builds the guide again
            }
            Map<String, Object> m = new java.util.LinkedHashMap<>(b);
            m.put("address", s.address().toString());
            m.put("family", s.family());
            m.put("shape", s.shape() == null ? null : java.util.Arrays.stream(s.shape()).mapToObj(x -> (Object)
                    (double) x).toList());
            m.put("local", s.local());
            latent.add(m);
        }
        d.put("sites", latent);
        List<Object> disc = new ArrayList<>();
        for (ModelSites.Discrete s : discrete) {
            disc.add(Map.of("address", s.address().toString(), "family", s.family()));
        }
        d.put("discrete", disc);
        if (rest instanceof Fixed f && f.guide() instanceof BoundModel g) {
            d.put("rest", named(g));
        } else if (rest != null) {
            d.put("rest", "a function of the automatic part's values");
        }
        if (encoder != null) {
            d.put("amortise", encoder.modelName());
        }
        return d;
    }

    /** A bound model's name and arguments, null arguments when one is not a number, a string or a boolean. */
    private static Map<String, Object> named(BoundModel g) {
        List<Object> args = org.ppl4j.vi.posterior.SavedFit.simpleArgs(g);
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", g.name());
        m.put("args", args);
        return m;
    }

    /**
     * The guide a saved fit recorded ({@link #savedDescription}); {@code models} finds a model of the program by
     * name (for the {@code rest:} guide), or null. An amortised guide or a {@code rest:} function is an error saying
     * to build the guide again.
     */
    public static AutoGuide fromSaved(String builtin, Map<String, Object> d,
            java.util.function.Function<String, org.ppl4j.runtime.value.FunctionValue> models) {
        String name = (String) d.get("name");
        Kind kind = java.util.Arrays.stream(Kind.values()).filter(k -> k.builtin().equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(builtin + ": the saved fit's automatic guide is of"
                        + " kind " + d.get("kind") + ", which this ppl4j does not have"));
        if (d.get("amortise") != null) {
            throw new IllegalArgumentException(builtin + ": the saved fit's guide " + name + " is amortised by the"
                    + " encoder " + d.get("amortise") + ", a function of the data; build the guide again with the data"
                    + " and fit it with init: load_fit(...), steps: 0");
        }
        List<ModelSites.Latent> sites = new ArrayList<>();
        for (Object o : (List<?>) d.get("sites")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            SiteBijection b = SiteBijection.fromSaved(m);
            Address a = Address.parse(String.valueOf(m.get("address")));
            if (b == null || a == null) {
                throw new IllegalArgumentException(builtin + ": the saved fit's guide " + name + " has a site this"
                        + " ppl4j cannot read: " + m);
            }
            int[] shape = m.get("shape") instanceof List<?> l ? l.stream().mapToInt(x -> (int) (double) (Double) x)
                    .toArray() : null;
            sites.add(new ModelSites.Latent(a, String.valueOf(m.get("family")), shape, b,
                    Boolean.TRUE.equals(m.get("local"))));
        }
        List<ModelSites.Discrete> disc = new ArrayList<>();
        for (Object o : (List<?>) d.get("discrete")) {
            Map<?, ?> m = (Map<?, ?>) o;
            disc.add(new ModelSites.Discrete(Address.parse(String.valueOf(m.get("address"))),
                    String.valueOf(m.get("family"))));
        }
        Rest rest = null;
        if (d.get("rest") instanceof Map<?, ?> r) {
            org.ppl4j.runtime.value.FunctionValue f = models.apply(String.valueOf(r.get("name")));
            if (f == null || !(r.get("args") instanceof List<?> args)) {
                throw new IllegalArgumentException(builtin + ": the saved fit's guide " + name + " draws its discrete"
                        + " sites with the guide " + r.get("name") + (f == null ? ", which this program does not define"
                        : ", called with arguments a saved fit cannot hold") + "; build the guide again and fit it"
                        + " with init: load_fit(...), steps: 0");
            }
            rest = Rest.of(new BoundModel(f, args.toArray()));
        } else if (d.get("rest") != null) {
            throw new IllegalArgumentException(builtin + ": the saved fit's guide " + name + " draws its discrete"
                    + " sites with a rest: function, which a saved fit cannot hold; build the guide again and fit it"
                    + " with init: load_fit(...), steps: 0");
        }
        Options options = new Options((Double) d.get("init_scale"), (int) (double) (Double) d.get("rank"),
                (int) (double) (Double) d.get("layers"), (int) (double) (Double) d.get("hidden"));
        GradientStrategy strategy = org.ppl4j.runtime.estimate.StrategyRegistry.get().parse(
                String.valueOf(d.get("estimator")));
        return new AutoGuide(kind, name, String.valueOf(d.get("model")), sites, strategy, options, disc, rest, null);
    }

    @Override
    public String name() {
        return name;
    }

    /** The addresses of the latent sites, in the order the model makes them. */
    public List<Address> addresses() {
        return sites.stream().map(ModelSites.Latent::address).toList();
    }

    @Override
    public ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params) {
        checkWholeData(context);
        int k = estimation.batch();
        Map<Address, Object> drawn = new java.util.HashMap<>();
        if (!jointSites.isEmpty()) {
            if (k > 0) {
                throw new NotBatchable("a joint automatic guide"); // the body runs as a loop
            }
            Joint joint = new Joint(jointSites, kind == Kind.FLOW ? flow(params) : null);
            Distribution d = new PushForward(jointBase(params), joint, Support.REAL);
            Site site = new Site(name, JOINT);
            Object[] values = joint.split(estimation.strategyFor(site, d, strategy).sample(d, site, estimation));
            for (int i = 0; i < values.length; i++) {
                drawn.put(jointSites.get(i).address(), values[i]);
            }
        }
        Map<Address, Object[]> encoded = encoder == null ? null : encoder.run(context, params);
        for (ModelSites.Latent s : sites) {
            if (!ownChoice(s)) {
                continue;
            }
            Distribution d = siteDistribution(context, s, params, encoded);
            Site site = new Site(name, s.address());
            GradientStrategy g = estimation.strategyFor(site, d, strategy);
            drawn.put(s.address(), k > 0 ? BatchedSites.sample(d, site, g, estimation, k)
                    : g.sample(d, site, estimation));
        }
        ChoiceMap trace = new ChoiceMap();
        for (ModelSites.Latent s : sites) {
            trace.put(s.address(), drawn.get(s.address()));
        }
        return withRest(trace, context, estimation, params);
    }

    /** The trace of the automatic part with the user's guide's draws of the discrete sites added. */
    private ChoiceMap withRest(ChoiceMap trace, PplContext context, EstimationContext estimation,
            ParamProvider params) {
        if (rest == null) {
            return trace;
        }
        GenerativeFunction guide = rest.guideFor(context, values(trace));
        ChoiceMap drawn = guide.simulate(context, estimation, params);
        for (Address a : drawn.entries().keySet()) {
            if (!isDiscrete(a)) {
                throw new IllegalArgumentException(name + ": the guide " + guide.name() + " (rest:) draws '" + a
                        + "', which is not a discrete latent site of the model (those are " + discreteList()
                        + "); the automatic guide draws the continuous ones");
            }
        }
        for (ModelSites.Discrete d : discrete) {
            if (!drawn.entries().containsKey(d.address())) {
                throw new IllegalArgumentException(name + ": the guide " + guide.name() + " (rest:) does not draw"
                        + " the discrete latent site '" + d.address() + "'");
            }
            trace.put(d.address(), drawn.entries().get(d.address()));
        }
        return trace;
    }

    /** The automatic part's values as a record by site address, for a {@code rest:} function. */
    private PplRecord values(ChoiceMap choices) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (ModelSites.Latent s : sites) {
            fields.put(s.address().toString(), choices.lookup(s.address()));
        }
        return new PplRecord("automatic guide's values", fields);
    }

    private boolean isDiscrete(Address a) {
        return discrete.stream().anyMatch(d -> d.address().equals(a));
    }

    private String discreteList() {
        return String.join(", ", discrete.stream().map(d -> "'" + d.address() + "'").toList());
    }

    @Override
    public Object density(PplContext context, ChoiceMap choices, ParamProvider params) {
        checkWholeData(context);
        ChoiceMap restChoices = new ChoiceMap();
        for (Map.Entry<Address, Object> e : choices.entries().entrySet()) {
            if (rest != null && isDiscrete(e.getKey())) {
                restChoices.put(e.getKey(), e.getValue());
            } else if (sites.stream().noneMatch(s -> s.address().equals(e.getKey()))) {
                throw new IllegalArgumentException("density(" + name + "): the choice map has a value at '"
                        + e.getKey() + "', which is not a latent site of the model");
            }
        }
        ObjectiveRun run = context.handler() instanceof ObjectiveRun r ? r : null;
        Object[] values = new Object[sites.size()];
        for (int i = 0; i < values.length; i++) {
            Address a = sites.get(i).address();
            Object v = choices.lookup(a);
            if (v == null) {
                throw new IllegalArgumentException("density(" + name + "): no value for the random choice '" + a
                        + "'");
            }
            values[i] = v;
        }
        Object total = 0.0;
        if (!jointSites.isEmpty()) {
            Object[] joined = new Object[jointSites.size()];
            for (int i = 0; i < joined.length; i++) {
                joined[i] = values[sites.indexOf(jointSites.get(i))];
            }
            Joint joint = new Joint(jointSites, kind == Kind.FLOW ? flow(params) : null);
            Distribution d = new PushForward(jointBase(params), joint, Support.REAL);
            total = siteDensity(run, JOINT, d, Joint.join(joined));
        }
        Map<Address, Object[]> encoded = encoder == null ? null : encoder.run(context, params);
        for (int i = 0; i < values.length; i++) {
            ModelSites.Latent s = sites.get(i);
            if (!ownChoice(s)) {
                continue;
            }
            Object lp = siteDensity(run, s.address(), siteDistribution(context, s, params, encoded), values[i]);
            // a local site's density counts N / B times in a minibatch fit, as the model's local choices do
            total = AD.add(total, s.local() && context.minibatchScale() != 1
                    ? AD.mul(lp, context.minibatchScale()) : lp);
        }
        return withRestDensity(total, context, choices, restChoices, params);
    }

    /** The automatic part's log density plus the user's guide's of the discrete sites. */
    private Object withRestDensity(Object total, PplContext context, ChoiceMap choices, ChoiceMap restChoices,
            ParamProvider params) {
        return rest == null ? total
                : AD.add(total, rest.guideFor(context, values(choices)).density(context, restChoices, params));
    }

    /** A choice's log density in an objective's run: a path site's sees its parameters detached. */
    private Object siteDensity(ObjectiveRun run, Address address, Distribution d, Object value) {
        Distribution dist = run != null && run.isPath(name, address) ? d.detachParameters() : d;
        Object lp = BatchedSites.logDensity(dist, value);
        if (run != null) {
            run.noteDensity(name, address, value, lp);
        }
        return lp;
    }

    /**
     * Local (per-datum) sites have parameters of their own, one per data point (unless an encoder gives them). In a
     * minibatch fit every kind picks the rows of the batch's data points ({@link PplContext#minibatchRows()}), for
     * a local site whose leading axis is the data axis; a fit that does not say which rows it took cannot.
     */
    private void checkWholeData(PplContext context) {
        if (context.dataParallel() != null) {
            // a data-parallel (Spark) fit keeps its parameters on the driver and sends them every step: N rows of
            // per-datum parameters would travel to every task, and their gradients back, at every step
            for (ModelSites.Latent s : sites) {
                if (s.local()) {
                    throw new IllegalArgumentException(name + ": the local site '" + s.address() + "' has parameters"
                            + " per data point, which a data-parallel (Spark) fit does not support; on Spark an"
                            + " automatic guide needs a model whose latent sites are all global (outside local"
                            + " blocks): write a guide of your own whose local part is amortised (parameters shared"
                            + " by all data points), or fit on one machine");
                }
            }
            return;
        }
        int[] rows = context.minibatchRows();
        if (encoder != null || context.minibatchScale() == 1
                && (rows == null || inOrder(rows, context.minibatchDataSize()))) {
            return; // the whole data set, in its order
        }
        for (ModelSites.Latent s : sites) {
            if (!s.local()) {
                continue;
            }
            if (rows == null) {
                throw new IllegalArgumentException(name + ": the local site '" + s.address() + "' has parameters"
                        + " per data point, which this fit's batches do not say how to pick; fit without batch:,"
                        + " or amortise them with an encoder (amortise: my_encoder(x))");
            }
            if (s.shape() == null || s.shape()[0] != rows.length) {
                throw new IllegalArgumentException(name + ": the local site '" + s.address() + "' has shape "
                        + (s.shape() == null ? "[] (a number)" : java.util.Arrays.toString(s.shape())) + " in a batch"
                        + " of " + rows.length + " data points; per-datum parameters need the data axis first (one"
                        + " vectorised choice per local block, as z ~ normal(zeros(len(x)), 1))");
            }
        }
    }

    // ---------------------------------------------------------------- parameters and distributions

    private Object param(ParamProvider params, String paramName, Object initial, Constraint constraint) {
        ParamKey key = new ParamKey(name, paramName);
        Object v = params.lookup(key);
        return v != null ? v : params.create(key, initial, constraint);
    }

    private static Object filled(int[] shape, double value) {
        if (shape == null) {
            return value;
        }
        return Tensor.zeros(shape).map(x -> value);
    }

    /**
     * A mean-field or point-mass site's distribution. A local site's parameters in a minibatch fit have the data
     * set's rows, of which those of the batch's data points are taken.
     */
    private Distribution siteDistribution(PplContext context, ModelSites.Latent s, ParamProvider params,
            Map<Address, Object[]> encoded) {
        if (s.local() && encoded != null) {
            Object[] out = encoded.get(s.address());
            if (kind == Kind.DELTA) {
                return new PointMass(s.bijection().forward(out[0]), Support.REAL);
            }
            return new PushForward(new Normal(out[0], AD.exp(out[1])), s.bijection(), Support.REAL);
        }
        int[] shape = s.unconstrainedShape();
        int[] rows = s.local() ? context.minibatchRows() : null;
        if (rows != null && inOrder(rows, context.minibatchDataSize())) {
            rows = null; // the whole data set in its order: the site's own shape
        }
        if (rows != null) {
            shape = shape.clone();
            shape[0] = context.minibatchDataSize();
        }
        Object loc = pick(param(params, s.address() + ".loc", filled(shape, 0), Constraint.REAL), rows);
        if (kind == Kind.DELTA) {
            return new PointMass(s.bijection().forward(loc), Support.REAL);
        }
        Object scale = pick(param(params, s.address() + ".scale", filled(shape, options.initScale()),
                Constraint.POSITIVE), rows);
        return new PushForward(new Normal(loc, scale), s.bijection(), Support.REAL);
    }

    private static boolean inOrder(int[] rows, int n) {
        if (rows.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (rows[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static Object pick(Object param, int[] rows) {
        return rows == null ? param : AD.rows(param, rows);
    }

    /** The base distribution of a joint guide, over R^D. */
    private Distribution jointBase(ParamProvider params) {
        int d = dimension;
        return switch (kind) {
            case MVNORMAL -> {
                Object loc = param(params, "loc", new Tensor(new int[] {d}, new double[d]), Constraint.REAL);
                Object lower = param(params, "scale_lower", new Tensor(new int[] {d, d}, new double[d * d]),
                        Constraint.REAL);
                Object diag = param(params, "scale_diag", filled(new int[] {d}, options.initScale()),
                        Constraint.POSITIVE);
                Object tril = AD.add(AD.mul(lower, strictlyLower(d)), AD.mul(eye(d), diag));
                yield new MvNormal(loc, tril);
            }
            case LOWRANK -> {
                int r = options.rank();
                Object loc = param(params, "loc", new Tensor(new int[] {d}, new double[d]), Constraint.REAL);
                Object factor = param(params, "cov_factor", smallRandom(new int[] {d, r}, options.initScale()
                        / Math.sqrt(r), 17), Constraint.REAL);
                Object diag = param(params, "cov_diag", filled(new int[] {d}, options.initScale()),
                        Constraint.POSITIVE);
                Object cov = AD.add(AD.matmul(factor, AD.transpose(factor)), AD.mul(eye(d), AD.square(diag)));
                yield new MvNormal(loc, cholesky(cov, d));
            }
            case FLOW -> new Normal(new Tensor(new int[] {d}, new double[d]), filled(new int[] {d}, 1.0));
            default -> throw new IllegalStateException(kind.toString());
        };
    }

    /** The flow of an auto_flow guide, its parameters created on first use. */
    private CouplingFlow flow(ParamProvider params) {
        int d = dimension;
        int h = options.hidden();
        List<CouplingFlow.Layer> layers = new ArrayList<>();
        if (d > 1) {
            for (int l = 0; l < options.layers(); l++) {
                String p = "flow[" + l + "].";
                double bound = Math.sqrt(6.0 / (d + h));
                layers.add(new CouplingFlow.Layer(CouplingFlow.mask(d, l),
                        param(params, p + "w1", uniform(new int[] {d, h}, bound, 101 + l), Constraint.REAL),
                        param(params, p + "b1", new Tensor(new int[] {h}, new double[h]), Constraint.REAL),
                        param(params, p + "ws", new Tensor(new int[] {h, d}, new double[h * d]), Constraint.REAL),
                        param(params, p + "bs", new Tensor(new int[] {d}, new double[d]), Constraint.REAL),
                        param(params, p + "wt", new Tensor(new int[] {h, d}, new double[h * d]), Constraint.REAL),
                        param(params, p + "bt", new Tensor(new int[] {d}, new double[d]), Constraint.REAL)));
            }
        }
        Object loc = param(params, "loc", new Tensor(new int[] {d}, new double[d]), Constraint.REAL);
        Object scale = param(params, "scale", filled(new int[] {d}, options.initScale()), Constraint.POSITIVE);
        return new CouplingFlow(d, layers, loc, scale);
    }

    private static Tensor eye(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1;
        }
        return new Tensor(new int[] {d, d}, m);
    }

    private static Tensor strictlyLower(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                m[i * d + j] = 1;
            }
        }
        return new Tensor(new int[] {d, d}, m);
    }

    /** Initial values from a fixed stream, so that a program's first values do not depend on its random stream. */
    private static Tensor uniform(int[] shape, double bound, long seed) {
        Rng rng = new Rng(seed);
        return Tensor.zeros(shape).map(x -> (2 * rng.nextDouble() - 1) * bound);
    }

    private static Tensor smallRandom(int[] shape, double sd, long seed) {
        Rng rng = new Rng(seed);
        return Tensor.zeros(shape).map(x -> sd * rng.nextGaussian());
    }

    /**
     * The Cholesky factor of a [d, d] positive-definite matrix, written with scalar AD operations (d^3 / 6 of them)
     * so that it is differentiable: for the low-rank guide's covariance, then given to mvnormal.
     */
    static Object cholesky(Object a, int d) {
        Object[][] l = new Object[d][d];
        Object[] flat = new Object[d * d];
        for (int i = 0; i < d; i++) {
            Object row = AD.index(a, i);
            for (int j = 0; j <= i; j++) {
                Object s = AD.index(row, j);
                for (int k = 0; k < j; k++) {
                    s = AD.sub(s, AD.mul(l[i][k], l[j][k]));
                }
                l[i][j] = i == j ? AD.sqrt(s) : AD.div(s, l[j][j]);
                flat[i * d + j] = l[i][j];
            }
            for (int j = i + 1; j < d; j++) {
                flat[i * d + j] = 0.0;
            }
        }
        return AD.reshape(AD.stack(flat), new int[] {d, d});
    }

    @Override
    public String toString() {
        return name;
    }
}
