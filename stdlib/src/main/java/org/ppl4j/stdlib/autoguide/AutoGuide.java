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
 * The joint kinds make one random choice (at {@link #JOINT}) whose value is split into the sites. Each choice is
 * sampled by the guide's strategy (reparam unless told), which {@code fit(..., estimators: ...)} and
 * {@code sim(q) by path} override as for any guide.
 */
public final class AutoGuide implements GenerativeFunction {
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

    private final Kind kind;
    private final String name;
    private final List<ModelSites.Latent> sites;
    private final GradientStrategy strategy;
    private final Options options;
    private final int dimension;
    /** The model's discrete latent sites, drawn by {@link #rest}; empty when there are none. */
    private final List<ModelSites.Discrete> discrete;
    /** The user's guide for the discrete sites ({@code rest:}), or null. */
    private final GenerativeFunction rest;

    private AutoGuide(Kind kind, String name, List<ModelSites.Latent> sites, GradientStrategy strategy,
            Options options, List<ModelSites.Discrete> discrete, GenerativeFunction rest) {
        this.kind = kind;
        this.name = name;
        this.sites = sites;
        this.strategy = strategy;
        this.options = options;
        this.dimension = Joint.dimension(sites);
        this.discrete = discrete;
        this.rest = rest;
    }

    /**
     * The guide of {@code kind} for {@code model}, whose latent sites are those {@code observations} does not
     * give; its parameters are keyed {@code NAME.ADDRESS.loc} and so on, NAME being {@code kind(model)} unless
     * {@code name} is given. The model's discrete latent sites are drawn by {@code rest}, the user's guide (whose
     * random choices must be exactly those sites); without it a model with discrete sites is an error naming them.
     */
    public static AutoGuide of(Kind kind, PplContext context, BoundModel model, ChoiceMap observations,
            GradientStrategy strategy, Options options, String name, GenerativeFunction rest) {
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
        AutoGuide guide = new AutoGuide(kind, owner, sites, strategy, options, found.discrete(), rest);
        guide.checkWholeData(context); // built inside a minibatch fit's function: say so at the user's call
        return guide;
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
        ChoiceMap trace = new ChoiceMap();
        int k = estimation.batch();
        if (kind == Kind.NORMAL || kind == Kind.DELTA) {
            for (ModelSites.Latent s : sites) {
                Distribution d = siteDistribution(context, s, params);
                Site site = new Site(name, s.address());
                GradientStrategy g = estimation.strategyFor(site, d, strategy);
                trace.put(s.address(), k > 0 ? BatchedSites.sample(d, site, g, estimation, k)
                        : g.sample(d, site, estimation));
            }
            return withRest(trace, context, estimation, params);
        }
        if (k > 0) {
            throw new NotBatchable("a joint automatic guide"); // the body runs as a loop
        }
        Joint joint = new Joint(sites, kind == Kind.FLOW ? flow(params) : null);
        Distribution d = new PushForward(jointBase(params), joint, Support.REAL);
        Site site = new Site(name, JOINT);
        Object[] values = joint.split(estimation.strategyFor(site, d, strategy).sample(d, site, estimation));
        for (int i = 0; i < values.length; i++) {
            trace.put(sites.get(i).address(), values[i]);
        }
        return withRest(trace, context, estimation, params);
    }

    /** The trace of the automatic part with the user's guide's draws of the discrete sites added. */
    private ChoiceMap withRest(ChoiceMap trace, PplContext context, EstimationContext estimation,
            ParamProvider params) {
        if (rest == null) {
            return trace;
        }
        ChoiceMap drawn = rest.simulate(context, estimation, params);
        for (Address a : drawn.entries().keySet()) {
            if (!isDiscrete(a)) {
                throw new IllegalArgumentException(name + ": the guide " + rest.name() + " (rest:) draws '" + a
                        + "', which is not a discrete latent site of the model (those are " + discreteList()
                        + "); the automatic guide draws the continuous ones");
            }
        }
        for (ModelSites.Discrete d : discrete) {
            if (!drawn.entries().containsKey(d.address())) {
                throw new IllegalArgumentException(name + ": the guide " + rest.name() + " (rest:) does not draw"
                        + " the discrete latent site '" + d.address() + "'");
            }
            trace.put(d.address(), drawn.entries().get(d.address()));
        }
        return trace;
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
        if (kind == Kind.NORMAL || kind == Kind.DELTA) {
            Object total = 0.0;
            for (int i = 0; i < values.length; i++) {
                ModelSites.Latent s = sites.get(i);
                Object lp = siteDensity(run, s.address(), siteDistribution(context, s, params), values[i]);
                // a local site's density counts N / B times in a minibatch fit, as the model's local choices do
                total = AD.add(total, s.local() && context.minibatchScale() != 1
                        ? AD.mul(lp, context.minibatchScale()) : lp);
            }
            return withRestDensity(total, context, restChoices, params);
        }
        Joint joint = new Joint(sites, kind == Kind.FLOW ? flow(params) : null);
        Distribution d = new PushForward(jointBase(params), joint, Support.REAL);
        return withRestDensity(siteDensity(run, JOINT, d, Joint.join(values)), context, restChoices, params);
    }

    /** The automatic part's log density plus the user's guide's of the discrete sites. */
    private Object withRestDensity(Object total, PplContext context, ChoiceMap restChoices, ParamProvider params) {
        return rest == null ? total : AD.add(total, rest.density(context, restChoices, params));
    }

    /** A choice's log density in an objective's run: a path site's sees its parameters detached. */
    private Object siteDensity(ObjectiveRun run, Address address, Distribution d, Object value) {
        Distribution dist = run != null && run.isPath(name, address) ? d.detachParameters() : d;
        Object lp = BatchedSites.logDensity(dist, value);
        if (run != null) {
            run.noteDensity(name, address, lp);
        }
        return lp;
    }

    /**
     * Local (per-datum) sites have parameters of their own, one per data point. In a minibatch fit the mean-field
     * and point-mass guides pick the rows of the batch's data points ({@link PplContext#minibatchRows()}), for a
     * local site whose leading axis is the data axis; the joint guides, and a fit that does not say which rows it
     * took, cannot.
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
        if (context.minibatchScale() == 1 && (rows == null || inOrder(rows, context.minibatchDataSize()))) {
            return; // the whole data set, in its order
        }
        for (ModelSites.Latent s : sites) {
            if (!s.local()) {
                continue;
            }
            if (kind != Kind.NORMAL && kind != Kind.DELTA || rows == null) {
                throw new IllegalArgumentException(name + ": the local site '" + s.address() + "' has parameters"
                        + " per data point, which " + (rows == null ? "this fit's batches do not say how to pick"
                        : "a joint guide cannot pick per batch") + "; fit without batch:, or use auto_normal or"
                        + " auto_delta (or write an amortised guide)");
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
    private Distribution siteDistribution(PplContext context, ModelSites.Latent s, ParamProvider params) {
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
