package io.boxoffice.booking.domain.users;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.UserRecord;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Users, by id and by username, in the state store (never all in memory). */
public final class Users {

    private final StateStore store;
    private final Counters counters;

    public Users(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    public Optional<UserRecord> get(String userId) {
        return Optional.ofNullable(store.get(Keys.id(Keys.USER, userId), UserRecord.parser()));
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
