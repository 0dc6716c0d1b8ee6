package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.error.PplException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplRecord;

/** {@code xs[i]} on lists and tensors; {@code trace["flip[2]"]} and {@code record["name"]} by key. */
public final class PplIndexNode extends PplExpressionNode {
    @Child private PplExpressionNode target;
    @Child private PplExpressionNode index;

    public PplIndexNode(PplExpressionNode target, PplExpressionNode index) {
        this.target = target;
        this.index = index;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return get(target.executeGeneric(frame), index.executeGeneric(frame));
    }

    @TruffleBoundary
    private Object get(Object t, Object i) {
        if (i instanceof String key) {
            return byKey(t, key);
        }
        Object iv = AD.value(i);
        if (!(iv instanceof Double d) || d != Math.rint(d)) {
            throw new PplException("an index must be a whole number, got " + Arith.kind(i), index);
        }
        if (Math.abs(d) > Integer.MAX_VALUE) { // not clamped: the message names the index as written
            throw new PplException("index " + org.ppl4j.runtime.value.Printer.number(d) + " is out of bounds: a list or tensor holds at most "
                    + "2147483647 (2^31 - 1) elements", index);
        }
        int k = (int) (double) d;
        try {
            // an index that came from a random choice makes the element depend on that choice
            if (t instanceof PplList l) {
                Object element = l.get(k);
                if (AD.isTracked(i) && !AD.isNumeric(element)) {
                    org.ppl4j.runtime.ad.Tape.observe(i);
                }
                return AD.dependsOn(element, i);
            }
            if (AD.isTensor(t)) {
                return AD.dependsOn(AD.index(t, k), i);
            }
            if (t instanceof org.ppl4j.runtime.ad.Batched b && b.eventRank() > 0 && !AD.isTracked(i)) {
                return b.map(x -> org.ppl4j.runtime.ad.Axes.select(x, 1, k)); // each iteration's element k
            }
        } catch (RuntimeException e) {
            throw PplException.wrap(e, this);
        }
        throw new PplException("cannot index " + Arith.kind(t), target);
    }

    private Object byKey(Object t, String key) {
        if (t instanceof ChoiceMap c) {
            Address a = Address.parse(key);
            Object v = a == null ? null : c.lookup(a);
            if (v == null) {
                throw new PplException("the choice map has no value at '" + key + "'", index);
            }
            return v;
        }
        if (t instanceof PplRecord r) {
            return PplMemberNode.field(r, key, this);
        }
        throw new PplException("cannot look up '" + key + "' in " + Arith.kind(t), target);
    }
}
