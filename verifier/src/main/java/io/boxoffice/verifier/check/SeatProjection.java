package io.boxoffice.verifier.check;

import io.boxoffice.verifier.check.ClientOperation.Outcome;
import io.boxoffice.verifier.check.SeatOperation.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits a history into one history per seat ({@code showId/seatId}), as Porcupine partitions a key-value
 * history per key. Each client operation becomes what it implies about each seat it touches:
 * <ul>
 *   <li>HoldSeats: ok → HOLD on every seat; unknown → HOLD that may have happened (reference derived from
 *   the idempotency key, expiry no earlier than invocation + hold duration); FAILED_PRECONDITION naming
 *   taken seats → those seats were not free; any other failure changed nothing.</li>
 *   <li>BookSeats is two commands (hold, then confirm): ok → HOLD and CONFIRM on every seat; unknown, or a
 *   failure that does not name taken seats → both halves may have happened; seats named taken → not free.</li>
 *   <li>ConfirmHold, ReleaseHold, CancelBooking: ok → the transition; unknown → it may have happened;
 *   FAILED_PRECONDITION or NOT_FOUND → the hold (booking) was not active on its seats.</li>
 *   <li>GetSeatMap (linearizable): an observation of every seat it returned.</li>
 * </ul>
 * Projection is sound: a linearizable history projects to linearizable per-seat histories, so every
 * per-seat violation is a real one. (It is not complete: a multi-seat hold is atomic across seats, which
 * the per-seat histories do not check.)
 *
 * <p><b>Effect horizon.</b> A write whose answer was lost may still take effect later: its Raft entry may be
 * committed by a later leader. Left unbounded (Porcupine's and Knossos's choice), every such write stays a
 * candidate until the end of the history, and a burst of them during a partition makes the search
 * exponential. With {@code unknownEffectHorizonMillis > 0}, such a write must take effect within that long
 * after the client gave up, or never. In the harness's runs an entry is resolved at the latest when a leader
 * of a later term commits, which the nemesis allows within seconds of every fault; the default (30 s) is
 * far beyond that. The horizon only makes the check stricter: it can report a violation that an unbounded
 * check would not (a write applied later than the horizon), never hide one; re-check with 0 to rule that out.
 *
 * @param holdDurationMillis         the cluster's hold duration, bounding the expiry of holds the client never saw
 * @param unknownEffectHorizonMillis how long after the client gave up a lost write may still take effect; 0 or
 *                                   negative: unbounded
 */
public record SeatProjection(long holdDurationMillis, long unknownEffectHorizonMillis) {

    /** Unbounded effect horizon. */
    public SeatProjection(long holdDurationMillis) {
        this(holdDurationMillis, 0);
    }

    /** Codes after which the operation certainly changed nothing (for single-command operations). */
    private static final java.util.Set<String> NO_EFFECT_CODES = java.util.Set.of("INVALID_ARGUMENT",
            "PERMISSION_DENIED", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED", "ALREADY_EXISTS", "OUT_OF_RANGE",
            "UNIMPLEMENTED");

    /** Per-seat histories, keyed {@code showId/seatId}, in a stable order. */
    public Map<String, List<SeatOperation>> project(List<ClientOperation> history) {
        Map<String, List<SeatOperation>> partitions = new TreeMap<>();
        for (ClientOperation operation : history) {
            project(operation, partitions);
        }
        return partitions;
    }

    private void project(ClientOperation operation, Map<String, List<SeatOperation>> partitions) {
        switch (operation.type()) {
            case HOLD_SEATS -> projectHold(operation, partitions);
            case BOOK_SEATS -> projectBook(operation, partitions);
            case CONFIRM_HOLD -> projectTransition(operation, Kind.CONFIRM, Kind.REJECTED_HOLD_NOT_ACTIVE,
                    operation.holdId(), bookingReference(operation), partitions);
            case RELEASE_HOLD -> projectTransition(operation, Kind.RELEASE, Kind.REJECTED_HOLD_NOT_ACTIVE,
                    operation.holdId(), "", partitions);
            case CANCEL_BOOKING -> projectTransition(operation, Kind.CANCEL, Kind.REJECTED_BOOKING_NOT_ACTIVE, "",
                    operation.bookingId(), partitions);
            case READ_SEAT_MAP -> projectRead(operation, partitions);
        }
    }

    private void projectHold(ClientOperation operation, Map<String, List<SeatOperation>> partitions) {
        switch (operation.outcome()) {
            case OK -> {
                for (String seat : operation.seatIds()) {
                    add(partitions, operation, seat, Kind.HOLD, false, operation.holdId(), "",
                            operation.expiresAtMillis(), operation.expiresAtMillis());
                }
            }
            case UNKNOWN -> {
                for (String seat : operation.seatIds()) {
                    add(partitions, operation, seat, Kind.HOLD, true, "key:" + operation.idempotencyKey(), "",
                            operation.invokeWallMillis() + holdDurationMillis, Long.MAX_VALUE);
                }
            }
            case FAIL -> projectTaken(operation, partitions);
        }
    }

