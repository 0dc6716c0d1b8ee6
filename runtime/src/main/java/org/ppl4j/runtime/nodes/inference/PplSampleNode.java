package org.ppl4j.runtime.nodes.inference;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.instrumentation.StandardTags;
import com.oracle.truffle.api.instrumentation.Tag;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.nodes.expression.Arith;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.TraceDistribution;

/**
 * A random choice {@code name[i]... ~ dist by strategy}. The handler installed by sim, density or fit
 * decides what happens; the strategy chosen by the estimate pass travels with the site.
 */
public final class PplSampleNode extends PplExpressionNode {
    private final String owner;
    private final String name;
    @Children private final PplExpressionNode[] indices;
    @Child private PplExpressionNode distribution;
    private final GradientStrategy strategy;
    @Child private PplExpressionNode baseline;

    /**
     * @param baseline a baseline the program computes for each sample ({@code by reinforce(baseline: e)}), or null
     */
    public PplSampleNode(String owner, String name, PplExpressionNode[] indices, PplExpressionNode distribution,
            GradientStrategy strategy, PplExpressionNode baseline) {
        this.owner = owner;
        this.name = name;
        this.indices = indices;
        this.distribution = distribution;
        this.strategy = strategy;
        this.baseline = baseline;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        int[] idx = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            idx[i] = wholeNumber(indices[i].executeGeneric(frame), indices[i]);
        }
        Object d = distribution.executeGeneric(frame);
        Object b = baseline == null ? null : baseline.executeGeneric(frame);
        return sample(PplContext.get(this), idx, d, b);
    }

    /** An address index: a non-negative whole number, else an error at {@code at}. */
    @TruffleBoundary
    static int wholeNumber(Object v, PplExpressionNode at) {
        org.ppl4j.runtime.ad.Tape.observe(v);
        Object x = AD.value(v);
        if (x instanceof Double d && d == Math.rint(d) && d >= 0) {
            if (d > Integer.MAX_VALUE) {
                throw new PplException("an address index must be at most 2147483647 (2^31 - 1), got "
                        + org.ppl4j.runtime.value.Printer.number(d), at);
            }
            return (int) (double) d;
        }
        throw new PplException("an address index must be a non-negative whole number, got " + Arith.kind(v), at);
    }

    @TruffleBoundary
    private Object sample(PplContext context, int[] idx, Object d, Object baselineValue) {
        if (!(d instanceof Distribution) && !(d instanceof TraceDistribution)) {
            throw new PplException("the right of '~' must be a distribution, got " + Arith.kind(d), distribution);
        }
        if (d instanceof Distribution dist && !strategy.supports(dist.family())) {
            throw new PplException("the strategy " + strategy.name() + " does not support " + dist.family().name(),
                    this);
        }
        Handler handler = context.handler();
        if (handler == null) {
            throw new PplException("a random choice can only be made while a model runs (in sim, density or fit)",
                    this);
        }
        try {
            GradientStrategy s = baselineValue == null ? strategy : strategy.withBaselineValue(baselineValue);
            context.enterSample(this);
            return handler.sample(owner, new Address(name, idx), d, s);
        } catch (PplException e) {
            throw e;
        } catch (RuntimeException e) {
            throw PplException.wrap(e, this);
        }
    }

    @Override
    public boolean hasTag(Class<? extends Tag> tag) {
        return tag == StandardTags.StatementTag.class || super.hasTag(tag);
    }
}
