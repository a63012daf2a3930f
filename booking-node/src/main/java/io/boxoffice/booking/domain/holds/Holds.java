package io.boxoffice.booking.domain.holds;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Seat holds. Every hold is a record in the state store; the active ones — few, and short-lived — are
 * also kept in memory with their expiry order and per user and per show, which is what expiry, the
 * per-user limit and show cancellation need. At start-up the active ones are read back through their
 * index, so start-up work grows with the active holds, not with history.
 */
public final class Holds {

    private record Expiry(long expiresAtMillis, String holdId) {
    }

    private static final Comparator<Expiry> EXPIRY_ORDER = Comparator.comparingLong(Expiry::expiresAtMillis)
            .thenComparing(Expiry::holdId);

    private final StateStore store;
    private final Counters counters;
    private final HashMap<String, HoldRecord> active = new HashMap<>();
    private final TreeSet<Expiry> expiries = new TreeSet<>(EXPIRY_ORDER);
    private final HashMap<String, TreeSet<String>> activeByUser = new HashMap<>();
    private final HashMap<String, TreeSet<String>> activeByShow = new HashMap<>();
    private final HashMap<Long, HoldRecord> activeByRef = new HashMap<>();

    public Holds(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    /** Reads the active holds into memory. */
    public void load() {
        active.clear();
        expiries.clear();
        activeByUser.clear();
        activeByShow.clear();
        activeByRef.clear();
        List<String> ids = new ArrayList<>();
        store.scan(new byte[] {Keys.ACTIVE_HOLD}, (key, value) -> {
            ids.add(new String(value, StandardCharsets.UTF_8));
            return true;
        });
        for (String id : ids) {
            HoldRecord hold = store.get(Keys.id(Keys.HOLD, id), HoldRecord.parser());
            if (hold == null || hold.getState() != HoldState.HOLD_STATE_ACTIVE) {
                throw new IllegalStateException("active-hold index names " + id + ", which is not an active hold");
            }
            remember(hold);
        }
    }

    public Optional<HoldRecord> get(String holdId) {
        HoldRecord hold = active.get(holdId);
        return hold != null ? Optional.of(hold)
                : Optional.ofNullable(store.get(Keys.id(Keys.HOLD, holdId), HoldRecord.parser()));
    }

    /** The active hold with this ref, if any (seat maps use it to see a hold's expiry). */
    public HoldRecord activeByRef(long ref) {
        return activeByRef.get(ref);
    }

    /** Stores a new or changed hold ({@code previous}: the stored version, or null) and keeps the indexes. */
    public void put(HoldRecord hold, HoldRecord previous) {
        boolean wasActive = previous != null && previous.getState() == HoldState.HOLD_STATE_ACTIVE;
        boolean isActive = hold.getState() == HoldState.HOLD_STATE_ACTIVE;
        if (wasActive) {
            forget(previous);
        }
        if (isActive) {
            remember(hold);
        }
        if (wasActive && !isActive) {
            store.delete(Keys.id(Keys.ACTIVE_HOLD, hold.getId()));
        } else if (!wasActive && isActive) {
            store.put(Keys.id(Keys.ACTIVE_HOLD, hold.getId()), hold.getId().getBytes(StandardCharsets.UTF_8));
        }
        if (previous == null) {
            counters.add("holds." + stateName(hold.getState()), 1);
        } else {
            counters.move("holds", stateName(previous.getState()), stateName(hold.getState()));
        }
        store.put(Keys.id(Keys.HOLD, hold.getId()), hold);
    }

    static String stateName(HoldState state) {
        return state.name().substring("HOLD_STATE_".length()).toLowerCase(Locale.ROOT);
    }

    private void remember(HoldRecord hold) {
        active.put(hold.getId(), hold);
        activeByRef.put(hold.getRef(), hold);
        expiries.add(new Expiry(hold.getExpiresAtMillis(), hold.getId()));
        activeByUser.computeIfAbsent(hold.getUserId(), id -> new TreeSet<>()).add(hold.getId());
        activeByShow.computeIfAbsent(hold.getShowId(), id -> new TreeSet<>()).add(hold.getId());
    }

    private void forget(HoldRecord hold) {
        active.remove(hold.getId());
        activeByRef.remove(hold.getRef());
        expiries.remove(new Expiry(hold.getExpiresAtMillis(), hold.getId()));
        removeFrom(activeByUser, hold.getUserId(), hold.getId());
        removeFrom(activeByShow, hold.getShowId(), hold.getId());
    }

    private static void removeFrom(HashMap<String, TreeSet<String>> index, String key, String holdId) {
        TreeSet<String> ids = index.get(key);
        if (ids != null) {
            ids.remove(holdId);
            if (ids.isEmpty()) {
                index.remove(key);
            }
        }
    }

    /** Active holds expiring at or before {@code nowMillis}, earliest first, at most {@code max}. */
    public List<HoldRecord> due(long nowMillis, int max) {
        List<HoldRecord> due = new ArrayList<>();
        for (Expiry expiry : expiries) {
            if (expiry.expiresAtMillis() > nowMillis || due.size() >= max) {
                break;
            }
            due.add(active.get(expiry.holdId()));
        }
        return due;
    }

    /** When the earliest active hold expires, if any is active. O(1). */
    public OptionalLong nextExpiryMillis() {
        return expiries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(expiries.first().expiresAtMillis());
    }

    public int activeCount() {
        return active.size();
    }

    /** The user's active holds, by id. */
    public List<HoldRecord> activeOfUser(String userId) {
        return ofIds(activeByUser.get(userId));
    }

    public int activeCountOfUser(String userId) {
        TreeSet<String> ids = activeByUser.get(userId);
        return ids == null ? 0 : ids.size();
    }

    /** The show's active holds, by id. */
    public List<HoldRecord> activeOfShow(String showId) {
        return ofIds(activeByShow.get(showId));
    }

    private List<HoldRecord> ofIds(TreeSet<String> ids) {
        List<HoldRecord> holds = new ArrayList<>();
        if (ids != null) {
            for (String id : ids) {
                holds.add(active.get(id));
            }
        }
        return holds;
    }
}
