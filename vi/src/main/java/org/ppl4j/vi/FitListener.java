package org.ppl4j.vi;

/** Told after each completed step of {@link Fit#run}: the step number (1-based) and its objective value. */
@FunctionalInterface
public interface FitListener {
    void onStep(int step, double objective);
}
