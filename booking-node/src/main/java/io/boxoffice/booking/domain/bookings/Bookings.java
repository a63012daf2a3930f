package io.boxoffice.booking.domain.bookings;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bookings in the state store, with indexes by user, by show and by time (each sorted by creation time
 * then id) for newest-first pages. Nothing of them is kept in memory.
 */
public final class Bookings {

    /** One page of bookings, newest first, and the token of the next page ("" after the last). */
    public record Page(List<BookingRecord> bookings, String nextPageToken) {
    }

    private final StateStore store;
    private final Counters counters;

    public Bookings(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    public Optional<BookingRecord> get(String bookingId) {
        return Optional.ofNullable(store.get(Keys.id(Keys.BOOKING, bookingId), BookingRecord.parser()));
    }

    /** Stores a new or changed booking ({@code previous}: the stored version, or null). */
    public void put(BookingRecord booking, BookingRecord previous) {
        if (previous == null) {
            byte[] id = booking.getId().getBytes(StandardCharsets.UTF_8);
            store.put(Keys.of(Keys.BOOKING_BY_USER).text(booking.getUserId()).number(booking.getCreatedAtMillis())
                    .text(booking.getId()).build(), id);
            store.put(Keys.of(Keys.BOOKING_BY_SHOW).text(booking.getShowId()).number(booking.getCreatedAtMillis())
                    .text(booking.getId()).build(), id);
            store.put(Keys.of(Keys.BOOKING_BY_TIME).number(booking.getCreatedAtMillis()).text(booking.getId()).build(),
                    id);
            counters.add("bookings." + stateName(booking.getState()), 1);
        } else {
            counters.move("bookings", stateName(previous.getState()), stateName(booking.getState()));
        }
        store.put(Keys.id(Keys.BOOKING, booking.getId()), booking);
    }

    static String stateName(BookingState state) {
        return state.name().substring("BOOKING_STATE_".length()).toLowerCase(Locale.ROOT);
    }

    /** Confirmed bookings of a show (to cancel them with the show), oldest first. */
    public List<BookingRecord> confirmedOfShow(String showId) {
        List<String> ids = new ArrayList<>();
        store.scan(Keys.of(Keys.BOOKING_BY_SHOW).text(showId).build(), (key, value) -> {
            ids.add(new String(value, StandardCharsets.UTF_8));
            return true;
        });
        List<BookingRecord> confirmed = new ArrayList<>();
        for (String id : ids) {
            BookingRecord booking = get(id).orElseThrow();
            if (booking.getState() == BookingState.BOOKING_STATE_CONFIRMED) {
                confirmed.add(booking);
            }
        }
        return confirmed;
    }

    public Page ofUser(String userId, int pageSize, String pageToken) {
        return page(Keys.of(Keys.BOOKING_BY_USER).text(userId).build(), pageSize, pageToken);
    }

    public Page ofShow(String showId, int pageSize, String pageToken) {
        return page(Keys.of(Keys.BOOKING_BY_SHOW).text(showId).build(), pageSize, pageToken);
    }

    public Page all(int pageSize, String pageToken) {
        return page(new byte[] {Keys.BOOKING_BY_TIME}, pageSize, pageToken);
    }

    /**
     * Newest first. A page token is the hex of the last index key returned: the next page starts before it,
     * so pages stay stable while bookings are added.
     */
    private Page page(byte[] prefix, int pageSize, String pageToken) {
        if (pageSize < 0 || pageSize > FieldLimits.PAGE_SIZE_MAX) {
            throw RejectedException.invalidArgument("page_size", "page_size must be in 0.." + FieldLimits.PAGE_SIZE_MAX
                    + " (0 = " + FieldLimits.PAGE_SIZE_DEFAULT + "), was " + pageSize);
        }
        int size = pageSize == 0 ? FieldLimits.PAGE_SIZE_DEFAULT : pageSize;
        byte[] before = pageToken.isEmpty() ? null : parseToken(prefix, pageToken);
        List<BookingRecord> bookings = new ArrayList<>();
        byte[][] lastKey = {null};
        boolean[] more = {false};
        store.scanBackward(prefix, before, (key, value) -> {
            if (bookings.size() == size) {
                more[0] = true;
                return false;
            }
            bookings.add(get(new String(value, StandardCharsets.UTF_8)).orElseThrow());
            lastKey[0] = key;
            return true;
        });
        return new Page(bookings, more[0] ? HexFormat.of().formatHex(lastKey[0]) : "");
    }

    private static byte[] parseToken(byte[] prefix, String pageToken) {
        try {
            byte[] key = HexFormat.of().parseHex(pageToken);
            if (key.length > prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the rejection below: a malformed token is the caller's mistake.
        }
        throw RejectedException.invalidArgument("page_token", "page_token is not one this server issued");
    }

    public long count(BookingState state) {
        return counters.get("bookings." + stateName(state));
    }
}
