package io.boxoffice.booking.assistant;

import com.google.protobuf.Timestamp;
import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.proto.assistant.v1.BookingPolicy;
import io.boxoffice.proto.assistant.v1.BookingStatus;
import io.boxoffice.proto.assistant.v1.CategoryAvailability;
import io.boxoffice.proto.assistant.v1.Facts;
import io.boxoffice.proto.assistant.v1.Money;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Gathers what the assistant may know about one user, in one read of the state (so the facts are
 * consistent with each other): their latest bookings, their active holds, the upcoming shows of films the
 * question names, the shows those concern, then the next upcoming ones, with live availability per
 * category; and the booking rules this node applies ({@link BookingLimits}, the one definition of the
 * refund window and hold duration), so the assistant states and applies the node's values. Bounded, so
 * one question cannot make the driver thread build an unbounded message.
 */
final class FactsMapper {

    static final int MAX_BOOKINGS = 20;
    static final int MAX_SHOWS = 8;

    private FactsMapper() {
    }

    static Facts gather(BookingQueries queries, String userId, String username, long nowMillis, String question,
                        BookingLimits limits) {
        Facts.Builder facts = Facts.newBuilder().setUserName(username).setPolicy(policy(limits));
        Set<String> showIds = new LinkedHashSet<>();
        List<Show> upcoming = queries.shows(Optional.empty(), OptionalLong.of(nowMillis));
        String asked = " " + words(question) + " ";
        for (Show show : upcoming) {
            // "hold 2 seats for Split Brain tonight": that film's shows must be in the facts even when many others come first.
            if (showIds.size() < MAX_SHOWS && !show.getMovieTitle().isBlank() && asked.contains(" " + words(show.getMovieTitle()) + " ")) {
                showIds.add(show.getId());
            }
        }
        for (Booking booking : queries.bookingsOf(userId, MAX_BOOKINGS, "").getBookingsList()) {
            facts.addBookings(booking(booking));
            showIds.add(booking.getShowId());
        }
        for (Hold hold : queries.activeHolds(userId)) {
            Optional<Show> show = queries.show(hold.getShowId());
            facts.addHolds(hold(hold, show));
            showIds.add(hold.getShowId());
        }
        for (Show show : upcoming) {
            if (showIds.size() >= MAX_SHOWS) {
                break;
            }
            showIds.add(show.getId());
        }
        int added = 0;
        for (String showId : showIds) {
            if (added++ >= MAX_SHOWS) {
                break;
            }
            queries.show(showId).ifPresent(show -> facts.addShows(show(show, queries.seatMap(showId, userId))));
        }
        return facts.build();
    }

    /** The rules the state machine applies, as the assistant needs them. */
    static BookingPolicy policy(BookingLimits limits) {
        return BookingPolicy.newBuilder().setFullRefundBeforeShowMillis(limits.fullRefundBeforeShowMillis())
                .setHoldDurationMillis(limits.holdDurationMillis()).setSeatsPerHoldMax(limits.seatsPerHoldMax()).build();
    }

    /** Lower-case words separated by single spaces, for matching a title in a question. */
    static String words(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    private static io.boxoffice.proto.assistant.v1.Booking booking(Booking booking) {
        return io.boxoffice.proto.assistant.v1.Booking.newBuilder().setBookingId(booking.getId())
                .setShowId(booking.getShowId()).setMovieTitle(booking.getMovieTitle())
                .setShowStartsAt(timestamp(booking.getShowStartsAtMillis())).setScreen(booking.getScreenName())
                .addAllSeats(booking.getSeatsList().stream().map(SeatLine::getSeatId).toList())
                .setAmount(money(booking.getAmount())).setStatus(switch (booking.getStatus()) {
                    case BOOKING_STATUS_CONFIRMED -> BookingStatus.BOOKING_STATUS_CONFIRMED;
                    case BOOKING_STATUS_CANCELLED -> booking.getRefunded().getAmountMinor() > 0
                            ? BookingStatus.BOOKING_STATUS_REFUNDED : BookingStatus.BOOKING_STATUS_CANCELLED;
                    default -> BookingStatus.BOOKING_STATUS_UNSPECIFIED;
                }).build();
    }

    private static io.boxoffice.proto.assistant.v1.Hold hold(Hold hold, Optional<Show> show) {
        return io.boxoffice.proto.assistant.v1.Hold.newBuilder().setHoldId(hold.getId()).setShowId(hold.getShowId())
                .setMovieTitle(show.map(Show::getMovieTitle).orElse(""))
                .setShowStartsAt(timestamp(show.map(Show::getStartsAtMillis).orElse(0L)))
                .addAllSeats(hold.getSeatsList().stream().map(SeatLine::getSeatId).toList())
                .setExpiresAt(timestamp(hold.getExpiresAtMillis())).build();
    }

    private static io.boxoffice.proto.assistant.v1.Show show(Show show, Optional<SeatMap> seatMap) {
        io.boxoffice.proto.assistant.v1.Show.Builder facts = io.boxoffice.proto.assistant.v1.Show.newBuilder()
                .setShowId(show.getId()).setMovieTitle(show.getMovieTitle()).setScreen(show.getScreenName())
                .setStartsAt(timestamp(show.getStartsAtMillis())).setSeatsFree(Math.max(0, show.getSeatsFree()))
                .setSeatsTotal(Math.max(0, show.getSeatsTotal()));
        seatMap.ifPresent(map -> map.getCategoriesList().forEach(category -> facts.addCategories(
                CategoryAvailability.newBuilder().setCategory(category.getCategory())
                        .setPrice(money(category.getPrice())).setSeatsFree(Math.max(0, category.getSeatsFree())))));
        return facts.build();
    }

    static Money money(io.boxoffice.proto.v1.Money money) {
        return Money.newBuilder().setAmountMinor(money.getAmountMinor()).setCurrency(money.getCurrency()).build();
    }

    static Timestamp timestamp(long millis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000))
                .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000).build();
    }
}
