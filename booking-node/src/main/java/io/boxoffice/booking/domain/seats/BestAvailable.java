package io.boxoffice.booking.domain.seats;

import io.boxoffice.booking.domain.catalog.SeatLayout;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Picks N adjacent free seats in one row, the way a box office clerk would.
 *
 * <p>Every block of N consecutive free seats in a row of the wanted category is a candidate. Candidates
 * are ranked by, in order:
 * <ol>
 *   <li>orphans: how many single free seats the block would strand between itself and a taken or
 *       blocked seat or the row's end (0, 1 or 2) — fewer is better, so a block leaving none always
 *       wins, and one leaving an orphan is taken only when nothing else fits;</li>
 *   <li>distance of the row from the middle row of the screen — the middle rows are the best;</li>
 *   <li>the front-most of two rows equally far from the middle;</li>
 *   <li>distance of the block's centre from the row's centre;</li>
 *   <li>the left-most block.</li>
 * </ol>
 * Pure and deterministic.
 */
public final class BestAvailable {

    private BestAvailable() {
    }

    /**
     * @param category wanted category, or empty for any
     * @param isFree whether the seat at an index can be taken now (not held, booked or blocked)
     * @return the index of the first seat of the block (the block runs left to right), or empty when no
     *         row has {@code count} adjacent free seats
     */
    public static Optional<Integer> find(SeatLayout layout, int count, String category, IntPredicate isFree) {
        Candidate best = null;
        for (int row = 0; row < layout.rowCount(); row++) {
            if (!category.isEmpty() && !category.equals(layout.categoryOfRow(row))) {
                continue;
            }
            Candidate candidate = bestInRow(layout, row, count, isFree);
            if (candidate != null && (best == null || candidate.isBetterThan(best))) {
                best = candidate;
            }
        }
        return best == null ? Optional.empty()
                : Optional.of(best.row * layout.seatsPerRow() + best.first - 1);
    }

    private static Candidate bestInRow(SeatLayout layout, int row, int count, IntPredicate isFree) {
        Candidate best = null;
        int seats = layout.seatsPerRow();
        int base = row * seats - 1; // index of seat number n is base + n
        int number = 1;
        while (number <= seats) {
            if (!isFree.test(base + number)) {
                number++;
                continue;
            }
            int runStart = number;
            while (number <= seats && isFree.test(base + number)) {
                number++;
            }
            int runEnd = number - 1;
            for (int first = runStart; first + count - 1 <= runEnd; first++) {
                Candidate candidate = new Candidate(layout, row, first, count, runStart, runEnd);
                if (best == null || candidate.isBetterThan(best)) {
                    best = candidate;
                }
            }
        }
        return best;
    }

    private static final class Candidate {
        final int row;
        final int first;
        final int orphans;
        final int rowDistanceTwice;
        final int centreDistanceTwice;

        Candidate(SeatLayout layout, int row, int first, int count, int runStart, int runEnd) {
            int last = first + count - 1;
            this.row = row;
            this.first = first;
            this.orphans = (first - runStart == 1 ? 1 : 0) + (runEnd - last == 1 ? 1 : 0);
            // Doubled distances keep half-seat centres in integers.
            this.rowDistanceTwice = Math.abs(2 * row - (layout.rowCount() - 1));
            this.centreDistanceTwice = Math.abs(first + last - (layout.seatsPerRow() + 1));
        }

        boolean isBetterThan(Candidate other) {
            if (orphans != other.orphans) {
                return orphans < other.orphans;
            }
            if (rowDistanceTwice != other.rowDistanceTwice) {
                return rowDistanceTwice < other.rowDistanceTwice;
            }
            if (row != other.row) {
                return row < other.row;
            }
            if (centreDistanceTwice != other.centreDistanceTwice) {
                return centreDistanceTwice < other.centreDistanceTwice;
            }
            return first < other.first;
        }
    }
}
