package io.boxoffice.booking.domain;

import io.boxoffice.booking.domain.BookingState.Occupant;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.proto.booking.v1.UserRecord;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CategoryAvailability;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.User;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the public messages from stored records: fills convenience fields (movie title, screen name,
 * seat counts), leaves audit trails out unless asked, and shows a hold whose expiry has passed at the
 * reader's time as expired even before the next command records it.
 */
final class BookingViews {

    private final BookingState state;

    BookingViews(BookingState state) {
        this.state = state;
    }

    User user(UserRecord record) {
        return User.newBuilder().setId(record.getId()).setUsername(record.getUsername())
                .addAllRoles(record.getRolesList()).setCreatedAtMillis(record.getCreatedAtMillis()).build();
    }

    Show show(Show record, long viewAtMillis) {
        SeatLayout layout = state.layoutOf(record.getScreenId());
        int sellable = 0;
        int free = 0;
        for (String seatId : layout.allSeatIds()) {
            if (!layout.isBlocked(seatId)) {
                sellable++;
                if (isFree(record.getId(), seatId, viewAtMillis)) {
                    free++;
                }
            }
        }
        Movie movie = state.movies.get(record.getMovieId());
        Screen screen = state.screens.get(record.getScreenId());
        return record.toBuilder().setMovieTitle(movie.getTitle()).setScreenName(screen.getName())
                .setSeatsTotal(sellable).setSeatsFree(free).build();
    }

    Booking booking(Booking record, boolean withAudit) {
        Booking.Builder view = record.toBuilder();
        if (!withAudit) {
            view.clearAudit();
        }
        Show show = state.shows.get(record.getShowId());
        view.setShowStartsAtMillis(show.getStartsAtMillis())
                .setMovieTitle(state.movies.get(show.getMovieId()).getTitle())
                .setScreenName(state.screens.get(show.getScreenId()).getName());
        return view.build();
    }

    Hold hold(Hold record, boolean withAudit, long viewAtMillis) {
        Hold.Builder view = record.toBuilder();
        if (!withAudit) {
            view.clearAudit();
        }
        if (record.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE && record.getExpiresAtMillis() <= viewAtMillis) {
            view.setStatus(HoldStatus.HOLD_STATUS_EXPIRED).setStatusReason(CommandApplier.EXPIRY_REASON);
        }
        return view.build();
    }

    /** Free at the reader's time: not blocked, booked, or held by a hold still running at {@code viewAtMillis}. */
    boolean isFree(String showId, String seatId, long viewAtMillis) {
        Show show = state.shows.get(showId);
        if (state.layoutOf(show.getScreenId()).isBlocked(seatId)) {
            return false;
        }
        Occupant occupant = state.occupantOf(showId, seatId);
        return occupant == null || (occupant.isHold() && occupant.holdExpiresAtMillis() <= viewAtMillis);
    }

    SeatMap seatMap(Show show, String viewerUserId, long viewAtMillis) {
        SeatLayout layout = state.layoutOf(show.getScreenId());
        SeatMap.Builder map = SeatMap.newBuilder().setShowId(show.getId()).setScreenId(show.getScreenId())
                .setAsOfMillis(viewAtMillis);
        Map<String, int[]> freeAndTotalByCategory = new LinkedHashMap<>();
        for (String category : layout.categories()) {
            freeAndTotalByCategory.put(category, new int[2]);
        }
        for (int row = 0; row < layout.rowCount(); row++) {
            SeatRow.Builder seatRow = SeatRow.newBuilder().setRow(SeatLayout.rowLabel(row));
            String category = layout.categoryOfRow(row);
            int[] counts = freeAndTotalByCategory.get(category);
            for (int number = 1; number <= layout.seatsPerRow(); number++) {
                String seatId = SeatLayout.seatId(row, number);
                Occupant occupant = state.occupantOf(show.getId(), seatId);
                if (occupant != null && occupant.isHold() && occupant.holdExpiresAtMillis() <= viewAtMillis) {
                    occupant = null;
                }
                SeatState seatState = seatState(layout.isBlocked(seatId), occupant);
                if (!layout.isBlocked(seatId)) {
                    counts[1]++;
                    if (seatState == SeatState.SEAT_STATE_FREE) {
                        counts[0]++;
                    }
                }
                seatRow.addSeats(Seat.newBuilder().setId(seatId).setNumber(number).setState(seatState)
                        .setCategory(category).setPrice(layout.priceOfCategory(category))
                        .setMine(occupant != null && occupant.userId().equals(viewerUserId)));
            }
            map.addRows(seatRow);
        }
        freeAndTotalByCategory.forEach((category, counts) -> map.addCategories(CategoryAvailability.newBuilder()
                .setCategory(category).setPrice(layout.priceOfCategory(category))
                .setSeatsFree(counts[0]).setSeatsTotal(counts[1])));
        return map.build();
    }

    /** Booked and held seats show as such even when the admin has blocked them since. */
    private static SeatState seatState(boolean blocked, Occupant occupant) {
        if (occupant != null) {
            return occupant.isHold() ? SeatState.SEAT_STATE_HELD : SeatState.SEAT_STATE_BOOKED;
        }
        return blocked ? SeatState.SEAT_STATE_BLOCKED : SeatState.SEAT_STATE_FREE;
    }
}
