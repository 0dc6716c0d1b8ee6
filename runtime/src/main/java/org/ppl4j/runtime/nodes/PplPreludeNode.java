package org.ppl4j.runtime.nodes;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.DirectCallNode;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.value.PplNothing;

/**
 * The first statement of every program: defines the stdlib's objectives ({@code elbo} and friends) in its context
 * the first time a program of that context runs, and never again.
 */
public final class PplPreludeNode extends PplExpressionNode {
    @Child private DirectCallNode prelude;
    private final CountingConditionProfile firstRun = CountingConditionProfile.create();

    public PplPreludeNode(CallTarget prelude) {
        this.prelude = DirectCallNode.create(prelude);
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        PplContext context = PplContext.get(this);
        if (firstRun.profile(!context.preludeDefined())) {
            prelude.call();
            context.setPreludeDefined();
        }
        return PplNothing.INSTANCE;
    }
}
