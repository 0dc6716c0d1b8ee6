package org.ppl4j.runtime.nodes.inference;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.instrumentation.StandardTags;
import com.oracle.truffle.api.instrumentation.Tag;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.nodes.expression.Arith;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.Address;

/**
 * {@code track name[i]... = value}: a derived quantity of a model (Pyro's {@code deterministic}, Stan's generated
 * quantities). Its value is handed to the running handler at its address, to be kept beside the choices by those
 * that record a run (predictive sampling, the summaries' and draws' density runs); it is never scored, so it
 * changes no density and no gradient. The statement's value is the tracked value.
 */
public final class PplTrackNode extends PplExpressionNode {
    private final String name;
    @Children private final PplExpressionNode[] indices;
    @Child private PplExpressionNode value;

    public PplTrackNode(String name, PplExpressionNode[] indices, PplExpressionNode value) {
        this.name = name;
        this.indices = indices;
        this.value = value;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        int[] idx = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            idx[i] = PplSampleNode.wholeNumber(indices[i].executeGeneric(frame), indices[i]);
        }
        Object v = value.executeGeneric(frame);
        track(PplContext.get(this), idx, v);
        return v;
    }

    @TruffleBoundary
    private void track(PplContext context, int[] idx, Object v) {
        if (!AD.isNumeric(v) && !(v instanceof org.ppl4j.runtime.ad.Batched)) {
            throw new PplException("track " + name + ": the value must be a number or a tensor, got " + Arith.kind(v),
                    value);
        }
        context.noteTracked();
        Handler handler = context.handler();
        if (handler != null) {
            try {
                handler.track(new Address(name, idx), v);
            } catch (PplException e) {
                throw e;
            } catch (RuntimeException e) {
                throw PplException.wrap(e, this);
            }
        }
    }

    @Override
    public boolean hasTag(Class<? extends Tag> tag) {
        return tag == StandardTags.StatementTag.class || super.hasTag(tag);
    }
}
