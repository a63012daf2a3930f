package io.boxoffice.booking.domain;

import io.boxoffice.booking.domain.bookings.Bookings;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.booking.domain.seats.ShowSeats;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.PaymentState;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.UserRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads of the booking state, as records. Run on the Raft driver thread (inside {@code RaftServer.read}),
 * so they see the state at one applied index; each is bounded (pages, trails, show lists have limits).
 * Authorization is the caller's business: these read as the system.
 */
public final class StateQueries {

    /** Shows one listing returns at most. */
    public static final int SHOWS_LISTED_MAX = 1_000;

    private final BookingStateMachine state;

    StateQueries(BookingStateMachine state) {
        this.state = state;
    }

    /** The state clock: the latest leader-stamped time applied. */
    public long clockMillis() {
        return state.clockMillis();
    }

    public BookingLimits limits() {
        return state.limits();
    }

    /** The labels of {@code show} as clients see them next to a hold or booking (titles, refund cut-off). */
    public CommandOutcome.ShowLabels labels(ShowRecord show) {
        return state.labels(show);
    }

    // ---------------------------------------------------------------- users and catalogue

    public Optional<UserRecord> user(String userId) {
        return state.users().get(userId);
    }

    public Optional<UserRecord> userByUsername(String username) {
        return state.users().byUsername(username);
    }

    public long userCount() {
        return state.users().count();
    }

    public List<MovieRecord> movies() {
        return state.catalog().movies();
    }

    public Optional<MovieRecord> movie(String movieId) {
        return state.catalog().movie(movieId);
    }

    public List<ScreenRecord> screens() {
        return state.catalog().screens();
    }

    public Optional<ScreenRecord> screen(String screenId) {
        return state.catalog().screen(screenId);
    }

    public SeatLayout layout(String screenId) {
        return state.catalog().layout(screenId);
    }

    public List<ShowRecord> shows(Optional<String> movieId, OptionalLong startsAfterMillis) {
        return state.catalog().shows(movieId, startsAfterMillis, SHOWS_LISTED_MAX);
    }

    public Optional<ShowRecord> show(String showId) {
        return state.catalog().show(showId);
    }

    // ---------------------------------------------------------------- seats

    /**
     * The seats of a show as a reader at {@code viewAtMillis} sees them: a hold past its expiry counts as
     * free even before the next command records the expiry.
     */
    public Optional<SeatView> seats(String showId, String viewerUserId, long viewAtMillis) {
        return show(showId).map(show -> {
            SeatLayout layout = layout(show.getScreenId());
            ShowSeats seats = state.occupancy().of(show.getId(), layout.seatCount());
            long viewerRef = viewerUserId.isEmpty() ? -1 : user(viewerUserId).map(UserRecord::getRef).orElse(-1L);
            return new SeatView(show, layout, seats, viewerRef, Math.max(viewAtMillis, clockMillis()),
                    state.holds());
        });
    }

    /** The occupancy of one show as one reader sees it, computed on the driver thread. */
    public static final class SeatView {
        public enum Seat { FREE, HELD, BOOKED, BLOCKED }

        private final ShowRecord show;
        private final SeatLayout layout;
        private final Seat[] seats;
        private final boolean[] mine;

        SeatView(ShowRecord show, SeatLayout layout, ShowSeats occupancy, long viewerRef, long viewAtMillis,
                 io.boxoffice.booking.domain.holds.Holds holds) {
            this.show = show;
            this.layout = layout;
            this.seats = new Seat[layout.seatCount()];
            this.mine = new boolean[layout.seatCount()];
            for (int seat = 0; seat < seats.length; seat++) {
                boolean occupied = !occupancy.isFree(seat);
                if (occupied && occupancy.isHeld(seat)) {
                    HoldRecord hold = holds.activeByRef(occupancy.occupantRef(seat));
                    occupied = hold != null && hold.getExpiresAtMillis() > viewAtMillis;
                }
                if (occupied) {
                    seats[seat] = occupancy.isHeld(seat) ? Seat.HELD : Seat.BOOKED;
                    mine[seat] = occupancy.userRef(seat) == viewerRef;
                } else {
                    seats[seat] = layout.isBlocked(seat) ? Seat.BLOCKED : Seat.FREE;
                }
            }
        }

        public ShowRecord show() {
            return show;
        }

        public SeatLayout layout() {
            return layout;
        }

        public Seat seat(int index) {
            return seats[index];
        }

        public boolean mine(int index) {
            return mine[index];
        }

        /** Seats that could be sold (not blocked, or occupied although blocked since). */
        public int sellableCount() {
            int count = 0;
            for (Seat seat : seats) {
                if (seat != Seat.BLOCKED) {
                    count++;
                }
            }
            return count;
        }

