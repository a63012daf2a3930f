package io.boxoffice.raft.transport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": each delay is drawn from [d/2, d] where d doubles from
 * the minimum up to the maximum. Jitter keeps the nodes of a cluster from reconnecting in lockstep
 * after a shared outage. Not thread-safe; one per sender thread.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long currentMillis;

    Backoff(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.currentMillis = minMillis;
    }

    /** The next delay to wait; each call doubles the base up to the maximum. */
    long nextDelayMillis() {
        long base = currentMillis;
        currentMillis = Math.min(maxMillis, currentMillis * 2);
        long half = Math.max(1, base / 2);
        return half + ThreadLocalRandom.current().nextLong(base - half + 1);
    }

    void reset() {
        currentMillis = minMillis;
    }
}
