package org.ppl4j.runtime.error;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.exception.AbstractTruffleException;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.source.SourceSection;
import org.ppl4j.runtime.ad.NotBatchable;

/**
 * A runtime error in a user's program, located at the node that raised it. The launcher prints it as
 * {@code file:line:col: error: message}, the source line and a caret; never as a Java stack trace.
 */
public final class PplException extends AbstractTruffleException {
    private static final long serialVersionUID = 1L;

    private final transient SourceSection section;

    @TruffleBoundary
    public PplException(String message, Node location) {
        super(message, location);
        this.section = location == null ? null : location.getEncapsulatingSourceSection();
    }

    @TruffleBoundary
    public PplException(String message, Node location, Throwable cause) {
        super(message, cause, UNLIMITED_STACK_TRACE, location);
        this.section = location == null ? null : location.getEncapsulatingSourceSection();
    }

    public SourceSection section() {
        return section;
    }

    /**
     * An error raised inside the standard library (an objective of {@code stdlib/objectives.ppl}) as it leaves
     * through a call in the user's program: placed at that call, the user's own line, with the library's
     * position in the message ("... (raised in stdlib/objectives.ppl:8:10)"). Other errors are returned as
     * they are.
     */
    @TruffleBoundary
    public static PplException atUserCall(PplException e, Node call) {
        SourceSection at = e.section;
        SourceSection user = call == null ? null : call.getEncapsulatingSourceSection();
        if (at == null || user == null || !inLibrary(at) || inLibrary(user)) {
            return e;
        }
        String message = e.getMessage() + " (raised in " + at.getSource().getName() + ":" + at.getStartLine() + ":"
                + at.getStartColumn() + userCallers(call) + ")";
        return new PplException(message, call, e);
    }

    /**
     * The user's calls that led to {@code call}, innermost first: ", called from a.ppl:12:5, from a.ppl:20:1", or
     * "" when {@code call} is at the top level. Calls inside the library are left out.
     */
    private static String userCallers(Node call) {
        StringBuilder sb = new StringBuilder();
        com.oracle.truffle.api.Truffle.getRuntime().iterateFrames(f -> {
            Node n = f.getCallNode();
            SourceSection s = n == null || n == call ? null : n.getEncapsulatingSourceSection();
            if (s != null && s.isAvailable() && !inLibrary(s)) {
                sb.append(sb.length() == 0 ? ", called from " : ", from ").append(s.getSource().getName()).append(':')
                        .append(s.getStartLine()).append(':').append(s.getStartColumn());
            }
            return null;
        });
        return sb.toString();
    }

    private static boolean inLibrary(SourceSection s) {
        return s.isAvailable() && org.ppl4j.runtime.PplLanguage.PRELUDE_NAME.equals(s.getSource().getName());
    }

    /**
     * The user-facing form of an exception thrown by library code under {@code location}: a known user error
     * keeps its message, anything else says what failed. A {@link NotBatchable} is not an error and is thrown on
     * as it is, to the vectorised body that will run as a loop instead.
     */
    @TruffleBoundary
    public static PplException wrap(RuntimeException e, Node location) {
        if (e instanceof PplException p) {
            return p;
        }
        if (e instanceof NotBatchable n) {
            throw n;
        }
        if (e instanceof PplStopped || e instanceof com.oracle.truffle.api.exception.AbstractTruffleException
                && !(e instanceof PplCompileException)) {
            throw e; // a stop or the engine's cancel inside a long builtin: not an error of the program
        }
        String message = e.getMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        return new PplException(message, location, e);
    }
}
