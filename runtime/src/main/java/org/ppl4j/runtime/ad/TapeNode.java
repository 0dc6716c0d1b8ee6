package org.ppl4j.runtime.ad;

/** Something on the tape that passes its adjoint on to its inputs. */
abstract class TapeNode {
    abstract void propagate();
}
