package io.boxoffice.verifier.check;

import java.util.Objects;

/**
 * One client operation as it concerns one seat: the per-seat projection the checker searches. An
 * operation on several seats (a hold of three seats) becomes one {@code SeatOperation} per seat; a seat map
 * read becomes one observation per seat.
 *
 * <p>Times: {@code invokeNanos}/{@code returnNanos} order operations (one monotonic clock of the recording
 * process); the wall-clock millis are compared with hold expiries, which the leader stamps from the same
 * machine's wall clock. An operation whose outcome is unknown may take effect at any time between its
 * invocation and its return, or never; its return is {@code Long.MAX_VALUE} (any time at all) or the end of
 * the effect horizon the projection gives it.
 *
 * @param id                 index of this operation within its partition (set by the checker)
 * @param clientOperationIndex index of the client operation in the recorded history (for reports)
 * @param kind               what the operation does to the seat
 * @param unknown            true when the client never learned the outcome (timeout, lost connection)
 * @param invokeNanos        when the client sent the first attempt
 * @param returnNanos        when the client got the final answer; for an unknown outcome, the latest time it
 *                           may take effect ({@code Long.MAX_VALUE}: unbounded)
 * @param invokeWallMillis   wall clock at invocation
 * @param returnWallMillis   wall clock at the answer (for an unknown outcome: as {@code returnNanos})
 * @param holdReference      the hold acted on or created (hold, confirm, release, rejection of a hold)
 * @param bookingReference   the booking acted on or created (confirm, cancel, rejection of a cancel)
 * @param userId             the acting (or, for reads, reading) user
 * @param expiresAtLowMillis  for {@link Kind#HOLD}: earliest possible expiry of the new hold
 * @param expiresAtHighMillis for {@link Kind#HOLD}: latest possible expiry ({@code Long.MAX_VALUE}: unknown)
 * @param observedStatus     for {@link Kind#READ}: what the read saw
 * @param observedMine       for {@link Kind#READ}: whether the read said the seat is held or booked by the reader
 */
public record SeatOperation(int id, long clientOperationIndex, Kind kind, boolean unknown, long invokeNanos,
                            long returnNanos, long invokeWallMillis, long returnWallMillis, String holdReference,
                            String bookingReference, String userId, long expiresAtLowMillis, long expiresAtHighMillis,
                            SeatStatus observedStatus, boolean observedMine) {

    /** What an operation does to, or says about, one seat. */
    public enum Kind {
        /** FREE → HELD(hold). A write. */
        HOLD(true),
        /** HELD(hold) → BOOKED(booking); a retried confirm of an already confirmed hold leaves BOOKED(booking). */
        CONFIRM(true),
        /** HELD(hold) → FREE. */
        RELEASE(true),
        /** BOOKED(booking) → FREE. */
        CANCEL(true),
        /** A read of the seat map: the seat's status (and whether it is the reader's) at one instant. */
        READ(false),
        /** A hold or booking refused because this seat was taken: the seat was not FREE. A write. */
        REJECTED_AS_TAKEN(true),
        /** A confirm or release refused because the hold was no longer active: the seat was not HELD(hold). */
        REJECTED_HOLD_NOT_ACTIVE(false),
        /** A cancel refused because the booking was no longer confirmed: the seat was not BOOKED(booking). */
        REJECTED_BOOKING_NOT_ACTIVE(false);

        private final boolean command;

        Kind(boolean command) {
            this.command = command;
        }

        /**
         * True when the operation is decided by a replicated command stamped with the leader's time, before
         * which the state machine expires every due hold.
         */
        public boolean isCommand() {
            return command;
        }
    }

    public SeatOperation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(holdReference, "holdReference");
        Objects.requireNonNull(bookingReference, "bookingReference");
        Objects.requireNonNull(userId, "userId");
        if (unknown && kind != Kind.HOLD && kind != Kind.CONFIRM && kind != Kind.RELEASE && kind != Kind.CANCEL) {
            throw new IllegalArgumentException(kind + " cannot have an unknown outcome: only writes can");
        }
        if (!unknown && returnNanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("only an operation with an unknown outcome may return at infinity");
        }
        if (returnNanos < invokeNanos) {
            throw new IllegalArgumentException("operation returns (" + returnNanos + ") before it is invoked ("
                    + invokeNanos + ")");
        }
        if (kind == Kind.READ && observedStatus == null) {
            throw new IllegalArgumentException("a read needs the observed status");
        }
    }

    /** A copy with the partition-local id. */
    public SeatOperation withId(int newId) {
        return new SeatOperation(newId, clientOperationIndex, kind, unknown, invokeNanos, returnNanos,
                invokeWallMillis, returnWallMillis, holdReference, bookingReference, userId, expiresAtLowMillis,
                expiresAtHighMillis, observedStatus, observedMine);
    }

    /** A short human description for reports. */
    public String describe() {
        String what = switch (kind) {
            case HOLD -> "hold " + holdReference + " by " + userId;
            case CONFIRM -> "confirm " + holdReference + " -> " + bookingReference + " by " + userId;
            case RELEASE -> "release " + holdReference + " by " + userId;
            case CANCEL -> "cancel " + bookingReference + " by " + userId;
            case READ -> "read by " + userId + " saw " + observedStatus + (observedMine ? " (mine)" : "");
            case REJECTED_AS_TAKEN -> "rejected as taken (" + userId + ")";
            case REJECTED_HOLD_NOT_ACTIVE -> "rejected: hold " + holdReference + " not active (" + userId + ")";
            case REJECTED_BOOKING_NOT_ACTIVE -> "rejected: booking " + bookingReference + " not confirmed (" + userId + ")";
        };
        return "#" + clientOperationIndex + " " + what + (unknown ? " [outcome unknown]" : "") + " @" + invokeNanos
                + ".." + (returnNanos == Long.MAX_VALUE ? "?" : String.valueOf(returnNanos));
    }
}
