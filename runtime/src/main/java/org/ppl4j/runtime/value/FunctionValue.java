package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.frame.MaterializedFrame;
import com.oracle.truffle.api.interop.ArityException;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.UnsupportedTypeException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.util.List;
import org.ppl4j.runtime.interop.HostValues;

/**
 * A user-defined function, model or objective, closed over the frame it was defined in. Calling a
 * function runs it; calling a model or an objective binds its arguments (see {@link BoundModel},
 * {@link ObjectiveInstance}), which {@code sim}, {@code density} and {@code fit} then run.
 */
@ExportLibrary(InteropLibrary.class)
public final class FunctionValue extends PplValue {
    /** What a declaration is. */
    public enum Kind {
        FN("fn"), MODEL("model"), OBJECTIVE("objective");

        public final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }
    }

    private final Kind kind;
    private final String name;
    private final List<String> parameters;
    private final RootCallTarget callTarget;
    private final MaterializedFrame scope;

    public FunctionValue(Kind kind, String name, List<String> parameters, RootCallTarget callTarget,
            MaterializedFrame scope) {
        this.kind = kind;
        this.name = name;
        this.parameters = List.copyOf(parameters);
        this.callTarget = callTarget;
        this.scope = scope;
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public List<String> parameters() {
        return parameters;
    }

    public RootCallTarget callTarget() {
        return callTarget;
    }

    public MaterializedFrame scope() {
        return scope;
    }

    /** The frame arguments for a call: the defining scope first, then the user's arguments. */
    public Object[] frameArguments(Object[] args) {
        Object[] frameArgs = new Object[args.length + 1];
        frameArgs[0] = scope;
        System.arraycopy(args, 0, frameArgs, 1, args.length);
        return frameArgs;
    }

    /** Runs the body (for models: under whatever handler is installed). */
    public Object invoke(Object[] args) {
        return callTarget.call(frameArguments(args));
    }

    @Override
    public String toString() {
        return kind.keyword + " " + name;
    }

    @ExportMessage
    boolean isExecutable() {
        return true;
    }

    /**
     * A call from the host, as a call in ppl: a function runs and returns its value, a model or an objective binds
     * its arguments ({@code coin(8)}, a value to give sim, density or fit).
     */
    @ExportMessage
    @TruffleBoundary
    Object execute(Object[] arguments) throws ArityException, UnsupportedTypeException {
        if (arguments.length != parameters.size()) {
            throw ArityException.create(parameters.size(), parameters.size(), arguments.length);
        }
        Object[] args = HostValues.importAll(arguments);
        return switch (kind) {
            case MODEL -> new BoundModel(this, args);
            case OBJECTIVE -> new ObjectiveInstance(this, args);
            case FN -> HostValues.export(invoke(args));
        };
    }
}
