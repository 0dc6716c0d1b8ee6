package org.ppl4j.runtime.nodes.controlflow;

import com.oracle.truffle.api.nodes.ControlFlowException;

/** Unwinds to the enclosing function's root with the returned value. */
public final class PplReturnException extends ControlFlowException {
    private static final long serialVersionUID = 1L;
    private final transient Object value;

    public PplReturnException(Object value) {
        this.value = value;
    }

    public Object value() {
        return value;
    }
}
