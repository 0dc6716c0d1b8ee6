package org.ppl4j.runtime;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.source.Source;

/**
 * The compiler, as the language sees it: source in, a callable program out. Found with
 * {@link java.util.ServiceLoader} so that the runtime does not depend on the compiler.
 */
public interface PplFrontEnd {
    /** Compiles a whole program; throws a {@code PplCompileException}-like Truffle exception on errors. */
    RootCallTarget compile(PplLanguage language, Source source);
}
