package io.boxoffice.booking.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: failed logins are counted per user name and per source address; after
 * {@code freeFailuresPerUser} (or, per source, {@code freeFailuresPerSource}: many users may share one
 * address behind a NAT) failures each further attempt for that key must wait
 * {@code baseMillis * 2^(failures - free - 1)}, capped at {@code maxMillis}. A success clears the
 * user name's count; a source's count is forgotten once it has been quiet for {@code maxMillis}.
 *
 * <p>Bounded: at most {@code maxEntries} keys are tracked, the least recently used are forgotten first.
 * Node-local on purpose: a login reaches one node, and replicating failed attempts would let an attacker
 * fill the Raft log. Thread-safe.
 */
public final class LoginThrottle {

    private final int freeFailuresPerUser;
    private final int freeFailuresPerSource;
    private final long baseMillis;
    private final long maxMillis;
    private final LongSupplier clockMillis;
    private final Map<String, Attempts> entries;

    public LoginThrottle(int freeFailuresPerUser, int freeFailuresPerSource, long baseMillis, long maxMillis,
                         int maxEntries, LongSupplier clockMillis) {
        this.freeFailuresPerUser = freeFailuresPerUser;
        this.freeFailuresPerSource = freeFailuresPerSource;
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.clockMillis = clockMillis;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Attempts> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * How long the caller must wait before this attempt is even checked, in milliseconds; 0 when it may
     * proceed. Checked before the (slow) password hash, so a throttled attacker costs us nothing.
     */
    public synchronized long retryAfterMillis(String username, String source) {
        long now = clockMillis.getAsLong();
        return Math.max(wait(userKey(username), now), wait(sourceKey(source), now));
    }

    /** Records a failed attempt for both keys. */
    public synchronized void recordFailure(String username, String source) {
        long now = clockMillis.getAsLong();
        fail(userKey(username), freeFailuresPerUser, now);
        fail(sourceKey(source), freeFailuresPerSource, now);
    }

    /** Records a successful login: the user name starts afresh. */
    public synchronized void recordSuccess(String username) {
        entries.remove(userKey(username));
    }

    private long wait(String key, long now) {
        Attempts entry = entries.get(key);
        if (entry == null) {
            return 0;
        }
        if (now - entry.lastFailureMillis > maxMillis && now >= entry.blockedUntilMillis) {
            entries.remove(key);
            return 0;
        }
        return Math.max(0, entry.blockedUntilMillis - now);
    }

    private void fail(String key, int freeFailures, long now) {
        Attempts entry = entries.get(key);
        if (entry == null || (now - entry.lastFailureMillis > maxMillis && now >= entry.blockedUntilMillis)) {
            entry = new Attempts();
            entries.put(key, entry);
        }
        entry.failures++;
        entry.lastFailureMillis = now;
        int beyond = entry.failures - freeFailures;
        if (beyond > 0) {
            entry.blockedUntilMillis = now + backoffMillis(beyond);
        }
    }

    /** {@code base * 2^(beyond - 1)}, capped at {@code maxMillis}; the loop stops once the cap is reached. */
    long backoffMillis(int beyond) {
        long backoff = baseMillis;
        for (int doubling = 1; doubling < beyond && backoff < maxMillis; doubling++) {
            backoff *= 2;
        }
        return Math.min(backoff, maxMillis);
    }

    private static String userKey(String username) {
        return "user:" + username;
    }

    private static String sourceKey(String source) {
        return "source:" + source;
    }

    private static final class Attempts {
        int failures;
        long lastFailureMillis;
        long blockedUntilMillis;
    }
}
