package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;

@NodeInfo(shortName = "@")
public abstract class PplMatMulNode extends PplBinaryNode {
    /** Only tensors multiply as matrices; the helper says so for anything else. */
    @Specialization
    protected Object doGeneric(Object a, Object b) {
        return Arith.binary(Arith.Op.MATMUL, a, b, this);
    }
}
