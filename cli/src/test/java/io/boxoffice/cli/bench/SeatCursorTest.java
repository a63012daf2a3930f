package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeatCursorTest {

    static List<SeatPool.Pick> drain(SeatCursor cursor, int count) {
        List<SeatPool.Pick> picks = new ArrayList<>();
        for (Optional<SeatPool.Pick> pick = cursor.next(count); pick.isPresent(); pick = cursor.next(count)) {
            picks.add(pick.get());
        }
        return picks;
    }

    @Test
    void each_show_goes_to_one_client_and_is_booked_front_to_back_in_adjacent_runs() {
        SeatCursor.Queue queue = new SeatCursor.Queue(List.of("s1", "s2", "s3"));
        SeatCursor first = new SeatCursor(queue, show -> Set.of(), 2, 5);
        SeatCursor second = new SeatCursor(queue, show -> Set.of(), 2, 5);

        assertThat(first.next(2)).contains(new SeatPool.Pick("s1", List.of("A1", "A2")));
        assertThat(second.next(2)).contains(new SeatPool.Pick("s2", List.of("A1", "A2")));
        assertThat(first.next(2)).contains(new SeatPool.Pick("s1", List.of("A3", "A4")));
        // A5 is a single seat at the row's end: the next run starts in row B.
        assertThat(first.next(2)).contains(new SeatPool.Pick("s1", List.of("B1", "B2")));
        assertThat(first.next(2)).contains(new SeatPool.Pick("s1", List.of("B3", "B4")));
        assertThat(first.next(2)).as("s1 is full, s2 belongs to the other client").contains(
                new SeatPool.Pick("s3", List.of("A1", "A2")));

        List<SeatPool.Pick> rest = new ArrayList<>(drain(first, 2));
        rest.addAll(drain(second, 2));
        assertThat(rest).hasSize(3 + 3);
        Set<String> seats = new HashSet<>();
        for (SeatPool.Pick pick : rest) {
            assertThat(pick.seatIds()).allSatisfy(seat -> assertThat(seats.add(pick.showId() + "/" + seat))
                    .as("seat %s of %s handed out twice", seat, pick.showId()).isTrue());
        }
        assertThat(queue.taken()).isEqualTo(3);
        assertThat(first.next(2)).as("every show is used up").isEmpty();
    }

    @Test
    void seats_the_seat_map_shows_taken_are_skipped_so_a_rerun_books_only_free_ones() {
        SeatCursor cursor = new SeatCursor(new SeatCursor.Queue(List.of("s1")), show -> Set.of("A2", "B1"), 2, 5);
        assertThat(drain(cursor, 2)).containsExactly(
                new SeatPool.Pick("s1", List.of("A3", "A4")),
                new SeatPool.Pick("s1", List.of("B2", "B3")),
                new SeatPool.Pick("s1", List.of("B4", "B5")));
    }

    @Test
    void a_failed_seat_map_read_is_tried_again_on_the_same_show() {
        AtomicInteger reads = new AtomicInteger();
        SeatCursor cursor = new SeatCursor(new SeatCursor.Queue(List.of("s1", "s2")), show -> {
            if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("node unavailable");
            }
            return Set.of();
        }, 1, 4);
        assertThatThrownBy(() -> cursor.next(4)).hasMessage("node unavailable");
        assertThat(cursor.next(4)).contains(new SeatPool.Pick("s1", List.of("A1", "A2", "A3", "A4")));
        assertThat(cursor.next(4)).contains(new SeatPool.Pick("s2", List.of("A1", "A2", "A3", "A4")));
        assertThat(reads).hasValue(3);
    }
}
