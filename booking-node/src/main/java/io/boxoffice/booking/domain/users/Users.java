package io.boxoffice.booking.domain.users;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.UserRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Users, by id and by username, in the state store (never all in memory). The most recently used records are
 * also kept in a bounded in-memory map: every hold and booking looks up its user's ref, and a user record never
 * changes once created, so the map cannot go stale (it is cleared when the state is restored from a snapshot).
 */
public final class Users {

    /** Users kept in memory (a few hundred bytes each). */
    static final int CACHED_USERS_MAX = 10_000;

    private final StateStore store;
    private final Counters counters;
    private final Map<String, UserRecord> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UserRecord> eldest) {
            return size() > CACHED_USERS_MAX;
        }
    };

    public Users(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    public Optional<UserRecord> get(String userId) {
        synchronized (recent) {
            UserRecord cached = recent.get(userId);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        UserRecord user = store.get(Keys.id(Keys.USER, userId), UserRecord.parser());
        if (user != null) {
            synchronized (recent) {
                recent.put(userId, user);
            }
        }
        return Optional.ofNullable(user);
    }

    /** Forgets the cached records (the state was replaced). */
    public void clearCache() {
        synchronized (recent) {
            recent.clear();
        }
    }

    public Optional<UserRecord> byUsername(String username) {
        byte[] id = store.get(Keys.id(Keys.USERNAME, username));
        return id == null ? Optional.empty() : get(new String(id, StandardCharsets.UTF_8));
    }

    /** Stores a new user. */
    public void create(UserRecord user) {
        store.put(Keys.id(Keys.USER, user.getId()), user);
        store.put(Keys.id(Keys.USERNAME, user.getUsername()), user.getId().getBytes(StandardCharsets.UTF_8));
        counters.add("users", 1);
    }

    public long count() {
        return counters.get("users");
    }
}
