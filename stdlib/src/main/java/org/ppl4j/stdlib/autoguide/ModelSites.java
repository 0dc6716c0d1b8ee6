package org.ppl4j.stdlib.autoguide;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.Support;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.stdlib.dist.Uniform;

/**
 * The latent sites of a model, found by running it once: every random choice the observations do not give, with
 * its shape and the bijection onto its support. The run draws from the prior with a stream of its own (the
 * program's random stream is left as it was) and with the parameters' current values.
 */
final class ModelSites {
    /** One latent site: its address, its value's shape ({@code null} for a number), its bijection. */
    record Latent(Address address, String family, int[] shape, SiteBijection bijection, boolean local) {
        /** The number of elements of a value. */
        int size() {
            return shape == null ? 1 : Tensor.numel(shape);
        }

        /** The number of unconstrained reals. */
        int unconstrainedSize() {
            return bijection.unconstrainedSize(size());
        }

        /** The unconstrained shape ({@code null} for a number). */
        int[] unconstrainedShape() {
            return shape == null ? null : bijection.unconstrainedShape(shape);
        }
    }

    /** A discrete latent site, left to the user's guide ({@code rest:}): its address and its family. */
    record Discrete(Address address, String family) {
    }

    /** The continuous latent sites (for the automatic guide) and the discrete ones (for the user's guide). */
    record Found(List<Latent> latents, List<Discrete> discrete) {
    }

    private ModelSites() {
    }

    /**
     * The latent sites of {@code model} given {@code observations}: the continuous ones and, apart, the discrete
     * ones (which a prior draw decides in this run). A site of no support ppl4j maps the reals onto is an error at
     * its line (thrown from inside the model's run, so it carries the site's source position).
     */
    static Found find(String guide, PplContext context, BoundModel model, ChoiceMap observations) {
        Finder finder = new Finder(guide, model.name(), observations, context.params());
        Generative.run(context, model, finder);
        return new Found(finder.latents, finder.discrete);
    }

    /** The parameters' values, without creating any in the program's store (a new one has its initial value). */
    static ParamProvider readOnly(ParamProvider known) {
        return new ParamProvider() {
            @Override
            public Object lookup(ParamKey key) {
                return known.lookup(key);
            }

            @Override
            public Object create(ParamKey key, Object initialValue, Constraint constraint) {
                Object v = known.lookup(key);
                return v != null ? v : AD.value(initialValue);
            }
        };
    }

    /** The bijection onto the support of {@code d}'s values, or null when there is none. */
    static SiteBijection bijectionFor(Distribution d) {
        Support s = d.support();
        String family = d.family().name();
        if (s == Support.REAL) {
            return new SiteBijection.OfConstraint(Constraint.REAL);
        }
        if (s == Support.POSITIVE || family.equals("halfnormal") || family.equals("halfcauchy")) {
            return new SiteBijection.OfConstraint(Constraint.POSITIVE);
        }
        if (s == Support.UNIT_INTERVAL) {
            return new SiteBijection.OfConstraint(Constraint.UNIT_INTERVAL);
        }
        if (d instanceof Uniform u) {
            return new SiteBijection.Interval(u.low(), u.high());
        }
        if (family.equals("dirichlet")) {
            return new SiteBijection.Simplex();
        }
        return null;
    }

    /** Runs the model: observed choices take their values, latent ones a prior draw, and each is noted. */
    private static final class Finder implements Handler {
        private final String guide;
        private final String modelName;
        private final ChoiceMap observations;
        private final ParamProvider params;
        private final Rng rng = new Rng(0x5EED);
        private final List<Latent> latents = new ArrayList<>();
        private final List<Discrete> discrete = new ArrayList<>();
        private final Iterations iterations = new Iterations();
        private int localDepth;

        Finder(String guide, String modelName, ChoiceMap observations, ParamProvider known) {
            this.guide = guide;
            this.modelName = modelName;
            this.observations = observations;
            this.params = readOnly(known);
        }

        @Override
        public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
            if (!(distribution instanceof Distribution d)) {
                throw new IllegalArgumentException(guide + ": model " + modelName + " draws from sim(...) itself");
            }
            address = iterations.scope(address);
            Object observed = observations.lookup(address);
            if (observed != null) {
                return observed instanceof PplList l ? AD.stack(l.toArray()) : observed;
            }
            for (Latent l : latents) {
                if (l.address().equals(address)) {
                    throw twice(address);
                }
            }
            if (d.support().isDiscrete()) {
                for (Discrete l : discrete) {
                    if (l.address().equals(address)) {
                        throw twice(address);
                    }
                }
                discrete.add(new Discrete(address, d.family().name()));
                return d.sample(rng); // left to the user's guide; a prior draw runs the rest of the model
            }
            SiteBijection b = bijectionFor(d);
            if (b == null) {
                throw new IllegalArgumentException(guide + ": the latent site '" + address + "' of " + modelName
                        + " (" + d.family().name() + ") has values in " + d.support() + ", which no bijection of"
                        + " ppl4j maps the reals onto; write a guide of your own for this model");
            }
            Object value = d.sample(rng);
            int[] shape = value instanceof Tensor t ? t.shape() : null;
            if (b instanceof SiteBijection.Simplex && (shape == null || shape.length != 1 || shape[0] < 2)) {
                throw new IllegalArgumentException(guide + ": the latent site '" + address + "' of " + modelName
                        + " is a " + d.family().name() + " of shape " + AD.describe(value) + "; an automatic"
                        + " guide handles one simplex vector per site");
            }
            latents.add(new Latent(address, d.family().name(), shape, b, localDepth > 0));
            return value;
        }

        private IllegalArgumentException twice(Address address) {
            return new IllegalArgumentException(guide + ": the model " + modelName + " makes the random choice '"
                    + address + "' twice");
        }

        @Override
        public ParamProvider params() {
            return params;
        }

        @Override
        public void enterIteration(int i) {
            iterations.enter(i);
        }

        @Override
        public void exitIteration() {
            iterations.exit();
        }

        @Override
        public void enterLocal() {
            localDepth++;
        }

        @Override
        public void exitLocal() {
            localDepth--;
        }
    }
}
