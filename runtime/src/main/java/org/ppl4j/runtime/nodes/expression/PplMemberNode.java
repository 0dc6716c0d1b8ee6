package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.Node;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplRecord;

/** {@code result.params}, {@code trace.mu}. */
public final class PplMemberNode extends PplExpressionNode {
    @Child private PplExpressionNode target;
    private final String name;

    public PplMemberNode(PplExpressionNode target, String name) {
        this.target = target;
        this.name = name;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return get(target.executeGeneric(frame));
    }

    @TruffleBoundary
    private Object get(Object t) {
        if (t instanceof PplRecord r) {
            return field(r, name, this);
        }
        if (t instanceof ChoiceMap c) {
            Object v = c.lookup(new Address(name));
            if (v == null) {
                throw new PplException("the choice map has no value at '" + name + "'", this);
            }
            return v;
        }
        throw new PplException(Arith.kind(t) + " has no field '" + name + "'", this);
    }

    static Object field(PplRecord r, String name, Node node) {
        if (!r.has(name)) {
            throw new PplException("a " + r.typeName() + " has no field '" + name + "'; its fields are "
                    + String.join(", ", r.fields().keySet()), node);
        }
        return r.get(name);
    }
}
