package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.PplLanguage;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.trace.GenerativeFunction;

/** A model applied to its arguments, {@code coin(8)}: a generative function ready for sim and density. */
@ExportLibrary(InteropLibrary.class)
public record BoundModel(FunctionValue model, Object[] args) implements GenerativeFunction {
    @Override
    public String name() {
        return model.name();
    }

    @Override
    public ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params) {
        return Generative.simulate(context, this, estimation, params).trace();
    }

    @Override
    public Object density(PplContext context, ChoiceMap choices, ParamProvider params) {
        return Generative.density(context, this, choices, params);
    }

    @Override
    public Object densityPerDatum(PplContext context, ChoiceMap choices, ParamProvider params) {
        return Generative.densityPerDatum(context, this, choices, params);
    }

    @Override
    public String toString() {
        return model.name() + "(...)";
    }

    @ExportMessage
    boolean hasLanguage() {
        return true;
    }

    @ExportMessage
    Class<? extends TruffleLanguage<?>> getLanguage() {
        return PplLanguage.class;
    }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(boolean allowSideEffects) {
        return Printer.show(this);
    }
}
