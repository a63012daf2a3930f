package io.boxoffice.booking.api;

import io.boxoffice.proto.booking.v1.Rejection;

/** The state machine rejected a command; carried through futures to the gRPC layer. */
public final class RejectedCommand extends RuntimeException {
    private final Rejection rejection;

    public RejectedCommand(Rejection rejection) {
        super(rejection.getCode() + ": " + rejection.getMessage(), null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
