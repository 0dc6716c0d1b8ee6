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

/** Every ppl4j node is an expression; statements evaluate to {@code nothing}. */
@TypeSystemReference(PplTypes.class)
@GenerateWrapper
public abstract class PplExpressionNode extends Node implements InstrumentableNode {
    private SourceSection section;
    private boolean statement;

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
        return (tag == StandardTags.StatementTag.class && statement)
                || tag == StandardTags.ExpressionTag.class && !statement;
    }

    @Override
    public WrapperNode createWrapper(ProbeNode probe) {
        return new PplExpressionNodeWrapper(this, probe);
    }
}
