package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplNothing;

/** A sequence of statements; its value is the last one's. */
public final class PplBlockNode extends PplExpressionNode {
    @Children private final PplExpressionNode[] statements;

    public PplBlockNode(PplExpressionNode[] statements) {
        this.statements = statements;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object last = PplNothing.INSTANCE;
        for (PplExpressionNode s : statements) {
            try {
                last = s.executeGeneric(frame);
            } catch (OutOfMemoryError e) {
                throw outOfMemory(s, e); // the innermost statement that was running when memory ran out
            } catch (AssertionError e) {
                // the optimising compiler failing to start because memory ran out on its thread (Truffle's
                // "Compiler initialization failed", caused by an OutOfMemoryError): memory, at this statement
                if (e.getCause() instanceof OutOfMemoryError oom) {
                    throw outOfMemory(s, oom);
                }
                throw e;
            }
        }
        return last;
    }

    /**
     * Memory exhausted anywhere in a statement (a list grown in a loop, not only a builtin's allocation): a
     * positioned runtime error rather than the JVM's own message and exit code.
     */
    @TruffleBoundary
    static PplException outOfMemory(PplExpressionNode at, OutOfMemoryError e) {
        org.ppl4j.runtime.error.OutOfMemorySite.record(at); // first: building the error below may run out too
        return new PplException("out of memory (" + e.getMessage() + "): the values the program keeps need more "
                + "than the " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB the JVM may use; keep fewer alive, "
                + "or set more with PPL_JAVA_OPTS=-Xmx...", at);
    }
}
