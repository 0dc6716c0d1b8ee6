package org.ppl4j.stdlib.builtins;

import com.oracle.truffle.api.interop.TruffleObject;
import java.util.function.Supplier;
import org.ppl4j.vi.Optimizer;

/** {@code adam(0.05)}: a recipe for a fresh optimiser, so two fits never share optimiser state. */
record OptimizerValue(String description, Supplier<Optimizer> factory) implements TruffleObject {
    @Override
    public String toString() {
        return description;
    }
}
