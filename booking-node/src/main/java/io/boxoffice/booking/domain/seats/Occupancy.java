package io.boxoffice.booking.domain.seats;

import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.OccupantRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seat occupancy of every show: one occupant record per taken seat in the state store (written by apply,
 * like everything else), and a bounded cache of {@link ShowSeats} for the shows in use, loaded from those
 * records on first use. The cache holds no state of its own: dropping it loses nothing.
 */
public final class Occupancy {

    private final StateStore store;
    private final LinkedHashMap<String, ShowSeats> cache;

    public Occupancy(StateStore store, int cachedShowsMax) {
        this.store = store;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ShowSeats> eldest) {
                return size() > cachedShowsMax;
            }
        };
    }

    /** The occupancy of a show with {@code seatCount} seats. */
    public ShowSeats of(String showId, int seatCount) {
        ShowSeats seats = cache.get(showId);
        if (seats == null || seats.seatCount() != seatCount) {
            seats = load(showId, seatCount);
            cache.put(showId, seats);
        }
        return seats;
    }

    private ShowSeats load(String showId, int seatCount) {
        ShowSeats seats = new ShowSeats(seatCount);
        byte[] prefix = Keys.of(Keys.OCCUPANT).text(showId).build();
        store.scan(prefix, (key, value) -> {
            int seat = ((key[prefix.length] & 0xff) << 8) | (key[prefix.length + 1] & 0xff);
            OccupantRecord occupant = parse(value);
            if (seat >= seatCount) {
                throw new IllegalStateException("occupant of seat " + seat + " beyond the " + seatCount
                        + " seats of show " + showId);
            }
            seats.set(seat, occupant.getRef(), occupant.getHold(), occupant.getUserRef());
            return true;
        });
        return seats;
    }

    /** Gives the seats to {@code occupant}; every one must be free (checked). */
    public void occupy(String showId, int seatCount, int[] seatIndexes, OccupantRecord occupant) {
        ShowSeats seats = of(showId, seatCount);
        byte[] value = occupant.toByteArray();
        for (int seat : seatIndexes) {
            seats.set(seat, occupant.getRef(), occupant.getHold(), occupant.getUserRef());
            store.put(key(showId, seat), value);
        }
    }

    /**
     * Frees the seats, which {@code expectedRef} must occupy (checked: anything else is a bug). Costs one
     * read per seat, not a load of the show's seat map: cancellations reach shows of any age, and loading
     * a whole map to free two seats made every cancellation of an uncached show read ~1,000 records.
     */
    public void vacate(String showId, int seatCount, int[] seatIndexes, long expectedRef) {
        ShowSeats cached = cache.get(showId);
        if (cached != null && cached.seatCount() != seatCount) {
            cache.remove(showId);
            cached = null;
        }
        for (int seat : seatIndexes) {
            byte[] key = key(showId, seat);
            if (cached != null) {
                cached.clear(seat, expectedRef);
            } else {
                byte[] stored = store.get(key);
                long ref = stored == null ? 0 : parse(stored).getRef();
                if (ref != expectedRef) {
                    throw new IllegalStateException("seat " + seat + " of show " + showId + " is held by " + ref
                            + ", not by " + expectedRef + " which frees it");
                }
            }
            store.delete(key);
        }
    }

    /** Forgets the cached occupancy of shows that will not be used any more (they ended). */
    public void evict(String showId) {
        cache.remove(showId);
    }

    /** Forgets every cached occupancy (after the state was replaced). */
    public void clear() {
        cache.clear();
    }

    private static byte[] key(String showId, int seat) {
        return Keys.of(Keys.OCCUPANT).text(showId).shortNumber(seat).build();
    }

    private static OccupantRecord parse(byte[] value) {
        try {
            return OccupantRecord.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new io.boxoffice.booking.domain.store.StateStoreException("corrupt occupant record", e);
        }
    }
}
