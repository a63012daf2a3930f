package io.boxoffice.booking.app;

import io.boxoffice.booking.domain.Actors;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.proto.booking.v1.UserRecord;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link BookingQueries} answered by the domain's {@link BookingStateMachine}. Reads that present holds
 * pass the reader's wall clock, so a hold past its expiry shows as expired before the next command
 * records it. Authorization is the services' business: this adapter reads as the system.
 */
@ApplicationScoped
public class DomainBookingQueries implements BookingQueries {

    @Inject
    BookingStateMachine state;

    private static long now() {
        return System.currentTimeMillis();
    }

    @Override
    public Optional<UserRecord> userByUsername(String username) {
        return state.userByUsername(username);
    }

    @Override
    public boolean hasUsers() {
        return state.userCount() > 0;
    }

    @Override
    public List<Movie> movies() {
        return state.movies();
    }

    @Override
    public Optional<Movie> movie(String movieId) {
        return state.movie(movieId);
    }

    @Override
    public List<Screen> screens() {
        return state.screens();
    }

    @Override
    public Optional<Screen> screen(String screenId) {
        return state.screen(screenId);
    }

    @Override
    public List<Show> shows(Optional<String> movieId, OptionalLong startsAfterMillis) {
        return state.shows(movieId, startsAfterMillis, now());
    }

    @Override
    public Optional<Show> show(String showId) {
        return state.show(showId, now());
    }

    @Override
    public Optional<SeatMap> seatMap(String showId, String userId) {
        return state.seatMap(showId, userId, now());
    }

    @Override
    public Optional<Hold> hold(String holdId) {
        return state.hold(holdId, Actors.system(), now());
    }

    @Override
    public List<Hold> activeHolds(String userId) {
        return state.activeHoldsOfUser(userId, now());
    }

    @Override
    public Optional<Booking> booking(String bookingId) {
        return state.booking(bookingId, Actors.system());
    }

    @Override
    public ListBookingsResponse bookingsOf(String userId, int pageSize, String pageToken) {
        BookingStateMachine.BookingPage page = state.bookingsOfUser(userId, pageSize, pageToken);
        return ListBookingsResponse.newBuilder().addAllBookings(page.bookings())
                .setNextPageToken(page.nextPageToken()).build();
    }

    @Override
    public ListBookingsResponse allBookings(Optional<String> showId, Optional<String> userId, int pageSize,
                                            String pageToken) {
        BookingStateMachine.BookingPage page = state.allBookings(showId, userId, pageSize, pageToken);
        return ListBookingsResponse.newBuilder().addAllBookings(page.bookings())
                .setNextPageToken(page.nextPageToken()).build();
    }

    @Override
    public Optional<io.boxoffice.proto.booking.v1.CommandResult> rememberedResult(String userId,
                                                                                  String idempotencyKey) {
        return idempotencyKey.isEmpty() ? Optional.empty() : state.rememberedResult(userId, idempotencyKey);
    }

    @Override
    public String paymentKeyFor(String holdId) {
        return state.paymentKeyFor(holdId);
    }

    /**
     * The state machine exposes no earliest-expiry query yet, so this answers "now" whenever any hold is
     * active (an O(records) statistics scan): the leader then proposes ExpireHolds once per interval while
     * holds are active, and nothing while none is.
     */
    @Override
    public OptionalLong nextHoldExpiryMillis() {
        return state.nextHoldExpiryMillis();
    }

    @Override
    public String stateHash() {
        return state.stateHash();
    }
}
