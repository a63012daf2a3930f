package io.boxoffice.verifier.check;

import io.boxoffice.verifier.check.ClientOperation.Outcome;
import io.boxoffice.verifier.check.ClientOperation.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a recorded history: per-seat linearizability (see {@link SeatProjection}, {@link SeatModel},
 * {@link LinearizabilityChecker}) plus the properties a history alone can show:
 * <ul>
 *   <li>no seat is in two acknowledged, uncancelled bookings at once (also implied by linearizability,
 *   but reported in plain words);</li>
 *   <li>an acknowledged hold or booking is never later answered with NOT_FOUND (a lost write).</li>
 * </ul>
 * Pure; partitions are checked one after the other.
 *
 * @param projection         how the history splits per seat
 * @param checker            the per-seat search
 */
public record HistoryChecker(SeatProjection projection, LinearizabilityChecker checker) {

    /** Unbounded effect horizon for lost writes. */
    public static HistoryChecker of(long holdDurationMillis, long clockSkewMillis, long searchStepsMaxPerSeat) {
        return of(holdDurationMillis, clockSkewMillis, 0, searchStepsMaxPerSeat);
    }

    /** See {@link SeatProjection} for {@code unknownEffectHorizonMillis} (0: unbounded). */
    public static HistoryChecker of(long holdDurationMillis, long clockSkewMillis, long unknownEffectHorizonMillis,
                                    long searchStepsMaxPerSeat) {
        return new HistoryChecker(new SeatProjection(holdDurationMillis, unknownEffectHorizonMillis),
                new LinearizabilityChecker(new SeatModel(clockSkewMillis), searchStepsMaxPerSeat));
    }

    public CheckReport check(List<ClientOperation> history) {
        Map<String, List<SeatOperation>> partitions = projection.project(history);
        List<PartitionResult> results = new ArrayList<>(partitions.size());
        List<Violation> violations = new ArrayList<>();
        int inconclusive = 0;
        for (Map.Entry<String, List<SeatOperation>> partition : partitions.entrySet()) {
            PartitionResult result = checker.check(partition.getKey(), partition.getValue());
            results.add(result);
            if (result.isViolation()) {
                violations.add(new Violation(Violation.LINEARIZABILITY, partition.getKey(), result.explain()));
            } else if (result.verdict() == PartitionResult.Verdict.INCONCLUSIVE) {
                inconclusive++;
            }
        }
        violations.addAll(doubleBookings(history));
        violations.addAll(lostWrites(history));
        int unknown = (int) history.stream().filter(operation -> operation.outcome() == Outcome.UNKNOWN).count();
        return new CheckReport(history.size(), unknown, results, violations, inconclusive);
    }

    /**
     * Acknowledged bookings whose lifetimes (from the booking's acknowledgement to the invocation of an
     * acknowledged cancel) overlap on a seat. Only lifetimes that certainly overlap in real time count.
     */
    static List<Violation> doubleBookings(List<ClientOperation> history) {
        Map<String, Long> cancelInvokedNanos = new HashMap<>();
        Set<String> cancelAttempted = new HashSet<>();
        for (ClientOperation operation : history) {
            if (operation.type() == Type.CANCEL_BOOKING) {
                cancelAttempted.add(operation.bookingId());
                if (operation.isOk()) {
                    cancelInvokedNanos.merge(operation.bookingId(), operation.invokeNanos(), Math::min);
                }
            }
        }
        record Lifetime(String bookingId, long fromNanos, long untilNanos) {
        }
        Map<String, List<Lifetime>> bySeat = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (ClientOperation operation : history.stream()
                .sorted(java.util.Comparator.comparingLong(ClientOperation::returnNanos)).toList()) {
            boolean booked = operation.isOk()
                    && (operation.type() == Type.BOOK_SEATS || operation.type() == Type.CONFIRM_HOLD);
            // A retried confirm answers the same booking again: count each booking once, from its first answer.
            if (!booked || !seen.add(operation.bookingId())) {
                continue;
            }
            long until = cancelAttempted.contains(operation.bookingId())
                    ? cancelInvokedNanos.getOrDefault(operation.bookingId(), operation.returnNanos())
                    : Long.MAX_VALUE;
            for (String seat : operation.seatIds()) {
                bySeat.computeIfAbsent(operation.showId() + "/" + seat, key -> new ArrayList<>())
                        .add(new Lifetime(operation.bookingId(), operation.returnNanos(), until));
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, List<Lifetime>> seat : bySeat.entrySet()) {
            List<Lifetime> lifetimes = seat.getValue();
            lifetimes.sort(java.util.Comparator.comparingLong(Lifetime::fromNanos));
            for (int i = 0; i < lifetimes.size(); i++) {
                // Booking j exists when it is acknowledged (its cancel can only be sent later); booking i
                // exists from its acknowledgement until its cancel is sent.
                for (int j = i + 1; j < lifetimes.size() && lifetimes.get(j).fromNanos() < lifetimes.get(i).untilNanos(); j++) {
                    violations.add(new Violation(Violation.NO_DOUBLE_BOOKING, seat.getKey(), "bookings "
                            + lifetimes.get(i).bookingId() + " and " + lifetimes.get(j).bookingId()
                            + " were both acknowledged and neither was cancelled in between"));
                }
            }
        }
        return violations;
    }

    /** A NOT_FOUND answer about a hold or booking the cluster had acknowledged. */
    static List<Violation> lostWrites(List<ClientOperation> history) {
        Set<String> acknowledgedHolds = new HashSet<>();
        Set<String> acknowledgedBookings = new HashSet<>();
        for (ClientOperation operation : history) {
            if (!operation.isOk()) {
                continue;
            }
            if (operation.type() == Type.HOLD_SEATS || operation.type() == Type.BOOK_SEATS) {
                acknowledgedHolds.add(operation.holdId());
            }
            if (operation.type() == Type.BOOK_SEATS || operation.type() == Type.CONFIRM_HOLD) {
                acknowledgedBookings.add(operation.bookingId());
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (ClientOperation operation : history) {
            if (operation.outcome() != Outcome.FAIL || !"NOT_FOUND".equals(operation.errorCode())) {
                continue;
            }
            boolean lostHold = (operation.type() == Type.CONFIRM_HOLD || operation.type() == Type.RELEASE_HOLD)
                    && acknowledgedHolds.contains(operation.holdId());
            boolean lostBooking = operation.type() == Type.CANCEL_BOOKING
                    && acknowledgedBookings.contains(operation.bookingId());
            if (lostHold || lostBooking) {
                violations.add(new Violation(Violation.ACKNOWLEDGED_WRITES_DURABLE,
                        lostHold ? operation.holdId() : operation.bookingId(), "operation #" + operation.index()
                        + " (" + operation.type() + ") was answered NOT_FOUND: " + operation.errorMessage()));
            }
        }
        return violations;
    }
}
