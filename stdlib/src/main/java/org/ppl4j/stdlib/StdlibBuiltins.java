package org.ppl4j.stdlib;

import java.util.List;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.stdlib.builtins.Registry;

/** Every builtin of the language, by name: the one list the compiler resolves names against. */
public final class StdlibBuiltins {
    private StdlibBuiltins() {
    }

    public static PplBuiltin lookup(String name) {
        return Registry.BY_NAME.get(name);
    }

    /** All builtin names, sorted. */
    public static List<String> names() {
        return Registry.NAMES;
    }
}
