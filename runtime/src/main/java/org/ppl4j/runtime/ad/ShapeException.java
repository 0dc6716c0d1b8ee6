package org.ppl4j.runtime.ad;

/** Operands whose shapes do not fit together; the message names both shapes. */
public final class ShapeException extends RuntimeException {
    public ShapeException(String message) {
        super(message);
    }
}
