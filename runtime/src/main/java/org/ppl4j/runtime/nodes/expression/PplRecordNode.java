package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.PplRecord;

/** {@code { a: 1, "b c": 2 }}: a record literal. */
public final class PplRecordNode extends PplExpressionNode {
    private final String[] keys;
    @Children private final PplExpressionNode[] values;

    public PplRecordNode(String[] keys, PplExpressionNode[] values) {
        this.keys = keys;
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
    private PplRecord build(Object[] v) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            fields.put(keys[i], v[i]);
        }
        return new PplRecord("record", fields);
    }
}
