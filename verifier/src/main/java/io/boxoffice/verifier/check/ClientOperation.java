package io.boxoffice.verifier.check;

import java.util.List;
import java.util.Objects;

/**
 * One client operation of a recorded history, as the chaos clients write it (one JSON line each). Retries
 * with the same idempotency key belong to the same operation: it is invoked at the first attempt and
 * returns at the final answer.
 *
 * @param index            position in the history (unique)
 * @param process          the client that ran it; a client runs one operation at a time
 * @param userId           the acting user
 * @param type             which RPC
 * @param showId           the show
 * @param seatIds          the seats asked for (hold, book) or covered (confirm, release: the hold's seats;
 *                         cancel: the booking's seats); empty for reads
 * @param holdId           the hold confirmed or released, or the hold created (hold, book)
 * @param bookingId        the booking cancelled, or created (book, confirm)
 * @param idempotencyKey   the key sent with every attempt (writes)
 * @param outcome          ok, definite failure, or unknown
 * @param errorCode        gRPC status code name of a failure (or of the last attempt of an unknown one)
 * @param errorMessage     its description
 * @param takenSeatIds     seats a FAILED_PRECONDITION named as taken
 * @param expiresAtMillis  expiry of the hold an ok hold created
 * @param observed         for a seat map read: every seat's observed state
 * @param invokeNanos      first attempt sent (monotonic clock of the recorder)
 * @param returnNanos      final answer received, or when the client gave up on an unknown outcome
 * @param invokeWallMillis wall clock at invocation
 * @param returnWallMillis wall clock at return
 * @param node             node that gave the final answer
 * @param attempts         attempts made
 */
public record ClientOperation(long index, int process, String userId, Type type, String showId, List<String> seatIds,
                              String holdId, String bookingId, String idempotencyKey, Outcome outcome,
                              String errorCode, String errorMessage, List<String> takenSeatIds, long expiresAtMillis,
                              List<ObservedSeat> observed, long invokeNanos, long returnNanos, long invokeWallMillis,
                              long returnWallMillis, String node, int attempts) {

    public enum Type {
        HOLD_SEATS,
        BOOK_SEATS,
        CONFIRM_HOLD,
        RELEASE_HOLD,
        CANCEL_BOOKING,
        READ_SEAT_MAP
    }

    public enum Outcome {
        OK,
        /** A definite answer that the operation did not do what it asked (seat taken, hold expired, ...). */
        FAIL,
        /** No definite answer: the operation may or may not have taken effect. */
        UNKNOWN
    }

    /** One seat as a seat map read saw it. */
    public record ObservedSeat(String seatId, SeatStatus status, boolean mine) {
    }

    public ClientOperation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        userId = Objects.requireNonNullElse(userId, "");
        showId = Objects.requireNonNullElse(showId, "");
        seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
        holdId = Objects.requireNonNullElse(holdId, "");
        bookingId = Objects.requireNonNullElse(bookingId, "");
        idempotencyKey = Objects.requireNonNullElse(idempotencyKey, "");
        errorCode = Objects.requireNonNullElse(errorCode, "");
        errorMessage = Objects.requireNonNullElse(errorMessage, "");
        takenSeatIds = takenSeatIds == null ? List.of() : List.copyOf(takenSeatIds);
        observed = observed == null ? List.of() : List.copyOf(observed);
        node = Objects.requireNonNullElse(node, "");
        if (returnNanos < invokeNanos) {
            throw new IllegalArgumentException("operation " + index + " returns before it is invoked");
        }
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }
}
