package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

/** The parameters of another provider with their gradients stopped: {@code detach(g)} and normalize's weights. */
public record DetachedParams(ParamProvider params) implements ParamProvider {
    public static ParamProvider of(ParamProvider params) {
        return params instanceof DetachedParams ? params : new DetachedParams(params);
    }

    @Override
    public Object lookup(ParamKey key) {
        Object v = params.lookup(key);
        return v == null ? null : AD.value(v);
    }

    @Override
    public Object create(ParamKey key, Object initialValue, Constraint constraint) {
        return AD.value(params.create(key, initialValue, constraint));
    }
}
