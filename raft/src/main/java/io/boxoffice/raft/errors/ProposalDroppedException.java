package io.boxoffice.raft.errors;

/**
 * A proposal was appended but its outcome is unknown or it was overwritten by a new leader
 * (§5.3). The caller may retry with the same idempotency key; the state machine deduplicates.
 */
public final class ProposalDroppedException extends RaftException {
    public ProposalDroppedException(String message) {
        super(message);
    }
}
