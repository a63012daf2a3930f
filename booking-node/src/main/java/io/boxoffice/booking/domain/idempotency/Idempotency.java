package io.boxoffice.booking.domain.idempotency;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.IdempotencyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What each (user, idempotency key) answered, for at least the retention (state clock), in the state
 * store: a retried request gets its first answer again and changes nothing. Records are pruned oldest
 * first through an index by age, a bounded number per command, so pruning never makes one command slow.
 */
public final class Idempotency {

    private final StateStore store;
    private final Counters counters;
    /**
     * The age of the oldest record, once known (a cache, not state): pruning scans only when the cutoff
     * reaches it, and from the last pruned key, so it never wades through the tombstones it left.
     */
    private long oldestRecordedAtMillis = UNKNOWN;
    private byte[] scanFrom = {Keys.IDEMPOTENCY_BY_AGE};
    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final long NONE = Long.MAX_VALUE;

    public Idempotency(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    public Optional<IdempotencyRecord> get(String userId, String key) {
        return Optional.ofNullable(store.get(key(userId, key), IdempotencyRecord.parser()));
    }

    public void put(String userId, String key, IdempotencyRecord record) {
        byte[] recordKey = key(userId, key);
        store.put(recordKey, record);
        store.put(Keys.of(Keys.IDEMPOTENCY_BY_AGE).number(record.getRecordedAtMillis()).text(userId).text(key).build(),
                recordKey);
        counters.add("idempotency", 1);
        if (oldestRecordedAtMillis == NONE) {
            oldestRecordedAtMillis = record.getRecordedAtMillis();
        }
    }

    /** Forgets the caches (after the state was replaced). */
    public void reset() {
        oldestRecordedAtMillis = UNKNOWN;
        scanFrom = new byte[] {Keys.IDEMPOTENCY_BY_AGE};
    }

    /** Drops up to {@code max} records made at or before {@code cutoffMillis}, oldest first. */
    public void prune(long cutoffMillis, int max) {
        if (cutoffMillis < 0 || (oldestRecordedAtMillis != UNKNOWN && cutoffMillis < oldestRecordedAtMillis)) {
            return;
        }
        List<byte[][]> expired = new ArrayList<>();
        long[] oldestLeft = {NONE};
        byte[] prefix = {Keys.IDEMPOTENCY_BY_AGE};
        store.scan(prefix, scanFrom, (key, value) -> {
            if (Keys.numberAt(key, 1) > cutoffMillis || expired.size() >= max) {
                oldestLeft[0] = Keys.numberAt(key, 1);
                return false;
            }
            expired.add(new byte[][] {key, value});
            return true;
        });
        for (byte[][] entry : expired) {
            store.delete(entry[0]);
            store.delete(entry[1]);
        }
        if (!expired.isEmpty()) {
            scanFrom = expired.get(expired.size() - 1)[0];
        }
        oldestRecordedAtMillis = oldestLeft[0];
        counters.add("idempotency", -expired.size());
    }

    private static byte[] key(String userId, String key) {
        return Keys.of(Keys.IDEMPOTENCY).text(userId).text(key).build();
    }

    public long count() {
        return counters.get("idempotency");
    }
}
