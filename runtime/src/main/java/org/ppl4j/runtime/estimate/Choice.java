package org.ppl4j.runtime.estimate;

import java.util.List;
import org.ppl4j.runtime.dist.Distribution;

/**
 * One random choice of one run that the surrogate must know about.
 *
 * @param bit       its provenance source number on the tape (the order of such choices in the run)
 * @param kind      how its gradient is estimated
 * @param site      where it is
 * @param logProb   log q(value) as a tracked value, for the value this run used
 * @param baseline  for score-function choices
 * @param values    for replayed choices: the values the runs take (enum: the support; mvd: x, then x+/x-)
 * @param logProbs  for enum: log q of every value, tracked
 * @param weak      for mvd: the weak-derivative terms at x
 * @param replayOrdinal position among the replayed choices of the run, or -1
 * @param elementLogProb for a tensor choice whose leading axes hold independent elements: log q of each element,
 *                  tracked, a tensor of the shape of those axes (its sum is {@code logProb}); null otherwise
 */
public record Choice(int bit, Kind kind, Site site, Object logProb, Baseline baseline, List<Object> values,
        List<Object> logProbs, List<Distribution.WeakDerivative> weak, int replayOrdinal, Object elementLogProb) {
    public Choice(int bit, Kind kind, Site site, Object logProb, Baseline baseline, List<Object> values,
            List<Object> logProbs, List<Distribution.WeakDerivative> weak, int replayOrdinal) {
        this(bit, kind, site, logProb, baseline, values, logProbs, weak, replayOrdinal, null);
    }

    /** The shape of the independent elements (the leading axes), or null for a choice scored whole. */
    public int[] elements() {
        return elementLogProb == null ? null : org.ppl4j.runtime.ad.AD.tensorValue(elementLogProb).shape();
    }

    /** The number of independent elements, 0 for a choice scored whole. */
    public int elementCount() {
        return elementLogProb == null ? 0 : org.ppl4j.runtime.ad.AD.tensorValue(elementLogProb).size();
    }

    /** The estimator of a choice. */
    public enum Kind { SCORE, ENUM, MVD }
}
