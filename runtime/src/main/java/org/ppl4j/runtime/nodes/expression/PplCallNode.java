package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.IndirectCallNode;
import org.ppl4j.runtime.builtins.BuiltinValue;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.FunctionValue;
import org.ppl4j.runtime.value.ObjectiveInstance;

/**
 * A call whose callee is a value: a function runs, a model or an objective binds its arguments, a builtin
 * passed as a value runs with positional arguments.
 */
public final class PplCallNode extends PplExpressionNode {
    @Child private PplExpressionNode callee;
    @Children private final PplExpressionNode[] arguments;
    @Child private IndirectCallNode call = IndirectCallNode.create();

    public PplCallNode(PplExpressionNode callee, PplExpressionNode[] arguments) {
        this.callee = callee;
        this.arguments = arguments;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object f = callee.executeGeneric(frame);
        Object[] args = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            args[i] = arguments[i].executeGeneric(frame);
        }
        if (f instanceof FunctionValue fn) {
            checkArity(fn, args.length);
            switch (fn.kind()) {
                case MODEL:
                    return new BoundModel(fn, args);
                case OBJECTIVE:
                    return new ObjectiveInstance(fn, args);
                default:
                    try {
                        return call.call(fn.callTarget(), fn.frameArguments(args));
                    } catch (StackOverflowError e) {
                        throw tooDeep();
                    } catch (PplException e) {
                        throw PplException.atUserCall(e, this);
                    }
            }
        }
        if (f instanceof BuiltinValue b) {
            return PplBuiltinCallNode.invoke(b.builtin(), PplBuiltinCallNode.bindPositional(b.builtin(), args, this),
                    this);
        }
        throw notCallable(f);
    }

    @TruffleBoundary
    private void checkArity(FunctionValue fn, int given) {
        if (fn.parameters().size() != given) {
            throw new PplException(fn.kind().keyword + " '" + fn.name() + "' takes " + fn.parameters().size()
                    + " argument" + (fn.parameters().size() == 1 ? "" : "s") + " (" + String.join(", ", fn.parameters())
                    + "), got " + given, this);
        }
    }

    @TruffleBoundary
    private PplException tooDeep() {
        return new PplException("the program recursed too deeply: the calls nest deeper than the stack allows"
                + " (is a recursion missing its base case?)", this);
    }

    @TruffleBoundary
    private PplException notCallable(Object f) {
        return new PplException("cannot call " + Arith.kind(f), callee);
    }

    @Override
    public boolean hasTag(Class<? extends com.oracle.truffle.api.instrumentation.Tag> tag) {
        return tag == com.oracle.truffle.api.instrumentation.StandardTags.CallTag.class || super.hasTag(tag);
    }
}