    private void projectBook(ClientOperation operation, Map<String, List<SeatOperation>> partitions) {
        if (operation.outcome() == Outcome.OK) {
            for (String seat : operation.seatIds()) {
                add(partitions, operation, seat, Kind.HOLD, false, operation.holdId(), "",
                        operation.invokeWallMillis() + holdDurationMillis,
                        operation.returnWallMillis() + holdDurationMillis);
                add(partitions, operation, seat, Kind.CONFIRM, false, operation.holdId(), operation.bookingId(), 0, 0);
            }
            return;
        }
        if (operation.outcome() == Outcome.FAIL && (!operation.takenSeatIds().isEmpty()
                || NO_EFFECT_CODES.contains(operation.errorCode()) && !operation.errorCode().equals("RESOURCE_EXHAUSTED"))) {
            projectTaken(operation, partitions);
            return;
        }
        // Unknown, or the hold half may have succeeded before the confirm half failed.
        String holdReference = "key:" + operation.idempotencyKey() + "/hold";
        for (String seat : operation.seatIds()) {
            add(partitions, operation, seat, Kind.HOLD, true, holdReference, "",
                    operation.invokeWallMillis() + holdDurationMillis, Long.MAX_VALUE);
            if (operation.outcome() == Outcome.UNKNOWN) {
                add(partitions, operation, seat, Kind.CONFIRM, true, holdReference,
                        "key:" + operation.idempotencyKey() + "/booking", 0, 0);
            }
        }
    }

    private void projectTaken(ClientOperation operation, Map<String, List<SeatOperation>> partitions) {
        if (!"FAILED_PRECONDITION".equals(operation.errorCode())) {
            return;
        }
        for (String seat : operation.takenSeatIds()) {
            add(partitions, operation, seat, Kind.REJECTED_AS_TAKEN, false, "", "", 0, 0);
        }
    }

    private void projectTransition(ClientOperation operation, Kind success, Kind rejection, String holdReference,
                                   String bookingReference, Map<String, List<SeatOperation>> partitions) {
        Kind kind;
        boolean unknown = false;
        switch (operation.outcome()) {
            case OK -> kind = success;
            case UNKNOWN -> {
                kind = success;
                unknown = true;
            }
            case FAIL -> {
                if (!"FAILED_PRECONDITION".equals(operation.errorCode()) && !"NOT_FOUND".equals(operation.errorCode())) {
                    return;
                }
                kind = rejection;
            }
            default -> throw new IllegalStateException("unreachable");
        }
        for (String seat : operation.seatIds()) {
            add(partitions, operation, seat, kind, unknown, holdReference, bookingReference, 0, 0);
        }
    }

    private static String bookingReference(ClientOperation confirm) {
        return confirm.outcome() == Outcome.OK ? confirm.bookingId() : "key:" + confirm.idempotencyKey() + "/booking";
    }

    private static void projectRead(ClientOperation operation, Map<String, List<SeatOperation>> partitions) {
        if (operation.outcome() != Outcome.OK) {
            return;
        }
        for (ClientOperation.ObservedSeat seat : operation.observed()) {
            partitions.computeIfAbsent(operation.showId() + "/" + seat.seatId(), key -> new ArrayList<>())
                    .add(new SeatOperation(0, operation.index(), Kind.READ, false, operation.invokeNanos(),
                            operation.returnNanos(), operation.invokeWallMillis(), operation.returnWallMillis(), "",
                            "", operation.userId(), 0, 0, seat.status(), seat.mine()));
        }
    }

    private long effectEndNanos(ClientOperation operation) {
        return unknownEffectHorizonMillis <= 0 ? Long.MAX_VALUE
                : operation.returnNanos() + unknownEffectHorizonMillis * 1_000_000L;
    }

    private long effectEndWallMillis(ClientOperation operation) {
        return unknownEffectHorizonMillis <= 0 ? Long.MAX_VALUE : operation.returnWallMillis() + unknownEffectHorizonMillis;
    }

    private void add(Map<String, List<SeatOperation>> partitions, ClientOperation operation, String seat,
                            Kind kind, boolean unknown, String holdReference, String bookingReference,
                            long expiresAtLowMillis, long expiresAtHighMillis) {
        partitions.computeIfAbsent(operation.showId() + "/" + seat, key -> new ArrayList<>())
                .add(new SeatOperation(0, operation.index(), kind, unknown, operation.invokeNanos(),
                        unknown ? effectEndNanos(operation) : operation.returnNanos(), operation.invokeWallMillis(),
                        unknown ? effectEndWallMillis(operation) : operation.returnWallMillis(), holdReference,
                        bookingReference,
                        operation.userId(), expiresAtLowMillis, expiresAtHighMillis, null, false));
    }
}
