package io.boxoffice.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Seats for contention {@code none}: a client takes a whole show from a shared queue, reads its seat map once
 * and books its free seats front to back, row by row, then takes the next show. No two clients ever pick the
 * same seats, so every pick succeeds unless the show changed behind the seat map (a rerun, another program),
 * and shows fill up the way a sell-out does. Seats freed later (cancels, expired holds) are not revisited.
 *
 * <p>One cursor per worker (not thread-safe); the {@link Queue} is shared.
 */
final class SeatCursor {

    /** The shows not yet handed to a client; each show goes to exactly one. Thread-safe. */
    static final class Queue {
        private final List<String> showIds;
        private final AtomicInteger next = new AtomicInteger();

        Queue(List<String> showIds) {
            this.showIds = List.copyOf(showIds);
        }

        Optional<String> take() {
            int index = next.getAndIncrement();
            if (index >= showIds.size()) {
                next.set(showIds.size()); // No overflow however often an exhausted queue is asked.
                return Optional.empty();
            }
            return Optional.of(showIds.get(index));
        }

        /** Shows handed out so far. */
        int taken() {
            return Math.min(next.get(), showIds.size());
        }
    }

    private final Queue queue;
    private final Function<String, Set<String>> takenSeatsOfShow;
    private final int rows;
    private final int seatsPerRow;
    private String showId;
    private Set<String> takenAtStart;
    private int row;
    private int seat;

    /**
     * @param takenSeatsOfShow the ids of the seats a show's seat map shows as not free (read once per show;
     *                         may throw, in which case the same show is read again on the next call)
     */
    SeatCursor(Queue queue, Function<String, Set<String>> takenSeatsOfShow, int rows, int seatsPerRow) {
        this.queue = queue;
        this.takenSeatsOfShow = takenSeatsOfShow;
        this.rows = rows;
        this.seatsPerRow = seatsPerRow;
    }

    /** The next {@code count} adjacent free seats, or empty when every show of the queue is used up. */
    Optional<SeatPool.Pick> next(int count) {
        while (true) {
            if (showId == null) {
                Optional<String> taken = queue.take();
                if (taken.isEmpty()) {
                    return Optional.empty();
                }
                showId = taken.get();
                takenAtStart = null;
                row = 0;
                seat = 1;
            }
            if (takenAtStart == null) {
                takenAtStart = takenSeatsOfShow.apply(showId);
            }
            Optional<SeatPool.Pick> pick = nextInShow(count);
            if (pick.isPresent()) {
                return pick;
            }
            showId = null;
        }
    }

    private Optional<SeatPool.Pick> nextInShow(int count) {
        while (row < rows) {
            char rowLetter = (char) ('A' + row);
            int run = 0;
            while (seat <= seatsPerRow) {
                run = takenAtStart.contains(rowLetter + Integer.toString(seat)) ? 0 : run + 1;
                seat++;
                if (run == count) {
                    List<String> seatIds = new ArrayList<>(count);
                    for (int number = seat - count; number < seat; number++) {
                        seatIds.add(rowLetter + Integer.toString(number));
                    }
                    return Optional.of(new SeatPool.Pick(showId, seatIds));
                }
            }
            row++;
            seat = 1;
        }
        return Optional.empty();
    }
}
