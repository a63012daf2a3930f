package io.boxoffice.verifier.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.verifier.check.ClientOperation.ObservedSeat;
import io.boxoffice.verifier.check.ClientOperation.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The search against generated histories: histories of a correct service are always accepted, the search
 * agrees with an exhaustive enumeration of orders on small histories (valid and corrupted), and it decides
 * thousands of operations quickly.
 */
class LinearizabilityCheckerTest {

    private static final long HOLD_DURATION_MILLIS = 200;
    private static final List<String> SEATS = List.of("A1", "A2", "A3");
    private final SeatModel model = new SeatModel(0);
    private final SeatProjection projection = new SeatProjection(HOLD_DURATION_MILLIS);
    private final LinearizabilityChecker checker = new LinearizabilityChecker(model, 50_000_000);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void histories_of_a_correct_service_are_linearizable(long seed) {
        List<ClientOperation> history = SimulatedHistories.generate(seed, 6, 60, SEATS, HOLD_DURATION_MILLIS, 0.05);
        for (Map.Entry<String, List<SeatOperation>> seat : projection.project(history).entrySet()) {
            PartitionResult result = checker.check(seat.getKey(), seat.getValue());
            assertThat(result.verdict()).as(result.explain()).isEqualTo(PartitionResult.Verdict.LINEARIZABLE);
        }
    }

    @Test
    void search_agrees_with_exhaustive_enumeration_on_small_histories() {
        SplittableRandom random = new SplittableRandom(42);
        int rejected = 0;
        int compared = 0;
        for (int round = 0; round < 3_000; round++) {
            List<ClientOperation> history = SimulatedHistories.generate(random.nextLong(), 3, 3, List.of("A1"),
                    HOLD_DURATION_MILLIS / 10, 0.15);
            if (random.nextBoolean()) {
                history = corrupt(history, random);
            }
            for (Map.Entry<String, List<SeatOperation>> seat : projection.project(history).entrySet()) {
                List<SeatOperation> operations = seat.getValue();
                if (operations.size() > 9) {
                    continue;
                }
                boolean expected = exhaustive(operations);
                PartitionResult result = checker.check(seat.getKey(), operations);
                assertThat(result.verdict() == PartitionResult.Verdict.LINEARIZABLE)
                        .as("round %d: %s", round, operations).isEqualTo(expected);
                compared++;
                rejected += expected ? 0 : 1;
            }
        }
        // The corruptions must actually produce violations, or this test proves nothing about rejection.
        assertThat(compared).isGreaterThan(1_000);
        assertThat(rejected).isGreaterThan(100);
    }

    @Test
    void thousands_of_operations_are_decided_in_seconds() {
        List<ClientOperation> history = SimulatedHistories.generate(99, 8, 800, SEATS, HOLD_DURATION_MILLIS, 0.03);
        assertThat(history).hasSizeGreaterThan(6_000);
        long start = System.nanoTime();
        CheckReport report = new HistoryChecker(projection, checker).check(history);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(report.passed()).as(report.summary()).isTrue();
        long seatOperations = report.partitions().stream().mapToLong(PartitionResult::operations).sum();
        assertThat(seatOperations).isGreaterThan(10_000);
        assertThat(elapsedMillis).as("checking %d per-seat operations took %d ms", seatOperations, elapsedMillis)
                .isLessThan(20_000);
    }

    @Test
    void a_violation_hidden_in_thousands_of_operations_is_found() {
        List<ClientOperation> history = new ArrayList<>(SimulatedHistories.generate(7, 8, 500, SEATS,
                HOLD_DURATION_MILLIS, 0.02));
        // Replace one late read by one that sees a seat booked by someone when it was free, or vice versa.
        for (int i = history.size() / 2; i < history.size(); i++) {
            ClientOperation read = history.get(i);
            if (read.type() == ClientOperation.Type.READ_SEAT_MAP) {
                List<ObservedSeat> flipped = new ArrayList<>(read.observed());
                ObservedSeat first = flipped.getFirst();
                flipped.set(0, new ObservedSeat(first.seatId(), first.status() == SeatStatus.FREE ? SeatStatus.BOOKED
                        : SeatStatus.FREE, false));
                history.set(i, withObserved(read, flipped));
                break;
            }
        }
        CheckReport report = new HistoryChecker(projection, checker).check(history);
        assertThat(report.passed()).isFalse();
        assertThat(report.violations()).anyMatch(v -> v.property().equals(Violation.LINEARIZABILITY));
    }

