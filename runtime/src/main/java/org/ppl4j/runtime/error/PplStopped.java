package org.ppl4j.runtime.error;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.exception.AbstractTruffleException;
import com.oracle.truffle.api.nodes.Node;

/** The program stopped because the launcher asked it to ({@link org.ppl4j.runtime.Stop}); not an error in it. */
public final class PplStopped extends AbstractTruffleException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    @TruffleBoundary
    public PplStopped(String reason, String message, Node location) {
        super(message, location);
        this.reason = reason;
    }

    /** "timeout" or "interrupt". */
    public String reason() {
        return reason;
    }
}
