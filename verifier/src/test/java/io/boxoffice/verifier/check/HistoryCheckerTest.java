package io.boxoffice.verifier.check;

import static io.boxoffice.verifier.check.SeatStatus.BOOKED;
import static io.boxoffice.verifier.check.SeatStatus.FREE;
import static io.boxoffice.verifier.check.SeatStatus.HELD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made histories: the valid ones are accepted, each kind of violation is rejected. */
class HistoryCheckerTest {

    private static final long HOLD_DURATION_MILLIS = 10_000;
    private final HistoryChecker checker = HistoryChecker.of(HOLD_DURATION_MILLIS, 5, 10_000_000);

    private CheckReport check(HistoryBuilder history) {
        return checker.check(history.build());
    }

    private static void assertViolation(CheckReport report, String property) {
        assertThat(report.passed()).as(report.summary()).isFalse();
        assertThat(report.violations()).as(report.summary()).anyMatch(v -> v.property().equals(property));
    }

    // ---------------------------------------------------------------- valid histories

    @Test
    void when_operations_are_sequential_and_consistent_then_history_is_linearizable() {
        CheckReport report = check(new HistoryBuilder()
                .read("u1", "A1", FREE, false, 0, 5)
                .hold("u1", "A1", "h1", 60_000, 10, 20)
                .read("u1", "A1", HELD, true, 25, 30)
                .read("u2", "A1", HELD, false, 31, 35)
                .holdRejectedAsTaken("u2", "A1", 40, 50)
                .confirm("u1", "A1", "h1", "b1", 60, 70)
                .read("u2", "A1", BOOKED, false, 75, 80)
                .cancel("u1", "A1", "b1", 90, 100)
                .read("u2", "A1", FREE, false, 110, 120)
                .book("u2", "A1", "h2", "b2", 130, 140)
                .read("u2", "A1", BOOKED, true, 150, 160));
        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.partitions()).singleElement()
                .satisfies(p -> assertThat(p.verdict()).isEqualTo(PartitionResult.Verdict.LINEARIZABLE));
    }

    @Test
    void when_two_holds_race_then_the_one_acknowledged_may_be_either() {
        // The later-invoked hold wins; the read overlapping both sees the winner.
        CheckReport report = check(new HistoryBuilder()
                .holdRejectedAsTaken("u1", "A1", 0, 100)
                .hold("u2", "A1", "h2", 60_000, 10, 50)
                .read("u1", "A1", HELD, false, 5, 60));
        assertThat(report.passed()).as(report.summary()).isTrue();
    }

    @Test
    void when_a_read_overlaps_a_write_then_it_may_see_either_value() {
        assertThat(check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 100)
                .read("u2", "A1", FREE, false, 10, 20)
                .read("u2", "A1", BOOKED, false, 30, 40)).passed()).isTrue();
    }

    @Test
    void when_book_seats_is_in_flight_then_a_read_may_see_its_hold() {
        assertThat(check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 100)
                .read("u1", "A1", HELD, true, 10, 20)
                .read("u2", "A1", BOOKED, false, 110, 120)).passed()).isTrue();
    }

    @Test
    void when_an_outcome_is_unknown_then_it_may_take_effect_late_or_never() {
        CheckReport tookEffectLate = check(new HistoryBuilder()
                .holdUnknown("u1", "A1", 0, 50)
                .read("u2", "A1", FREE, false, 60, 70)
                .read("u2", "A1", HELD, false, 80, 90)
                .holdRejectedAsTaken("u2", "A1", 100, 110));
        assertThat(tookEffectLate.passed()).as(tookEffectLate.summary()).isTrue();
        CheckReport never = check(new HistoryBuilder()
                .bookUnknown("u1", "A1", 0, 50)
                .read("u2", "A1", FREE, false, 60, 70)
                .book("u2", "A1", "h2", "b2", 80, 90));
        assertThat(never.passed()).as(never.summary()).isTrue();
        assertThat(never.unknownOperations()).isEqualTo(1);
    }

    @Test
    void when_a_hold_expires_then_reads_after_its_expiry_may_see_the_seat_free() {
        CheckReport report = check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 1_000, 0, 10)
                .read("u2", "A1", HELD, false, 1_500, 1_510)
                .read("u2", "A1", FREE, false, 1_600, 1_610)
                .hold("u2", "A1", "h2", 2_000, 1_700, 1_710)
                .confirmRejected("u1", "A1", "h1", "FAILED_PRECONDITION", 1_800, 1_810));
        assertThat(report.passed()).as(report.summary()).isTrue();
    }

    @Test
    void when_a_retried_confirm_returns_the_original_booking_then_history_is_linearizable() {
        assertThat(check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 60_000, 0, 10)
                .confirm("u1", "A1", "h1", "b1", 20, 30)
                .confirm("u1", "A1", "h1", "b1", 40, 50)).passed()).isTrue();
    }

    // ---------------------------------------------------------------- violations

    @Test
    void when_a_seat_is_sold_twice_then_the_history_is_rejected() {
        CheckReport report = check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 10)
                .book("u2", "A1", "h2", "b2", 20, 30));
        assertViolation(report, Violation.LINEARIZABILITY);
        assertViolation(report, Violation.NO_DOUBLE_BOOKING);
        assertThat(report.violations().getFirst().detail()).contains("NOT LINEARIZABLE", "hold h2 by u2");
    }

    @Test
    void when_a_seat_is_sold_twice_concurrently_then_the_history_is_rejected() {
        CheckReport report = check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 100)
                .book("u2", "A1", "h2", "b2", 0, 100)
                .read("u3", "A1", BOOKED, false, 200, 210));
        assertViolation(report, Violation.LINEARIZABILITY);
    }

    @Test
    void when_a_read_after_a_completed_write_is_stale_then_the_history_is_rejected() {
        CheckReport report = check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 10)
                .read("u2", "A1", FREE, false, 20, 30));
        assertViolation(report, Violation.LINEARIZABILITY);
    }

    @Test
    void when_an_acknowledged_booking_is_lost_then_the_history_is_rejected() {
        CheckReport report = check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 10)
                .read("u2", "A1", BOOKED, false, 20, 30)
                .read("u2", "A1", FREE, false, 40, 50)
                .cancelRejected("u1", "A1", "b1", "NOT_FOUND", 60, 70));
        assertViolation(report, Violation.LINEARIZABILITY);
        assertViolation(report, Violation.ACKNOWLEDGED_WRITES_DURABLE);
    }

    @Test
    void when_a_cancelled_booking_comes_back_then_the_history_is_rejected() {
        assertViolation(check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 10)
                .cancel("u1", "A1", "b1", 20, 30)
                .read("u2", "A1", BOOKED, false, 40, 50)), Violation.LINEARIZABILITY);
    }

    @Test
    void when_a_hold_is_rejected_as_taken_from_a_free_seat_then_the_history_is_rejected() {
        assertViolation(check(new HistoryBuilder()
                .read("u1", "A1", FREE, false, 0, 10)
                .holdRejectedAsTaken("u1", "A1", 20, 30)
                .read("u1", "A1", FREE, false, 40, 50)), Violation.LINEARIZABILITY);
    }

    @Test
    void when_a_hold_is_confirmed_after_its_expiry_then_the_history_is_rejected() {
        assertViolation(check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 1_000, 0, 10)
                .confirm("u1", "A1", "h1", "b1", 1_200, 1_210)), Violation.LINEARIZABILITY);
    }

    @Test
    void when_a_hold_vanishes_before_its_expiry_then_the_history_is_rejected() {
        assertViolation(check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 60_000, 0, 10)
                .read("u2", "A1", FREE, false, 20, 30)), Violation.LINEARIZABILITY);
    }

    @Test
    void when_a_seat_shows_a_hold_nobody_asked_for_then_the_history_is_rejected() {
        // For example a retry that was executed twice instead of answering the original result.
        assertViolation(check(new HistoryBuilder()
                .holdRejectedAsTaken("u1", "A1", 0, 10)
                .read("u1", "A1", HELD, true, 20, 30)), Violation.LINEARIZABILITY);
    }

    @Test
    void when_a_read_claims_another_users_seat_is_mine_then_the_history_is_rejected() {
        assertViolation(check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 60_000, 0, 10)
                .read("u2", "A1", HELD, true, 20, 30)), Violation.LINEARIZABILITY);
    }

    @Test
    void when_an_active_hold_is_refused_confirmation_then_the_history_is_rejected() {
        assertViolation(check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 60_000, 0, 10)
                .confirmRejected("u1", "A1", "h1", "FAILED_PRECONDITION", 20, 30)
                .read("u1", "A1", HELD, true, 40, 50)), Violation.LINEARIZABILITY);
    }

    @Test
    void violation_report_names_the_operation_that_cannot_be_placed() {
        CheckReport report = check(new HistoryBuilder()
                .hold("u1", "A1", "h1", 60_000, 0, 10)
                .confirm("u1", "A1", "h1", "b1", 20, 30)
                .read("u2", "A1", FREE, false, 40, 50));
        PartitionResult result = report.partitions().getFirst();
        assertThat(result.verdict()).isEqualTo(PartitionResult.Verdict.NOT_LINEARIZABLE);
        assertThat(result.longestPrefix()).isEqualTo(2);
        assertThat(result.blockingOperation().clientOperationIndex()).isEqualTo(2);
        assertThat(result.valuesAtBlock()).containsExactly(SeatValue.booked("b1", "u1"));
        assertThat(result.explain()).contains("read by u2 saw FREE", "BOOKED(b1 by u1)");
    }

    @Test
    void histories_split_per_seat() {
        CheckReport report = check(new HistoryBuilder()
                .book("u1", "A1", "h1", "b1", 0, 10)
                .book("u2", "A2", "h2", "b2", 0, 10)
                .read("u3", "A1", BOOKED, false, 20, 30)
                .read("u3", "A2", BOOKED, false, 20, 30));
        assertThat(report.partitions()).extracting(PartitionResult::partition)
                .containsExactly("show-1/A1", "show-1/A2");
        assertThat(report.passed()).isTrue();
    }

    @Test
    void json_lines_round_trip_keeps_every_field(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
        List<ClientOperation> history = new HistoryBuilder()
                .hold("u1", "A1", "h1", 60_000, 0, 10)
                .holdRejectedAsTaken("u2", "A1", 5, 15)
                .read("u2", "A1", HELD, false, 20, 30)
                .bookUnknown("u3", "A1", 40, 50)
                .build();
        java.nio.file.Path file = directory.resolve("history.jsonl");
        HistoryJson.write(file, history);
        assertThat(HistoryJson.read(file)).isEqualTo(history);
    }
}
