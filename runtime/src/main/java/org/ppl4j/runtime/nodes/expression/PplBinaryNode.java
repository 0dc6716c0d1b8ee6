package org.ppl4j.runtime.nodes.expression;

import com.oracle.truffle.api.dsl.NodeChild;
import org.ppl4j.runtime.nodes.PplExpressionNode;

/** An operator with two operands, specialised by the DSL. */
@NodeChild("left")
@NodeChild("right")
public abstract class PplBinaryNode extends PplExpressionNode {
}
