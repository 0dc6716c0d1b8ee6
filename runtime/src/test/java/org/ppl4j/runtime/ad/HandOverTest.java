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

    /** A clock the test moves by hand ({@link #advance}). */
    private static final class Steps implements java.util.function.LongSupplier {
        long now;

        @Override
        public long getAsLong() {
            return now;
        }

        void advance(double ms) {
            now += (long) (ms * 1e6);
        }
    }

    /** Runs steps of {@code ms} each until the watch decides or {@code max} steps; returns the steps run. */
    private static int runUntilDecided(HandOver.FitWatch watch, Steps clock, double warmMs, int warmSteps, double ms,
            long total, int max) {
        int s = 0;
        while (!watch.decided() && s < max) {
            clock.advance(s < warmSteps ? warmMs : ms);
            s++;
            watch.step(total - s);
        }
        return s;
    }

    @Test
    void aFitProjectedLongerThanTheLimitIsStoppedAfterTheProbe() {
        HandOver.arm(() -> true);
        Steps clock = new Steps();
        HandOver.FitWatch watch = new HandOver.FitWatch(clock, 2.0, 10.0);
        // 10 ms a step, 100,000 steps: about 1,000 s left after the 2 s probe
        HandOver.Stop stop = assertThrows(HandOver.Stop.class,
                () -> runUntilDecided(watch, clock, 10, 0, 10, 100_000, 1_000));
        assertTrue(HandOver.requested());
        assertTrue(stop.getMessage().startsWith("a fit with about"), stop.getMessage());
        assertTrue(clock.now >= 2_000_000_000L && clock.now < 2_020_000_000L,
                "decided at " + clock.now / 1e9 + " s, not just after the 2 s probe");
        assertFalse(HandOver.armed());
    }

    @Test
    void aFitWithLittleLeftGoesOnAndTheGateStaysArmed() {
        HandOver.arm(() -> true);
        Steps clock = new Steps();
        HandOver.FitWatch watch = new HandOver.FitWatch(clock, 2.0, 10.0);
        // 10 ms a step, 1,000 steps in all: 8 s left after the probe, under the 10 s limit
        int ran = assertDoesNotThrow(() -> runUntilDecided(watch, clock, 10, 0, 10, 1_000, 1_000));
        assertTrue(watch.decided() && ran == 200, "decided after " + ran + " steps");
        assertFalse(HandOver.requested());
        assertTrue(HandOver.armed(), "a later, longer fit may still be handed over");
        for (int s = ran; s < 1_000; s++) {
            clock.advance(10);
            watch.step(1_000 - s - 1);
        }
        assertFalse(HandOver.requested(), "the watch decides once");
    }

    @Test
    void theSpeedIsTakenFromTheProbesSecondHalfNotItsWarmUp() {
        HandOver.arm(() -> true);
        Steps clock = new Steps();
        HandOver.FitWatch watch = new HandOver.FitWatch(clock, 2.0, 10.0);
        // 20 warm-up steps of 50 ms fill the first second, then 1 ms a step: 9,000 steps left take 9 s (the
        // whole probe's mean, 1,020 steps in 2 s, would have projected 17.6 s)
        assertDoesNotThrow(() -> runUntilDecided(watch, clock, 50, 20, 1, 10_000 + 20, 10_000));
        assertTrue(watch.decided());
        assertFalse(HandOver.requested());
    }

    @Test
    void aFitOfARunThatWasSeenIsNotStopped() {
        HandOver.arm(() -> false);
        Steps clock = new Steps();
        HandOver.FitWatch watch = new HandOver.FitWatch(clock, 2.0, 10.0);
        assertDoesNotThrow(() -> runUntilDecided(watch, clock, 10, 0, 10, 100_000, 1_000));
        assertTrue(watch.decided());
        assertFalse(HandOver.requested());
    }

    @Test
    void noWatchWhenTheGateIsNotArmedOrTheFitGateIsOff() {
        assertTrue(HandOver.watchFit() == null, "a watch without an armed gate");
        HandOver.arm(() -> true);
        assertTrue(HandOver.watchFit() != null);
        String old = System.getProperty(HandOver.LONG_FIT);
        System.setProperty(HandOver.LONG_FIT, "0");
        try {
            assertTrue(HandOver.watchFit() == null, "a watch with " + HandOver.LONG_FIT + "=0");
        } finally {
            if (old == null) {
                System.clearProperty(HandOver.LONG_FIT);
            } else {
                System.setProperty(HandOver.LONG_FIT, old);
            }
        }
    }
}