    @Test
    void a_search_over_budget_is_inconclusive_not_a_pass() {
        List<ClientOperation> history = SimulatedHistories.generate(3, 8, 200, List.of("A1"), HOLD_DURATION_MILLIS, 0.1);
        LinearizabilityChecker tiny = new LinearizabilityChecker(model, 10);
        PartitionResult result = tiny.check("show-1/A1", projection.project(history).get("show-1/A1"));
        assertThat(result.verdict()).isEqualTo(PartitionResult.Verdict.INCONCLUSIVE);
        CheckReport report = new HistoryChecker(projection, tiny).check(history);
        assertThat(report.passed()).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    /** Changes one thing an operation observed or answered. */
    private static List<ClientOperation> corrupt(List<ClientOperation> history, SplittableRandom random) {
        List<ClientOperation> copy = new ArrayList<>(history);
        int index = random.nextInt(copy.size());
        ClientOperation operation = copy.get(index);
        if (operation.type() == ClientOperation.Type.READ_SEAT_MAP) {
            List<ObservedSeat> observed = new ArrayList<>();
            for (ObservedSeat seat : operation.observed()) {
                SeatStatus[] values = SeatStatus.values();
                observed.add(new ObservedSeat(seat.seatId(), values[random.nextInt(values.length)], random.nextBoolean()));
            }
            copy.set(index, withObserved(operation, observed));
        } else if (operation.outcome() == Outcome.FAIL && !operation.seatIds().isEmpty()) {
            // Claim it succeeded.
            copy.set(index, new ClientOperation(operation.index(), operation.process(), operation.userId(),
                    operation.type(), operation.showId(), operation.seatIds(), "hx" + index, "bx" + index,
                    operation.idempotencyKey(), Outcome.OK, "", "", List.of(), operation.invokeWallMillis() + 10_000,
                    List.of(), operation.invokeNanos(), operation.returnNanos(), operation.invokeWallMillis(),
                    operation.returnWallMillis(), operation.node(), 1));
        } else if (operation.outcome() == Outcome.OK && !operation.seatIds().isEmpty()) {
            // Claim it failed because the seat was taken.
            copy.set(index, new ClientOperation(operation.index(), operation.process(), operation.userId(),
                    operation.type(), operation.showId(), operation.seatIds(), operation.holdId(),
                    operation.bookingId(), operation.idempotencyKey(), Outcome.FAIL, "FAILED_PRECONDITION", "",
                    operation.seatIds(), 0, List.of(), operation.invokeNanos(), operation.returnNanos(),
                    operation.invokeWallMillis(), operation.returnWallMillis(), operation.node(), 1));
        }
        return copy;
    }

    private static ClientOperation withObserved(ClientOperation read, List<ObservedSeat> observed) {
        return new ClientOperation(read.index(), read.process(), read.userId(), read.type(), read.showId(),
                read.seatIds(), read.holdId(), read.bookingId(), read.idempotencyKey(), read.outcome(),
                read.errorCode(), read.errorMessage(), read.takenSeatIds(), read.expiresAtMillis(), observed,
                read.invokeNanos(), read.returnNanos(), read.invokeWallMillis(), read.returnWallMillis(), read.node(),
                read.attempts());
    }

    /** Tries every order that respects real time; unknown operations may also be left out. */
    private boolean exhaustive(List<SeatOperation> operations) {
        return exhaustive(new ArrayList<>(operations), SeatModel.initial());
    }

    private boolean exhaustive(List<SeatOperation> remaining, java.util.Set<SeatValue> values) {
        if (remaining.stream().allMatch(SeatOperation::unknown)) {
            return true;
        }
        long earliestReturn = remaining.stream().filter(o -> !o.unknown()).mapToLong(SeatOperation::returnNanos)
                .min().orElse(Long.MAX_VALUE);
        for (int i = 0; i < remaining.size(); i++) {
            SeatOperation candidate = remaining.get(i);
            if (candidate.invokeNanos() > earliestReturn) {
                continue;
            }
            java.util.Set<SeatValue> after = model.step(values, candidate);
            if (after.isEmpty()) {
                continue;
            }
            List<SeatOperation> rest = new ArrayList<>(remaining);
            rest.remove(i);
            if (exhaustive(rest, after)) {
                return true;
            }
        }
        return false;
    }
}
