package org.ppl4j.stdlib.autoguide;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;

/**
 * An automatic guide's amortising encoder ({@code amortise: enc(x)}): a model of the user's, called with the data,
 * that makes no random choice and returns, for each local site, a record {@code { loc, log_scale }} of the site's
 * unconstrained shape ({@code loc} alone for {@code auto_delta}). Its parameters are its own ({@code enc.W1}, ...),
 * created in the fit's store on first use, so one network serves every data point and every batch.
 */
final class Encoder {
    private final String guide;
    private final BoundModel model;
    private final List<ModelSites.Latent> locals;
    private final boolean locOnly;

    Encoder(String guide, org.ppl4j.runtime.trace.GenerativeFunction encoder, List<ModelSites.Latent> locals,
            boolean locOnly) {
        if (!(encoder instanceof BoundModel m)) {
            throw new IllegalArgumentException(guide + ": 'amortise' must be a model called with the data, as in"
                    + " amortise: encoder(x), got " + encoder.name());
        }
        this.guide = guide;
        this.model = m;
        this.locals = locals;
        this.locOnly = locOnly;
    }

    /** The encoder model's name. */
    String modelName() {
        return model.name();
    }

    /** Runs the encoder once at the parameters' current values (creating none), to check what it returns. */
    void check(PplContext context) {
        run(context, ModelSites.readOnly(context.params()));
    }

    /** Each local site's {loc, log_scale} (log_scale null for a point mass), computed at {@code params}. */
    Map<Address, Object[]> run(PplContext context, ParamProvider params) {
        Object out = Generative.run(context, model, new Handler() {
            @Override
            public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
                throw new IllegalArgumentException(guide + ": the encoder " + model.name() + " (amortise:) makes the"
                        + " random choice '" + address + "'; an encoder computes parameters only");
            }

            @Override
            public ParamProvider params() {
                return params;
            }
        });
        String wanted = locOnly ? "{ loc }" : "{ loc, log_scale }";
        if (!(out instanceof PplRecord r)) {
            throw new IllegalArgumentException(guide + ": the encoder " + model.name() + " (amortise:) must return a"
                    + " record with a field per local site (" + names() + "), each " + wanted + ", got "
                    + Printer.kind(out));
        }
        Map<Address, Object[]> byAddress = new LinkedHashMap<>();
        for (ModelSites.Latent s : locals) {
            String field = s.address().toString();
            if (!(r.get(field) instanceof PplRecord site)) {
                throw new IllegalArgumentException(guide + ": the encoder " + model.name() + " (amortise:) returned "
                        + (r.has(field) ? Printer.kind(r.get(field)) + " for '" + field + "'" : "no field '" + field
                        + "'") + "; it must return a record with a field per local site (" + names() + "), each "
                        + wanted);
            }
            Object loc = field(site, s, "loc");
            Object logScale = locOnly ? null : field(site, s, "log_scale");
            byAddress.put(s.address(), new Object[] {loc, logScale});
        }
        for (String f : r.fields().keySet()) {
            if (locals.stream().noneMatch(s -> s.address().toString().equals(f))) {
                throw new IllegalArgumentException(guide + ": the encoder " + model.name() + " (amortise:) returned"
                        + " a field '" + f + "', which is not a local latent site of the model (those are " + names()
                        + ")");
            }
        }
        return byAddress;
    }

    private Object field(PplRecord site, ModelSites.Latent s, String name) {
        Object v = site.get(name);
        int[] want = s.unconstrainedShape();
        int[] got = v == null ? null : AD.isTensor(v) ? AD.tensorValue(v).shape() : AD.value(v) instanceof Double ? null
                : new int[] {-1};
        if (v == null || !Arrays.equals(want, got)) {
            throw new IllegalArgumentException(guide + ": the encoder " + model.name() + " (amortise:) returned "
                    + (v == null ? "no '" + name + "'" : name + " as " + AD.describe(v)) + " for the local site '"
                    + s.address() + "', whose unconstrained shape is " + (want == null ? "[] (a number)"
                    : Arrays.toString(want)) + " (one row per data point of the batch)");
        }
        return v;
    }

    private String names() {
        return String.join(", ", locals.stream().map(s -> "'" + s.address() + "'").toList());
    }
}
