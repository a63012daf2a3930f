package io.boxoffice.booking.domain;

import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import java.util.List;

/**
 * An operating condition that turns a command into a typed rejection (seat taken, bad argument, unknown
 * id). Thrown only while a handler validates, before it changes anything, and caught by the state
 * machine, which returns the rejection as the command's result (a rejection thrown after a write is a bug
 * and stops the node). Carries no stack trace: it is an answer, not a bug.
 */
public final class RejectedException extends RuntimeException {

    private final transient RejectionRecord rejection;

    public RejectedException(RejectionRecord rejection) {
        super(rejection.getMessage(), null, false, false);
        this.rejection = rejection;
    }

    public RejectionRecord rejection() {
        return rejection;
    }

    /** The same rejection with what it means for the caller appended: "seat A1 is not available; nothing was held". */
    public RejectedException withConsequence(String consequence) {
        return new RejectedException(rejection.toBuilder().setMessage(rejection.getMessage() + "; " + consequence)
                .build());
    }

    public static RejectedException invalidArgument(String field, String message) {
        return new RejectedException(RejectionRecord.newBuilder()
                .setCode(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT).setField(field).setMessage(message).build());
    }

    public static RejectedException notFound(String message) {
        return of(RejectionCode.REJECTION_CODE_NOT_FOUND, message);
    }

    public static RejectedException failedPrecondition(String message) {
        return of(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, message);
    }

    public static RejectedException seatsTaken(String message, List<String> takenSeatIds) {
        return new RejectedException(RejectionRecord.newBuilder()
                .setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION).setMessage(message)
                .addAllTakenSeatIds(takenSeatIds).build());
    }

    public static RejectedException permissionDenied(String message) {
        return of(RejectionCode.REJECTION_CODE_PERMISSION_DENIED, message);
    }

    public static RejectedException alreadyExists(String message) {
        return of(RejectionCode.REJECTION_CODE_ALREADY_EXISTS, message);
    }

    public static RejectedException resourceExhausted(String message) {
        return of(RejectionCode.REJECTION_CODE_RESOURCE_EXHAUSTED, message);
    }

    private static RejectedException of(RejectionCode code, String message) {
        return new RejectedException(RejectionRecord.newBuilder().setCode(code).setMessage(message).build());
    }
}
