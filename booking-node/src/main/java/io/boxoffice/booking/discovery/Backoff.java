package io.boxoffice.booking.discovery;

import java.util.function.LongUnaryOperator;

/**
 * Bounded exponential backoff with "equal jitter": each delay is drawn from [d/2, d], where d starts at the
 * minimum and doubles up to the maximum. Jitter keeps pods that start together from knocking on the same
 * member in lockstep. Not thread-safe: one per retry loop.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    /** Given a bound b, returns a value in [0, b]; injected so tests are deterministic. */
    private final LongUnaryOperator jitter;
    private long currentMillis;

    Backoff(long minMillis, long maxMillis, LongUnaryOperator jitter) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= min <= max, was min " + minMillis + ", max "
                    + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.jitter = jitter;
        this.currentMillis = minMillis;
    }

    /** The next wait; each call doubles the base, up to the maximum. */
    long nextDelayMillis() {
        long base = currentMillis;
        currentMillis = Math.min(maxMillis, currentMillis * 2);
        long half = Math.max(1, base / 2);
        long extra = jitter.applyAsLong(base - half);
        if (extra < 0 || extra > base - half) {
            throw new IllegalStateException("jitter " + extra + " outside [0, " + (base - half) + "]");
        }
        return half + extra;
    }

    void reset() {
        currentMillis = minMillis;
    }
}
