package org.ppl4j.kernels;

/** Elementwise binary arithmetic. */
public enum Op {
    ADD, SUB, MUL, DIV;

    /** a op b in float32. */
    public float apply(float a, float b) {
        switch (this) {
            case ADD:
                return a + b;
            case SUB:
                return a - b;
            case MUL:
                return a * b;
            default:
                return a / b;
        }
    }
}
