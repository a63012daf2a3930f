package io.boxoffice.booking.errors;

import io.boxoffice.proto.replicated.v1.RejectionRecord;

/** The state machine refused a command; carried through futures to the gRPC layer. */
public final class RejectedCommand extends RuntimeException {
    private final transient RejectionRecord rejection;

    public RejectedCommand(RejectionRecord rejection) {
        super(rejection.getCode() + ": " + rejection.getMessage(), null, false, false);
        this.rejection = rejection;
    }

    public RejectionRecord rejection() {
        return rejection;
    }
}