        public int freeCount() {
            int count = 0;
            for (Seat seat : seats) {
                if (seat == Seat.FREE) {
                    count++;
                }
            }
            return count;
        }
    }

    // ---------------------------------------------------------------- holds and bookings

    public Optional<HoldRecord> hold(String holdId) {
        return state.holds().get(holdId);
    }

    public List<HoldRecord> activeHoldsOfUser(String userId) {
        return state.holds().activeOfUser(userId);
    }

    public Optional<BookingRecord> booking(String bookingId) {
        return state.bookings().get(bookingId);
    }

    public Bookings.Page bookingsOfUser(String userId, int pageSize, String pageToken) {
        return state.bookings().ofUser(userId, pageSize, pageToken);
    }

    public Bookings.Page bookingsOfShow(String showId, int pageSize, String pageToken) {
        return state.bookings().ofShow(showId, pageSize, pageToken);
    }

    public Bookings.Page allBookings(int pageSize, String pageToken) {
        return state.bookings().all(pageSize, pageToken);
    }

    public List<AuditEventRecord> seatTrail(String showId, String seatId) {
        return state.audit().ofSeat(showId, seatId);
    }

    public List<AuditEventRecord> holdTrail(String holdId) {
        return state.audit().ofHold(holdId);
    }

    public List<AuditEventRecord> bookingTrail(String bookingId) {
        return state.audit().ofBooking(bookingId);
    }

    /**
     * What a request with this idempotency key answered, if it was applied and its fingerprint matches:
     * the leader answers a retry from here without charging a card again.
     */
    public Optional<CommandOutcome> remembered(String userId, String key, com.google.protobuf.ByteString fingerprint) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return state.idempotency().get(userId, key)
                .filter(record -> record.getRequestFingerprint().equals(fingerprint))
                .map(state::replay);
    }

    /** Whether a result is remembered under the user's key (within the retention). */
    public boolean isKeyRemembered(String userId, String key) {
        return state.idempotency().get(userId, key).isPresent();
    }

    /** Whether the key was used for another request (its fingerprint differs). */
    public boolean keyReusedForAnotherRequest(String userId, String key, com.google.protobuf.ByteString fingerprint) {
        return !key.isEmpty() && state.idempotency().get(userId, key)
                .map(record -> !record.getRequestFingerprint().equals(fingerprint)).orElse(false);
    }

    /** When the earliest active hold expires, if any: the leader proposes ExpireHolds only then. O(1). */
    public OptionalLong nextHoldExpiryMillis() {
        return state.holds().nextExpiryMillis();
    }

    // ---------------------------------------------------------------- statistics

    /** Every record counter by name ("bookings.confirmed", "holds.active", "events", ...). O(counters). */
    public Map<String, Long> counts() {
        return state.counters().all();
    }

    /** Counts by kind and state, O(1): kept up to date by apply. */
    public Statistics statistics() {
        Map<HoldState, Long> holdsByState = new EnumMap<>(HoldState.class);
        for (HoldState holdState : HoldState.values()) {
            if (holdState != HoldState.UNRECOGNIZED && holdState != HoldState.HOLD_STATE_UNSPECIFIED) {
                holdsByState.put(holdState, state.counters().get("holds." + holdState.name()
                        .substring("HOLD_STATE_".length()).toLowerCase(java.util.Locale.ROOT)));
            }
        }
        Map<BookingState, Long> bookingsByState = new EnumMap<>(BookingState.class);
        Map<PaymentState, Long> paymentsByState = new EnumMap<>(PaymentState.class);
        for (BookingState bookingState : List.of(BookingState.BOOKING_STATE_CONFIRMED,
                BookingState.BOOKING_STATE_CANCELLED)) {
            bookingsByState.put(bookingState, state.bookings().count(bookingState));
        }
        for (PaymentState paymentState : PaymentState.values()) {
            if (paymentState != PaymentState.UNRECOGNIZED && paymentState != PaymentState.PAYMENT_STATE_UNSPECIFIED) {
                paymentsByState.put(paymentState, state.payments().count(paymentState));
            }
        }
        return new Statistics(state.users().count(), state.counters().get("movies"), state.counters().get("screens"),
                state.counters().get("shows"), state.holds().activeCount(), holdsByState, bookingsByState,
                paymentsByState, state.payments().refundCount(), state.idempotency().count(),
                state.counters().get("events"));
    }

    /** Counts of the state's records. */
    public record Statistics(long users, long movies, long screens, long shows, long activeHolds,
                             Map<HoldState, Long> holdsByState, Map<BookingState, Long> bookingsByState,
                             Map<PaymentState, Long> paymentsByState, long refunds, long idempotencyRecords,
                             long auditEvents) {
    }
}
