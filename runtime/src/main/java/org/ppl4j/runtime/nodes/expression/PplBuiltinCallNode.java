package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.Node;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.error.PplStopped;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplList;

/**
 * A call of a builtin known at compile time; the compiler has already matched named and positional
 * arguments to parameters ({@code null} entries are omitted optional ones).
 */
public final class PplBuiltinCallNode extends PplExpressionNode {
    private final PplBuiltin builtin;
    @Children private final PplExpressionNode[] arguments;

    public PplBuiltinCallNode(PplBuiltin builtin, PplExpressionNode[] arguments) {
        this.builtin = builtin;
        this.arguments = arguments;
    }

    public PplBuiltin builtin() {
        return builtin;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] args = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            args[i] = arguments[i] == null ? null : arguments[i].executeGeneric(frame);
        }
        return invoke(builtin, args, this);
    }

    @TruffleBoundary
    static Object invoke(PplBuiltin builtin, Object[] args, Node node) {
        try {
            PplContext context = PplContext.get(node);
            if (context.stop().pending() && !context.stop().inFit()) {
                // a stop asked for: no new builtin (a product, a loader) starts; a fit stops between its steps
                throw new PplStopped(context.stop().reason(), "stopped (" + context.stop().reason() + ") before "
                        + builtin.name(), node);
            }
            return context.batch() > 0 ? builtin.callBatched(args, context) : builtin.call(args, context);
        } catch (PplException e) {
            throw PplException.atUserCall(e, node); // an objective's error at the fit that ran it
        } catch (PplStopped e) {
            // a stop taken up inside the builtin (a fit between its steps, a product between tiles): at its call
            throw e.getLocation() == null ? new PplStopped(e.reason(), e.getMessage(), node) : e;
        } catch (com.oracle.truffle.api.exception.AbstractTruffleException
                | com.oracle.truffle.api.nodes.ControlFlowException e) {
            throw e; // user errors already positioned, and the engine's own (interrupt, cancel, exit)
        } catch (StackOverflowError e) {
            throw new PplException("the program recursed too deeply", node);
        } catch (OutOfMemoryError e) {
            org.ppl4j.runtime.error.OutOfMemorySite.record(node); // first: building the error may run out too
            throw new PplException(builtin.name() + ": out of memory (" + e.getMessage() + "); the JVM may use "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, set more with PPL_JAVA_OPTS=-Xmx...", node);
        } catch (RuntimeException e) {
            throw PplException.wrap(e, node);
        }
    }

    /** Positional arguments of a builtin called through a value; extra ones go to a variadic last parameter. */
    @TruffleBoundary
    static Object[] bindPositional(PplBuiltin builtin, Object[] args, Node node) {
        int n = builtin.parameters().size();
        if (builtin.variadic() && args.length >= n - 1) {
            Object[] bound = new Object[n];
            System.arraycopy(args, 0, bound, 0, n - 1);
            Object[] rest = new Object[args.length - (n - 1)];
            System.arraycopy(args, n - 1, rest, 0, rest.length);
            bound[n - 1] = new PplList(rest);
            return bound;
        }
        if (args.length < builtin.required() || args.length > n) {
            throw new PplException(builtin.name() + " takes " + (builtin.required() == n ? "" : builtin.required()
                    + " to ") + n + " arguments (" + String.join(", ", builtin.parameters()) + "), got " + args.length,
                    node);
        }
        Object[] bound = new Object[n];
        System.arraycopy(args, 0, bound, 0, args.length);
        return bound;
    }

    @Override
    public boolean hasTag(Class<? extends com.oracle.truffle.api.instrumentation.Tag> tag) {
        return tag == com.oracle.truffle.api.instrumentation.StandardTags.CallTag.class || super.hasTag(tag);
    }
}
