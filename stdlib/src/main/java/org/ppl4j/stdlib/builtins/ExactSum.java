package org.ppl4j.stdlib.builtins;

import java.io.Serializable;
import java.math.BigInteger;

/**
 * An exact sum of doubles: every double is an integer multiple of 2^-1074, kept here as 32-bit limbs of one wide
 * integer, so that adding is exact and its result does not depend on the order of the terms or on how they were
 * grouped. A data-parallel fit sums its per-datum gradients with it, so that the step's gradient is the same bits
 * for any partitioning of the data and any order in which Spark merges the partitions' sums. Rounded once, by
 * {@link #value}.
 */
public final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int LIMBS = 68; // 2^-1074 .. 2^1024 and headroom for carries, in 32-bit limbs
    private static final long MASK = 0xFFFFFFFFL;

    private long[] limbs; // null until a non-zero term; each limb holds fewer than 2^31 terms' carries
    private double special; // NaN or an infinity once one was added, else 0
    private int terms;

    public void add(double x) {
        if (x == 0) {
            return;
        }
        if (!Double.isFinite(x)) {
            special = special == 0 || special == x ? x : Double.NaN;
            return;
        }
        if (limbs == null) {
            limbs = new long[LIMBS];
        }
        if (++terms == Integer.MAX_VALUE) {
            normalize();
        }
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) ((bits >>> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) {
            exponent = 1; // subnormal
        } else {
            mantissa |= 1L << 52;
        }
        int shift = exponent - 1; // x = mantissa * 2^(shift - 1074)
        int limb = shift >>> 5;
        int off = shift & 31;
        long lo = mantissa << off;
        long hi = off == 0 ? 0 : mantissa >>> (64 - off);
        long sign = x < 0 ? -1 : 1;
        limbs[limb] += sign * (lo & MASK);
        limbs[limb + 1] += sign * (lo >>> 32);
        limbs[limb + 2] += sign * hi;
    }

    /** Adds {@code other}'s terms to this sum. */
    public void add(ExactSum other) {
        if (other.special != 0) {
            special = special == 0 || special == other.special ? other.special : Double.NaN;
        }
        if (other.limbs == null) {
            return;
        }
        if (limbs == null) {
            limbs = new long[LIMBS];
        }
        if ((long) terms + other.terms >= Integer.MAX_VALUE) {
            normalize();
        }
        terms += other.terms;
        for (int i = 0; i < LIMBS; i++) {
            limbs[i] += other.limbs[i];
        }
    }

    /** Carries each limb's overflow into the next, so that every limb is again below 2^32 in size. */
    private void normalize() {
        long carry = 0;
        for (int i = 0; i < LIMBS - 1; i++) {
            long v = limbs[i] + carry;
            limbs[i] = v & MASK;
            carry = v >> 32;
        }
        limbs[LIMBS - 1] += carry;
        terms = 0;
    }

    /** The sum, rounded to the nearest double. */
    public double value() {
        if (special != 0) {
            return special;
        }
        if (limbs == null) {
            return 0;
        }
        BigInteger total = BigInteger.ZERO;
        for (int i = LIMBS - 1; i >= 0; i--) {
            total = total.shiftLeft(32).add(BigInteger.valueOf(limbs[i]));
        }
        // the top 1000 bits, those below folded into a sticky last bit so that the one rounding stays correct
        BigInteger magnitude = total.abs();
        int drop = Math.max(0, magnitude.bitLength() - 1000);
        BigInteger top = magnitude.shiftRight(drop);
        if (drop > 0 && magnitude.getLowestSetBit() < drop) {
            top = top.setBit(0);
        }
        double v = Math.scalb(top.doubleValue(), drop - 1074);
        return total.signum() < 0 ? -v : v;
    }
}
