package io.boxoffice.booking.domain.seats;

import io.boxoffice.booking.domain.Context;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.proto.replicated.v1.SeatSelection;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Turns a seat selection (named seats, or the best N of a category) into free seats of a show, or refuses
 * it: INVALID_ARGUMENT for a malformed selection, FAILED_PRECONDITION naming the taken seats. The
 * availability check of HoldSeats and BookSeats alike: deciding it here, inside the replicated command, is
 * what makes a seat impossible to sell twice.
 */
public final class SeatPicker {

    private final Occupancy occupancy;

    public SeatPicker(Occupancy occupancy) {
        this.occupancy = occupancy;
    }

    /** Checks the selection's shape against the layout; returns the number of seats asked for. */
    public static int requireWellFormed(SeatSelection selection, SeatLayout layout, int seatsMax) {
        boolean byIds = selection.getSeatIdsCount() > 0;
        boolean byBest = selection.getBestAvailableCount() != 0;
        if (byIds == byBest) {
            throw RejectedException.invalidArgument("seat_ids", "give either seat_ids or best_available");
        }
        int count = byIds ? selection.getSeatIdsCount() : selection.getBestAvailableCount();
        if (count < 1 || count > seatsMax) {
            throw RejectedException.invalidArgument(byIds ? "seat_ids" : "best_available.count",
                    "1.." + seatsMax + " seats at a time, asked for " + count);
        }
        if (byIds) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < selection.getSeatIdsCount(); i++) {
                String field = "seat_ids[" + i + "]";
                if (!seen.add(layout.requireSeat(selection.getSeatIds(i), field))) {
                    throw RejectedException.invalidArgument(field, "seat " + selection.getSeatIds(i)
                            + " is listed twice");
                }
            }
        } else {
            String category = selection.getBestAvailableCategory();
            if (!category.isEmpty() && !layout.hasCategory(category)) {
                throw RejectedException.invalidArgument("best_available.category", "this screen has no category '"
                        + io.boxoffice.booking.domain.FieldLimits.echo(category) + "'; it has "
                        + String.join(", ", layout.categories()));
            }
        }
        return count;
    }

    /** The show can still be sold: scheduled and not started. */
    public static void requireBookable(Context context, ShowRecord show) {
        if (show.getState() != io.boxoffice.proto.replicated.v1.ShowState.SHOW_STATE_SCHEDULED) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " is cancelled");
        }
        if (context.nowMillis() >= show.getStartsAtMillis()) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " started at "
                    + Instant.ofEpochMilli(show.getStartsAtMillis()) + "; it can no longer be booked");
        }
    }

    /**
     * The seat indexes the selection gets now, all free; FAILED_PRECONDITION when any named seat is held,
     * booked or blocked (naming them) or no block of adjacent seats is free.
     */
    public int[] pick(ShowRecord show, SeatLayout layout, SeatSelection selection) {
        ShowSeats seats = occupancy.of(show.getId(), layout.seatCount());
        if (selection.getSeatIdsCount() > 0) {
            return named(layout, seats, selection.getSeatIdsList());
        }
        int count = selection.getBestAvailableCount();
        String category = selection.getBestAvailableCategory();
        IntPredicate free = seat -> seats.isFree(seat) && !layout.isBlocked(seat);
        int first = BestAvailable.find(layout, count, category, free).orElseThrow(() ->
                RejectedException.failedPrecondition("no " + count + " adjacent free seats" + (category.isEmpty() ? ""
                        : " in category '" + category + "'") + " in one row of show " + show.getId()));
        int[] picked = new int[count];
        for (int i = 0; i < count; i++) {
            picked[i] = first + i;
        }
        return picked;
    }

    private static int[] named(SeatLayout layout, ShowSeats seats, List<String> seatIds) {
        int[] picked = new int[seatIds.size()];
        List<String> taken = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (int i = 0; i < seatIds.size(); i++) {
            int seat = layout.requireSeat(seatIds.get(i), "seat_ids[" + i + "]");
            picked[i] = seat;
            if (!seats.isFree(seat)) {
                taken.add(seatIds.get(i));
                described.add(seatIds.get(i) + (seats.isHeld(seat) ? " (held)" : " (booked)"));
            } else if (layout.isBlocked(seat)) {
                taken.add(seatIds.get(i));
                described.add(seatIds.get(i) + " (blocked)");
            }
        }
        if (!taken.isEmpty()) {
            throw RejectedException.seatsTaken((taken.size() == 1 ? "seat " : "seats ") + String.join(", ", described)
                    + (taken.size() == 1 ? " is" : " are") + " not available", taken);
        }
        return picked;
    }
}
