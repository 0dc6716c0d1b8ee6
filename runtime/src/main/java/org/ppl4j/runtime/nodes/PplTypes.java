package org.ppl4j.runtime.nodes;

import com.oracle.truffle.api.dsl.TypeSystem;

/** The types the DSL specialises on: plain numbers and booleans stay unboxed on fast paths. */
@TypeSystem({double.class, boolean.class})
public abstract class PplTypes {
}
