package io.boxoffice.booking.discovery;

import io.grpc.Status;

/** What one AddMember call to a member achieved, and so what the registration loop does next. */
enum AddMemberOutcome {
    /** The leader committed this node as a learner. */
    ADDED,
    /** This node is in the configuration already (an earlier attempt, or an operator, added it). */
    ALREADY_MEMBER,
    /** Election, member down, DNS not there yet, a membership change pending: retry after a backoff. */
    RETRY,
    /** Something an operator must fix (keys, issuer, an older node without the method): retry, but warn. */
    MISCONFIGURED;

    boolean registered() {
        return this == ADDED || this == ALREADY_MEMBER;
    }

    /**
     * The outcome of a failed call by its status. FAILED_PRECONDITION is what the leader answers both for "a
     * membership change is pending" and for "already a member"; the caller tells them apart by looking at the
     * configuration ({@link #ALREADY_MEMBER} is never derived from a status code).
     */
    static AddMemberOutcome ofFailure(Status.Code code) {
        return switch (code) {
            case UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, UNIMPLEMENTED -> MISCONFIGURED;
            default -> RETRY;
        };
    }
}
