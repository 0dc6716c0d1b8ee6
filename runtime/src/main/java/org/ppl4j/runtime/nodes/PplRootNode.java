package org.ppl4j.runtime.nodes;

import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.RootNode;
import com.oracle.truffle.api.source.SourceSection;
import org.ppl4j.runtime.PplLanguage;
import org.ppl4j.runtime.nodes.controlflow.PplReturnException;

/**
 * The root of a function, model or objective. Frame argument 0 is the defining scope; arguments 1..n are
 * copied into the first n local slots, then the body runs until it ends or returns.
 */
public final class PplRootNode extends RootNode {
    @Child private PplExpressionNode body;
    private final String name;
    private final int parameterCount;
    private final SourceSection section;

    public PplRootNode(PplLanguage language, FrameDescriptor frame, PplExpressionNode body, String name,
            int parameterCount, SourceSection section) {
        super(language, frame);
        this.body = body;
        body.asRootBody();
        this.name = name;
        this.parameterCount = parameterCount;
        this.section = section;
    }

    @Override
    @ExplodeLoop
    public Object execute(VirtualFrame frame) {
        Object[] args = frame.getArguments();
        for (int i = 0; i < parameterCount; i++) {
            frame.setObject(i, args[i + 1]);
        }
        try {
            return body.executeGeneric(frame);
        } catch (PplReturnException r) {
            return r.value();
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SourceSection getSourceSection() {
        return section;
    }

    @Override
    public String toString() {
        return name;
    }
}
