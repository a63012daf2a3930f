package io.boxoffice.booking.domain;

import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of records by kind and state (users, holds by state, bookings, payments, refunds, ...), kept in
 * the replicated state so statistics and metrics cost O(1) instead of a scan of history. Mirrored in
 * memory; every change goes through {@link #add}.
 */
public final class Counters {

    private final StateStore store;
    private final TreeMap<String, Long> values = new TreeMap<>();

    public Counters(StateStore store) {
        this.store = store;
    }

    /** Reads every counter. */
    public void load() {
        values.clear();
        store.scan(new byte[] {Keys.COUNTER}, (key, value) -> {
            values.put(Keys.textAt(key, 1), ByteBuffer.wrap(value).getLong());
            return true;
        });
    }

    public void add(String name, long delta) {
        if (delta == 0) {
            return;
        }
        long next = values.merge(name, delta, Long::sum);
        store.put(Keys.id(Keys.COUNTER, name), ByteBuffer.allocate(8).putLong(next).array());
    }

    /** Moves one record from state {@code from} to {@code to} within a kind ("holds.active" to "holds.expired"). */
    public void move(String kind, String from, String to) {
        if (!from.equals(to)) {
            add(kind + "." + from, -1);
            add(kind + "." + to, 1);
        }
    }

    public long get(String name) {
        return values.getOrDefault(name, 0L);
    }

    /** Every counter, by name. */
    public Map<String, Long> all() {
        return Map.copyOf(values);
    }
}
