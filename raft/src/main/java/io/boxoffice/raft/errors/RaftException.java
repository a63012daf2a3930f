package io.boxoffice.raft.errors;

/** Base of the typed, expected operating conditions a Raft caller must handle. */
public abstract sealed class RaftException extends RuntimeException
        permits NotLeaderException, ProposalRejectedException, ProposalDroppedException {

    protected RaftException(String message) {
        super(message);
    }

    protected RaftException(String message, Throwable cause) {
        super(message, cause);
    }
}
