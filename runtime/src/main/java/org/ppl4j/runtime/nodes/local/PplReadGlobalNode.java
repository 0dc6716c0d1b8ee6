package org.ppl4j.runtime.nodes.local;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/** Reads a top-level name; top-level names live in the context so that REPL lines share them. */
public final class PplReadGlobalNode extends PplExpressionNode {
    private final String name;

    public PplReadGlobalNode(String name) {
        this.name = name;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return read(PplContext.get(this));
    }

    @TruffleBoundary
    private Object read(PplContext context) {
        Object v = context.globals().get(name);
        if (v == null) {
            throw new PplException("'" + name + "' is used before it is defined", this);
        }
        return v;
    }
}
