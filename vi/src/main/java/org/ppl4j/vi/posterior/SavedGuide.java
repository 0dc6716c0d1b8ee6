package org.ppl4j.vi.posterior;

import java.util.Map;

/**
 * A guide that is not a model of the program (an automatic guide) but can say how to rebuild it: a saved fit
 * records the description ({@code "automatic"} in its JSON entry) so that {@code load_fit} alone can draw from it.
 */
public interface SavedGuide {
    /** A JSON-like description (maps, lists, strings, numbers, booleans, nulls), or null when it cannot be saved. */
    Map<String, Object> savedDescription();
}
