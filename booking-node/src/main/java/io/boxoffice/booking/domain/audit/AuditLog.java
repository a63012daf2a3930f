package io.boxoffice.booking.domain.audit;

import io.boxoffice.booking.domain.Context;
import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only audit trail. Each fact is one structured event, stored once under its position in the
 * log (command ref, then a sequence number within the command); the trail of a seat, a hold and a booking
 * are index entries pointing at it. Nothing is ever changed or deleted.
 */
public final class AuditLog {

    /** The longest trail a query returns (the oldest events first); a seat of a long-running show may have more. */
    public static final int TRAIL_EVENTS_MAX = 500;

    private final StateStore store;
    private final Counters counters;
    private long currentRef = -1;
    private int sequence;

    public AuditLog(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    /** Records {@code event} (its log index and time are the command's), indexed by its seats, hold and booking. */
    public void record(Context context, AuditEventRecord.Builder event) {
        if (context.ref() != currentRef) {
            currentRef = context.ref();
            sequence = 0;
        }
        AuditEventRecord stored = event.setLogIndex(context.index()).build();
        byte[] eventKey = Keys.of(Keys.EVENT).number(context.ref()).shortNumber(sequence++).build();
        store.put(eventKey, stored);
        for (String seatId : stored.getSeatIdsList()) {
            store.put(Keys.of(Keys.EVENT_BY_SEAT).text(stored.getShowId()).text(seatId).number(context.ref())
                    .shortNumber(sequence).build(), eventKey);
        }
        if (!stored.getHoldId().isEmpty()) {
            store.put(Keys.of(Keys.EVENT_BY_HOLD).text(stored.getHoldId()).number(context.ref()).shortNumber(sequence)
                    .build(), eventKey);
        }
        if (!stored.getBookingId().isEmpty()) {
            store.put(Keys.of(Keys.EVENT_BY_BOOKING).text(stored.getBookingId()).number(context.ref())
                    .shortNumber(sequence).build(), eventKey);
        }
        counters.add("events", 1);
    }

    public List<AuditEventRecord> ofSeat(String showId, String seatId) {
        return trail(Keys.of(Keys.EVENT_BY_SEAT).text(showId).text(seatId).build());
    }

    public List<AuditEventRecord> ofHold(String holdId) {
        return trail(Keys.of(Keys.EVENT_BY_HOLD).text(holdId).build());
    }

    public List<AuditEventRecord> ofBooking(String bookingId) {
        return trail(Keys.of(Keys.EVENT_BY_BOOKING).text(bookingId).build());
    }

    private List<AuditEventRecord> trail(byte[] prefix) {
        List<byte[]> eventKeys = new ArrayList<>();
        store.scan(prefix, (key, value) -> {
            eventKeys.add(value);
            return eventKeys.size() < TRAIL_EVENTS_MAX;
        });
        List<AuditEventRecord> events = new ArrayList<>(eventKeys.size());
        for (byte[] eventKey : eventKeys) {
            events.add(store.get(eventKey, AuditEventRecord.parser()));
        }
        return events;
    }
}
