package io.boxoffice.verifier.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.verifier.check.ClientOperation.ObservedSeat;
import io.boxoffice.verifier.check.ReplicaSnapshot.BookingRecord;
import io.boxoffice.verifier.check.ReplicaSnapshot.HoldRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Final-state invariants: each one passes on consistent replicas and fails on the matching corruption. */
class InvariantCheckerTest {

    private static final long NOW = HistoryBuilder.BASE_WALL_MILLIS + 100_000;
    private final InvariantChecker checker = new InvariantChecker(2_000);

    private final List<ClientOperation> history = new HistoryBuilder()
            .book("u1", "A1", "h1", "b1", 0, 10)
            .book("u2", "A2", "h2", "b2", 20, 30)
            .cancel("u2", "A2", "b2", 40, 50)
            .build();

    private static ReplicaSnapshot replica(String node, long applied, String hash, List<BookingRecord> bookings,
                                           List<HoldRecord> holds, List<ObservedSeat> seats) {
        return new ReplicaSnapshot(node, applied, hash, NOW, bookings, holds, seats);
    }

    private static List<BookingRecord> goodBookings() {
        return List.of(new BookingRecord("b1", "u1", HistoryBuilder.SHOW, List.of("A1"), true),
                new BookingRecord("b2", "u2", HistoryBuilder.SHOW, List.of("A2"), false));
    }

    private static List<ObservedSeat> goodSeats() {
        return List.of(new ObservedSeat("A1", SeatStatus.BOOKED, false), new ObservedSeat("A2", SeatStatus.FREE, false));
    }

    private static List<String> properties(List<Violation> violations) {
        return violations.stream().map(Violation::property).toList();
    }

    @Test
    void consistent_replicas_pass() {
        assertThat(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), List.of(), goodSeats()),
                replica("n2", 10, "abc", goodBookings(), List.of(), goodSeats())))).isEmpty();
    }

    @Test
    void when_replicas_diverge_then_it_is_a_violation() {
        assertThat(properties(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), List.of(), goodSeats()),
                replica("n2", 10, "abd", goodBookings(), List.of(), goodSeats())))))
                .containsExactly(Violation.REPLICAS_IDENTICAL);
        assertThat(properties(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), List.of(), goodSeats()),
                replica("n2", 9, "", goodBookings(), List.of(), goodSeats())))))
                .containsExactly(Violation.REPLICAS_IDENTICAL);
        // A new leader's no-op moves the applied index but not the booking state.
        assertThat(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), List.of(), goodSeats()),
                replica("n2", 11, "abc", goodBookings(), List.of(), goodSeats())))).isEmpty();
    }

    @Test
    void when_a_node_serves_other_bookings_than_the_others_then_it_is_a_violation() {
        List<BookingRecord> behind = List.of(new BookingRecord("b1", "u1", HistoryBuilder.SHOW, List.of("A1"), true),
                new BookingRecord("b2", "u2", HistoryBuilder.SHOW, List.of("A2"), true));
        List<ObservedSeat> behindSeats = List.of(new ObservedSeat("A1", SeatStatus.BOOKED, false),
                new ObservedSeat("A2", SeatStatus.BOOKED, false));
        assertThat(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), List.of(), goodSeats()),
                replica("n2", 10, "abc", behind, List.of(), behindSeats))))
                .anyMatch(v -> v.property().equals(Violation.REPLICAS_IDENTICAL) && v.detail().contains("bookings"))
                .anyMatch(v -> v.property().equals(Violation.REPLICAS_IDENTICAL) && v.detail().contains("seat map"));
    }

    @Test
    void when_a_seat_is_in_two_confirmed_bookings_then_it_is_a_violation() {
        List<BookingRecord> doubled = List.of(new BookingRecord("b1", "u1", HistoryBuilder.SHOW, List.of("A1"), true),
                new BookingRecord("b2", "u2", HistoryBuilder.SHOW, List.of("A2"), false),
                new BookingRecord("b3", "u3", HistoryBuilder.SHOW, List.of("A1"), true));
        assertThat(properties(checker.check(history, List.of(replica("n1", 10, "abc", doubled, List.of(), goodSeats())))))
                .contains(Violation.NO_DOUBLE_BOOKING);
    }

    @Test
    void when_an_acknowledged_booking_or_cancel_is_missing_then_it_is_a_violation() {
        List<BookingRecord> lost = List.of(new BookingRecord("b2", "u2", HistoryBuilder.SHOW, List.of("A2"), false));
        List<ObservedSeat> seats = List.of(new ObservedSeat("A1", SeatStatus.FREE, false),
                new ObservedSeat("A2", SeatStatus.FREE, false));
        assertThat(checker.check(history, List.of(replica("n1", 10, "abc", lost, List.of(), seats))))
                .anyMatch(v -> v.property().equals(Violation.ACKNOWLEDGED_WRITES_DURABLE) && v.subject().equals("b1"));
        List<BookingRecord> uncancelled = List.of(new BookingRecord("b1", "u1", HistoryBuilder.SHOW, List.of("A1"), true),
                new BookingRecord("b2", "u2", HistoryBuilder.SHOW, List.of("A2"), true));
        List<ObservedSeat> bothBooked = List.of(new ObservedSeat("A1", SeatStatus.BOOKED, false),
                new ObservedSeat("A2", SeatStatus.BOOKED, false));
        assertThat(checker.check(history, List.of(replica("n1", 10, "abc", uncancelled, List.of(), bothBooked))))
                .anyMatch(v -> v.property().equals(Violation.ACKNOWLEDGED_WRITES_DURABLE) && v.subject().equals("b2"));
    }

    @Test
    void when_a_hold_outlives_its_expiry_then_it_is_a_violation() {
        List<HoldRecord> stale = List.of(new HoldRecord("h9", "u3", HistoryBuilder.SHOW, List.of("A3"), NOW - 5_000));
        List<ObservedSeat> seats = List.of(new ObservedSeat("A1", SeatStatus.BOOKED, false),
                new ObservedSeat("A2", SeatStatus.FREE, false), new ObservedSeat("A3", SeatStatus.HELD, false));
        assertThat(properties(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), stale, seats)))))
                .containsExactly(Violation.HOLDS_EXPIRE);
        List<HoldRecord> fresh = List.of(new HoldRecord("h9", "u3", HistoryBuilder.SHOW, List.of("A3"), NOW - 1_000));
        assertThat(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), fresh, seats)))).isEmpty();
    }

    @Test
    void when_the_seat_map_disagrees_with_the_records_then_it_is_a_violation() {
        List<ObservedSeat> wrong = List.of(new ObservedSeat("A1", SeatStatus.FREE, false),
                new ObservedSeat("A2", SeatStatus.FREE, false));
        assertThat(properties(checker.check(history, List.of(replica("n1", 10, "abc", goodBookings(), List.of(), wrong)))))
                .containsExactly(Violation.SEAT_MAP_MATCHES_RECORDS);
    }
}
