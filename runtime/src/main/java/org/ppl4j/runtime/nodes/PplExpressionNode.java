package org.ppl4j.runtime.nodes;

import com.oracle.truffle.api.dsl.TypeSystemReference;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.instrumentation.GenerateWrapper;
import com.oracle.truffle.api.instrumentation.InstrumentableNode;
import com.oracle.truffle.api.instrumentation.ProbeNode;
import com.oracle.truffle.api.instrumentation.StandardTags;
import com.oracle.truffle.api.instrumentation.Tag;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import com.oracle.truffle.api.source.SourceSection;

/**
 * Every ppl4j node is an expression; statements evaluate to {@code nothing}. Nodes with a source section are
 * instrumentable: statements carry {@code StatementTag} (what the debugger steps through and what
 * {@code --step-limit} counts), the bodies of functions and programs {@code RootTag} and {@code RootBodyTag}
 * (what the CPU sampler attributes time to), calls {@code CallTag}, other expressions {@code ExpressionTag}.
 */
@TypeSystemReference(PplTypes.class)
@GenerateWrapper
public abstract class PplExpressionNode extends Node implements InstrumentableNode {
    private SourceSection section;
    private boolean statement;
    private boolean rootBody;

    public abstract Object executeGeneric(VirtualFrame frame);

    public double executeDouble(VirtualFrame frame) throws UnexpectedResultException {
        return PplTypesGen.expectDouble(executeGeneric(frame));
    }

    public boolean executeBoolean(VirtualFrame frame) throws UnexpectedResultException {
        return PplTypesGen.expectBoolean(executeGeneric(frame));
    }

    public final PplExpressionNode at(SourceSection s) {
        this.section = s;
        return this;
    }

    /** Marks the node as a statement, for debuggers and profilers. */
    public final PplExpressionNode asStatement() {
        this.statement = true;
        return this;
    }

    /** Marks the node as the body of a function, model, objective or program, for profilers and debuggers. */
    public final PplExpressionNode asRootBody() {
        this.rootBody = true;
        return this;
    }

    @Override
    public SourceSection getSourceSection() {
        return section;
    }

    @Override
    public boolean isInstrumentable() {
        return section != null;
    }

    @Override
    public boolean hasTag(Class<? extends Tag> tag) {
        if (tag == StandardTags.RootTag.class || tag == StandardTags.RootBodyTag.class) {
            return rootBody;
        }
        return (tag == StandardTags.StatementTag.class && statement)
                || tag == StandardTags.ExpressionTag.class && !statement && !rootBody;
    }

    /**
     * What instruments (debugger, step limit) see of a value this node returned: values on the gradient tape
     * as their plain number or tensor, anything else that is not an interop value as its printed form. The
     * program itself goes on with the value as it was.
     */
    @GenerateWrapper.OutgoingConverter
    Object toInstrumentValue(Object value) {
        Object v = org.ppl4j.runtime.ad.AD.value(value);
        if (v instanceof com.oracle.truffle.api.interop.TruffleObject || v instanceof Double || v instanceof Boolean
                || v instanceof String || v instanceof Long || v instanceof Integer) {
            return v;
        }
        return show(v);
    }

    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private static String show(Object v) {
        return org.ppl4j.runtime.value.Printer.show(v);
    }

    @Override
    public WrapperNode createWrapper(ProbeNode probe) {
        return new PplExpressionNodeWrapper(this, probe);
    }
}
