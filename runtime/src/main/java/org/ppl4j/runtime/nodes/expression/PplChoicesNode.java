package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;

/** {@code choices { flip: [1, 0], "mu": 2 }}: a choice map literal. */
public final class PplChoicesNode extends PplExpressionNode {
    private final Address[] addresses;
    @Children private final PplExpressionNode[] values;

    public PplChoicesNode(Address[] addresses, PplExpressionNode[] values) {
        this.addresses = addresses;
        this.values = values;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] v = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i].executeGeneric(frame);
        }
        return build(v);
    }

    @TruffleBoundary
    private ChoiceMap build(Object[] v) {
        ChoiceMap map = new ChoiceMap();
        for (int i = 0; i < v.length; i++) {
            try {
                map.put(addresses[i], v[i]);
            } catch (IllegalArgumentException e) {
                throw new PplException(e.getMessage(), values[i]);
            }
        }
        return map;
    }
}
