package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gate before a program's first large tensor ({@link HandOver}): it stops an armed run that has done nothing
 * visible, lets any other run through, and is asked once. (The gate itself, not Nd4jKernels' static initialiser
 * that calls it: a class whose initialiser threw stays unusable in this JVM.)
 */
class HandOverTest {
    @AfterEach
    void disarm() {
        HandOver.disarm();
    }

    @Test
    void anUnseenRunIsStoppedOnce() {
        AtomicInteger asked = new AtomicInteger();
        HandOver.arm(() -> {
            asked.incrementAndGet();
            return true;
        });
        assertTrue(HandOver.armed());
        HandOver.Stop stop = assertThrows(HandOver.Stop.class, HandOver::beforeFirstLargeTensor);
        assertTrue(HandOver.requested());
        assertTrue(stop.getStackTrace().length == 0, "the stop carries a stack trace");
        assertFalse(HandOver.armed(), "the gate stays armed after it stopped the run");
        assertDoesNotThrow(HandOver::beforeFirstLargeTensor);
        assertTrue(asked.get() == 1, "asked " + asked.get() + " times");
    }

    @Test
    void aRunThatWasSeenGoesOnAndIsNotStoppedLater() {
        boolean[] seen = {true};
        HandOver.arm(() -> !seen[0]);
        assertDoesNotThrow(HandOver::beforeFirstLargeTensor);
        assertFalse(HandOver.requested());
        seen[0] = false; // whatever the run does later, the gate is passed
        assertDoesNotThrow(HandOver::beforeFirstLargeTensor);
        assertFalse(HandOver.requested());
    }

    @Test
    void anUnarmedGateLetsEveryRunThrough() {
        assertFalse(HandOver.armed());
        assertDoesNotThrow(HandOver::beforeFirstLargeTensor);
        assertFalse(HandOver.requested());
        HandOver.arm(() -> true);
        HandOver.disarm();
        assertDoesNotThrow(HandOver::beforeFirstLargeTensor);
        assertFalse(HandOver.requested());
    }
}
