package io.boxoffice.booking.app;

import io.boxoffice.proto.replicated.v1.UserRecord;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the API asks of the booking state, as public messages. Every method runs on the Raft driver thread
 * inside a {@code RaftServer.read}, so it must be quick and must not block; results are immutable
 * protobuf messages, safe to hand to other threads. {@link DomainBookingQueries} answers them.
 */
public interface BookingQueries {

    Optional<UserRecord> userByUsername(String username);

    boolean hasUsers();

    List<Movie> movies();

    Optional<Movie> movie(String movieId);

    List<Screen> screens();

    Optional<Screen> screen(String screenId);

    /** Shows in start-time order, optionally of one movie and starting after a time (at most 1,000). */
    List<Show> shows(Optional<String> movieId, OptionalLong startsAfterMillis);

    Optional<Show> show(String showId);

    /** The seat map with each seat's state; {@code mine} marks seats held or booked by {@code userId}. */
    Optional<SeatMap> seatMap(String showId, String userId);

    /** One hold with its audit trail. */
    Optional<Hold> hold(String holdId);

    /** The user's active holds. */
    List<Hold> activeHolds(String userId);

    /** One booking with its audit trail. */
    Optional<Booking> booking(String bookingId);

    /** The user's bookings, newest first, one page. */
    ListBookingsResponse bookingsOf(String userId, int pageSize, String pageToken);

    /** Every booking, optionally of one show or one user, one page. */
    ListBookingsResponse allBookings(Optional<String> showId, Optional<String> userId, int pageSize,
                                     String pageToken);

    /** The earliest expiry among active holds, if any. */
    OptionalLong nextHoldExpiryMillis();

    /** The state hash at the applied index (hex), and that index. */
    StateHash stateHash();

    /** A replica's state hash as of its applied index. */
    record StateHash(long appliedIndex, String hash) {
    }
}
