package io.boxoffice.booking.app;

import io.boxoffice.booking.app.views.PublicViews;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.booking.domain.StateQueries;
import io.boxoffice.booking.domain.bookings.Bookings;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.UserRecord;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link BookingQueries} answered from the domain's {@link StateQueries}, turned into public messages by
 * {@link PublicViews}. Reads that present holds and seats pass the reader's wall clock, so a hold past its
 * expiry shows as expired before the next command records it. Authorization is the services' business.
 */
@ApplicationScoped
public class DomainBookingQueries implements BookingQueries {

    @Inject
    BookingStateMachine state;

    private StateQueries queries() {
        return state.queries();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    @Override
    public Optional<UserRecord> userByUsername(String username) {
        return queries().userByUsername(username);
    }

    @Override
    public boolean hasUsers() {
        return queries().userCount() > 0;
    }

    @Override
    public List<Movie> movies() {
        return queries().movies().stream().map(PublicViews::movie).toList();
    }

    @Override
    public Optional<Movie> movie(String movieId) {
        return queries().movie(movieId).map(PublicViews::movie);
    }

    @Override
    public List<Screen> screens() {
        return queries().screens().stream().map(PublicViews::screen).toList();
    }

    @Override
    public Optional<Screen> screen(String screenId) {
        return queries().screen(screenId).map(PublicViews::screen);
    }

    @Override
    public List<Show> shows(Optional<String> movieId, OptionalLong startsAfterMillis) {
        List<Show> shows = new ArrayList<>();
        for (ShowRecord show : queries().shows(movieId, startsAfterMillis)) {
            shows.add(showView(show));
        }
        return shows;
    }

    @Override
    public Optional<Show> show(String showId) {
        return queries().show(showId).map(this::showView);
    }

    private Show showView(ShowRecord show) {
        MovieRecord movie = queries().movie(show.getMovieId()).orElseThrow();
        ScreenRecord screen = queries().screen(show.getScreenId()).orElseThrow();
        return PublicViews.show(show, movie, screen, queries().seats(show.getId(), "", now()).orElseThrow());
    }

    @Override
    public Optional<SeatMap> seatMap(String showId, String userId) {
        long viewAt = Math.max(now(), queries().clockMillis());
        return queries().seats(showId, userId, viewAt).map(seats -> PublicViews.seatMap(seats, viewAt));
    }

    @Override
    public Optional<Hold> hold(String holdId) {
        return queries().hold(holdId).map(hold -> PublicViews.hold(hold, queries().holdTrail(holdId), viewAt()));
    }

    @Override
    public List<Hold> activeHolds(String userId) {
        long viewAt = viewAt();
        List<Hold> holds = new ArrayList<>();
        for (HoldRecord hold : queries().activeHoldsOfUser(userId)) {
            Hold view = PublicViews.hold(hold, List.of(), viewAt);
            if (view.getStatus() == io.boxoffice.proto.v1.HoldStatus.HOLD_STATUS_ACTIVE) {
                holds.add(view);
            }
        }
        return holds;
    }

    @Override
    public Optional<Booking> booking(String bookingId) {
        return queries().booking(bookingId).map(booking -> bookingView(booking, true));
    }

    private Booking bookingView(BookingRecord booking, boolean withAudit) {
        ShowRecord show = queries().show(booking.getShowId()).orElseThrow();
        return PublicViews.booking(booking, queries().labels(show),
                withAudit ? queries().bookingTrail(booking.getId()) : List.of());
    }

    @Override
    public ListBookingsResponse bookingsOf(String userId, int pageSize, String pageToken) {
        return response(queries().bookingsOfUser(userId, pageSize, pageToken));
    }

    @Override
    public ListBookingsResponse allBookings(Optional<String> showId, Optional<String> userId, int pageSize,
                                            String pageToken) {
        if (userId.isPresent()) {
            Bookings.Page page = queries().bookingsOfUser(userId.get(), pageSize, pageToken);
            if (showId.isPresent()) {
                // Both filters: the user's page, narrowed to the show (a page may come out shorter).
                page = new Bookings.Page(page.bookings().stream()
                        .filter(booking -> booking.getShowId().equals(showId.get())).toList(), page.nextPageToken());
            }
            return response(page);
        }
        if (showId.isPresent()) {
            return response(queries().bookingsOfShow(showId.get(), pageSize, pageToken));
        }
        return response(queries().allBookings(pageSize, pageToken));
    }

    private ListBookingsResponse response(Bookings.Page page) {
        ListBookingsResponse.Builder response = ListBookingsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.bookings().forEach(booking -> response.addBookings(bookingView(booking, false)));
        return response.build();
    }

    @Override
    public OptionalLong nextHoldExpiryMillis() {
        return queries().nextHoldExpiryMillis();
    }

    @Override
    public StateHash stateHash() {
        return new StateHash(state.appliedIndex(), state.stateHash());
    }

    private long viewAt() {
        return Math.max(now(), queries().clockMillis());
    }
}
