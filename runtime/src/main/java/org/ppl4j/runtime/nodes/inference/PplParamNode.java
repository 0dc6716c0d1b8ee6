package org.ppl4j.runtime.nodes.inference;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

/**
 * {@code param a = init : constraint}: the current value of a trainable parameter. The initial value is
 * evaluated only the first time the parameter is seen.
 */
public final class PplParamNode extends PplExpressionNode {
    private final ParamKey key;
    private final Constraint constraint;
    @Child private PplExpressionNode initial;

    public PplParamNode(ParamKey key, Constraint constraint, PplExpressionNode initial) {
        this.key = key;
        this.constraint = constraint;
        this.initial = initial;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        PplContext context = PplContext.get(this);
        ParamProvider params = provider(context);
        Object v = lookup(params);
        if (v == null) {
            v = create(params, initial.executeGeneric(frame));
        }
        return v;
    }

    @TruffleBoundary
    private ParamProvider provider(PplContext context) {
        return context.handler() == null ? context.params() : context.handler().params();
    }

    @TruffleBoundary
    private Object lookup(ParamProvider params) {
        return params.lookup(key);
    }

    @TruffleBoundary
    private Object create(ParamProvider params, Object init) {
        try {
            return params.create(key, init, constraint);
        } catch (RuntimeException e) {
            throw PplException.wrap(e, initial);
        }
    }
}
