package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.frame.VirtualFrame;
import java.util.List;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.FunctionValue;

/**
 * Creates a function, model or objective value. Nested ones close over the current frame; top-level ones
 * ({@code closes} false) have no enclosing frame.
 */
public final class PplFunctionNode extends PplExpressionNode {
    private final FunctionValue.Kind kind;
    private final String name;
    private final List<String> parameters;
    private final RootCallTarget target;
    private final boolean closes;

    public PplFunctionNode(FunctionValue.Kind kind, String name, List<String> parameters, RootCallTarget target,
            boolean closes) {
        this.kind = kind;
        this.name = name;
        this.parameters = parameters;
        this.target = target;
        this.closes = closes;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return new FunctionValue(kind, name, parameters, target, closes ? frame.materialize() : null);
    }
}
