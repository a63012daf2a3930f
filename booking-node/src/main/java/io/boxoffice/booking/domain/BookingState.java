package io.boxoffice.booking.domain;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.proto.booking.v1.IdempotencyRecord;
import io.boxoffice.proto.booking.v1.SeatTrail;
import io.boxoffice.proto.booking.v1.UserRecord;
import io.boxoffice.proto.v1.AuditEvent;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Payment;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.Show;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The booking state and its derived indexes. The primary records (users, catalogue, holds, bookings,
 * trails, idempotency records) are what a snapshot contains; everything else is an index rebuilt from
 * them on restore. Records are immutable protobuf messages replaced on every change, so an index never
 * sees a record change under it; every change of a hold or booking goes through {@link #putHold} or
 * {@link #putBooking}, which keep the seat occupancy and the indexes in step.
 *
 * <p>Not thread-safe: owned by the Raft driver thread.
 */
final class BookingState {

    static final int FORMAT_VERSION = 1;

    /** Who occupies a seat of a show: an active hold or a confirmed booking (exactly one id set). */
    record Occupant(String holdId, String bookingId, String userId, long holdExpiresAtMillis) {
        boolean isHold() {
            return holdId != null;
        }
    }

    record IdempotencyKey(String userId, String key) {
    }

    /** Orders bookings by creation time, then id. */
    record BookingOrder(long createdAtMillis, String bookingId) implements Comparable<BookingOrder> {
        private static final Comparator<BookingOrder> ORDER = Comparator.comparingLong(BookingOrder::createdAtMillis)
                .thenComparing(BookingOrder::bookingId);

        @Override
        public int compareTo(BookingOrder other) {
            return ORDER.compare(this, other);
        }
    }

    private record HoldExpiry(long expiresAtMillis, String holdId) implements Comparable<HoldExpiry> {
        private static final Comparator<HoldExpiry> ORDER = Comparator.comparingLong(HoldExpiry::expiresAtMillis)
                .thenComparing(HoldExpiry::holdId);

        @Override
        public int compareTo(HoldExpiry other) {
            return ORDER.compare(this, other);
        }
    }

    // Primary records, in the canonical order of the snapshot.
    long clockMillis;
    final TreeMap<String, UserRecord> users = new TreeMap<>();
    final TreeMap<String, Movie> movies = new TreeMap<>();
    final TreeMap<String, Screen> screens = new TreeMap<>();
    final TreeMap<String, Show> shows = new TreeMap<>();
    final TreeMap<String, Hold> holds = new TreeMap<>();
    final TreeMap<String, Booking> bookings = new TreeMap<>();
    final TreeMap<String, TreeMap<String, List<AuditEvent>>> seatTrails = new TreeMap<>();
    /** In the order the records were made, which is also recorded_at order (the clock never goes back). */
    final LinkedHashMap<IdempotencyKey, IdempotencyRecord> idempotency = new LinkedHashMap<>();
    final TreeMap<String, Payment> unmatchedPayments = new TreeMap<>();

    // Derived indexes.
    final HashMap<String, String> userIdByUsername = new HashMap<>();
    private final HashMap<String, SeatLayout> layoutByScreenId = new HashMap<>();
    final HashMap<String, TreeSet<String>> showIdsByScreenId = new HashMap<>();
    /** showId -> seatId -> occupant. */
    private final HashMap<String, HashMap<String, Occupant>> occupancy = new HashMap<>();
    private final TreeSet<HoldExpiry> activeHoldExpiries = new TreeSet<>();
    final HashMap<String, TreeSet<String>> activeHoldIdsByUser = new HashMap<>();
    final HashMap<String, TreeSet<String>> activeHoldIdsByShow = new HashMap<>();
    final TreeSet<BookingOrder> bookingsByTime = new TreeSet<>();
    final HashMap<String, TreeSet<BookingOrder>> bookingsByUser = new HashMap<>();
    final HashMap<String, TreeSet<BookingOrder>> bookingsByShow = new HashMap<>();
    /** Every payment id recorded anywhere (hold attempts, bookings, unmatched). */
    final HashMap<String, String> holdIdByPaymentId = new HashMap<>();

    // ---------------------------------------------------------------- catalogue

    void putUser(UserRecord user) {
        users.put(user.getId(), user);
        userIdByUsername.put(user.getUsername(), user.getId());
    }

    void putScreen(Screen screen) {
        screens.put(screen.getId(), screen);
        layoutByScreenId.remove(screen.getId());
    }

    SeatLayout layoutOf(String screenId) {
        return layoutByScreenId.computeIfAbsent(screenId,
                id -> SeatLayout.ofTrusted(requirePresent(screens.get(id), "screen " + id).getLayout()));
    }

    void putShow(Show show) {
        shows.put(show.getId(), show);
        showIdsByScreenId.computeIfAbsent(show.getScreenId(), id -> new TreeSet<>()).add(show.getId());
    }

    // ---------------------------------------------------------------- seats

    /** The occupant of a seat as of the last applied command (expired holds are gone already). */
    Occupant occupantOf(String showId, String seatId) {
        HashMap<String, Occupant> seats = occupancy.get(showId);
        return seats == null ? null : seats.get(seatId);
    }

    /** Every occupied seat of a show, by seat id. */
    Map<String, Occupant> occupantsOf(String showId) {
        HashMap<String, Occupant> seats = occupancy.get(showId);
        return seats == null ? Map.of() : java.util.Collections.unmodifiableMap(seats);
    }

    void appendSeatEvent(String showId, String seatId, AuditEvent event) {
        seatTrails.computeIfAbsent(showId, id -> new TreeMap<>()).computeIfAbsent(seatId, id -> new ArrayList<>())
                .add(event);
    }

    List<AuditEvent> seatTrail(String showId, String seatId) {
        TreeMap<String, List<AuditEvent>> trails = seatTrails.get(showId);
        List<AuditEvent> trail = trails == null ? null : trails.get(seatId);
        return trail == null ? List.of() : List.copyOf(trail);
    }

    private void occupy(String showId, String seatId, Occupant occupant) {
        Occupant previous = occupancy.computeIfAbsent(showId, id -> new HashMap<>()).putIfAbsent(seatId, occupant);
        if (previous != null) {
            throw new IllegalStateException("seat " + seatId + " of show " + showId + " is already taken by "
                    + previous + "; cannot give it to " + occupant);
        }
    }

    private void vacate(String showId, String seatId, Occupant expected) {
        HashMap<String, Occupant> seats = occupancy.get(showId);
        Occupant current = seats == null ? null : seats.get(seatId);
        if (current == null || !current.equals(expected)) {
            throw new IllegalStateException("seat " + seatId + " of show " + showId + " is held by " + current
                    + ", expected " + expected);
        }
        seats.remove(seatId);
    }

    // ---------------------------------------------------------------- holds

    /** Stores a new or changed hold; an active hold occupies its seats, any other status releases them. */
    void putHold(Hold hold) {
        Hold previous = holds.put(hold.getId(), hold);
        if (previous != null && previous.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE) {
            activeHoldExpiries.remove(new HoldExpiry(previous.getExpiresAtMillis(), previous.getId()));
            removeFromIndex(activeHoldIdsByUser, previous.getUserId(), previous.getId());
            removeFromIndex(activeHoldIdsByShow, previous.getShowId(), previous.getId());
            for (SeatLine seat : previous.getSeatsList()) {
                vacate(previous.getShowId(), seat.getSeatId(), holdOccupant(previous));
            }
        }
        if (hold.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE) {
            activeHoldExpiries.add(new HoldExpiry(hold.getExpiresAtMillis(), hold.getId()));
            activeHoldIdsByUser.computeIfAbsent(hold.getUserId(), id -> new TreeSet<>()).add(hold.getId());
            activeHoldIdsByShow.computeIfAbsent(hold.getShowId(), id -> new TreeSet<>()).add(hold.getId());
            for (SeatLine seat : hold.getSeatsList()) {
                occupy(hold.getShowId(), seat.getSeatId(), holdOccupant(hold));
            }
        }
        for (Payment payment : hold.getPaymentsList()) {
            holdIdByPaymentId.put(payment.getId(), hold.getId());
        }
    }

    private static Occupant holdOccupant(Hold hold) {
        return new Occupant(hold.getId(), null, hold.getUserId(), hold.getExpiresAtMillis());
    }

    /** Active holds whose expiry is at or before {@code nowMillis}, earliest first, at most {@code max}. */
    List<Hold> dueHolds(long nowMillis) {
        List<Hold> due = new ArrayList<>();
        for (HoldExpiry expiry : activeHoldExpiries) {
            if (expiry.expiresAtMillis() > nowMillis) {
                break;
            }
            due.add(holds.get(expiry.holdId()));
        }
        return due;
    }

    /** When the earliest active hold expires, if any hold is active. */
    java.util.OptionalLong nextActiveHoldExpiryMillis() {
        return activeHoldExpiries.isEmpty() ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(activeHoldExpiries.first().expiresAtMillis());
    }

    int activeHoldCount() {
        return activeHoldExpiries.size();
    }

    // ---------------------------------------------------------------- bookings

    /** Stores a new or changed booking; a confirmed booking occupies its seats, a cancelled one frees them. */
    void putBooking(Booking booking) {
        Booking previous = bookings.put(booking.getId(), booking);
        if (previous == null) {
            BookingOrder order = new BookingOrder(booking.getCreatedAtMillis(), booking.getId());
            bookingsByTime.add(order);
            bookingsByUser.computeIfAbsent(booking.getUserId(), id -> new TreeSet<>()).add(order);
            bookingsByShow.computeIfAbsent(booking.getShowId(), id -> new TreeSet<>()).add(order);
        }
        Occupant occupant = new Occupant(null, booking.getId(), booking.getUserId(), 0);
        if (previous != null && previous.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED) {
            for (SeatLine seat : previous.getSeatsList()) {
                vacate(previous.getShowId(), seat.getSeatId(), occupant);
            }
        }
        if (booking.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED) {
            for (SeatLine seat : booking.getSeatsList()) {
                occupy(booking.getShowId(), seat.getSeatId(), occupant);
            }
        }
        holdIdByPaymentId.put(booking.getPayment().getId(), booking.getHoldId());
    }

    void putUnmatchedPayment(Payment payment) {
        unmatchedPayments.put(payment.getId(), payment);
        holdIdByPaymentId.put(payment.getId(), "");
    }

    // ---------------------------------------------------------------- idempotency

    /** Drops up to {@code max} records made at or before {@code cutoffMillis}, oldest first. */
    void pruneIdempotency(long cutoffMillis, int max) {
        Iterator<IdempotencyRecord> records = idempotency.values().iterator();
        int pruned = 0;
        while (pruned < max && records.hasNext()) {
            if (records.next().getRecordedAtMillis() > cutoffMillis) {
                return;
            }
            records.remove();
            pruned++;
        }
    }

    // ---------------------------------------------------------------- snapshot

    byte[] encode() {
        io.boxoffice.proto.booking.v1.BookingState.Builder snapshot = io.boxoffice.proto.booking.v1.BookingState
                .newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setClockMillis(clockMillis)
                .addAllUsers(users.values())
                .addAllMovies(movies.values())
                .addAllScreens(screens.values())
                .addAllShows(shows.values())
                .addAllHolds(holds.values())
                .addAllBookings(bookings.values())
                .addAllIdempotency(idempotency.values())
                .addAllUnmatchedPayments(unmatchedPayments.values());
        for (Map.Entry<String, TreeMap<String, List<AuditEvent>>> show : seatTrails.entrySet()) {
            for (Map.Entry<String, List<AuditEvent>> seat : show.getValue().entrySet()) {
                snapshot.addSeatTrails(SeatTrail.newBuilder().setShowId(show.getKey()).setSeatId(seat.getKey())
                        .addAllEvents(seat.getValue()));
            }
        }
        return deterministicBytes(snapshot.build());
    }

    static BookingState decode(byte[] bytes) {
        io.boxoffice.proto.booking.v1.BookingState snapshot;
        try {
            snapshot = io.boxoffice.proto.booking.v1.BookingState.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("booking snapshot is corrupt: " + e.getMessage(), e);
        }
        if (snapshot.getFormatVersion() != FORMAT_VERSION) {
            throw new IllegalStateException("booking snapshot has format version " + snapshot.getFormatVersion()
                    + "; this node reads version " + FORMAT_VERSION + " only");
        }
        BookingState state = new BookingState();
        state.clockMillis = snapshot.getClockMillis();
        snapshot.getUsersList().forEach(state::putUser);
        snapshot.getMoviesList().forEach(movie -> state.movies.put(movie.getId(), movie));
        snapshot.getScreensList().forEach(state::putScreen);
        snapshot.getShowsList().forEach(state::putShow);
        snapshot.getHoldsList().forEach(state::putHold);
        snapshot.getBookingsList().forEach(state::putBooking);
        for (SeatTrail trail : snapshot.getSeatTrailsList()) {
            state.seatTrails.computeIfAbsent(trail.getShowId(), id -> new TreeMap<>())
                    .put(trail.getSeatId(), new ArrayList<>(trail.getEventsList()));
        }
        for (IdempotencyRecord record : snapshot.getIdempotencyList()) {
            state.idempotency.put(new IdempotencyKey(record.getUserId(), record.getKey()), record);
        }
        snapshot.getUnmatchedPaymentsList().forEach(state::putUnmatchedPayment);
        return state;
    }

    static byte[] deterministicBytes(com.google.protobuf.MessageLite message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
            CodedOutputStream output = CodedOutputStream.newInstance(bytes);
            output.useDeterministicSerialization();
            message.writeTo(output);
            output.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    private static <T> T requirePresent(T value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " is referenced but missing from the state");
        }
        return value;
    }

    private static void removeFromIndex(HashMap<String, TreeSet<String>> index, String key, String value) {
        TreeSet<String> values = index.get(key);
        if (values != null) {
            values.remove(value);
            if (values.isEmpty()) {
                index.remove(key);
            }
        }
    }
}
