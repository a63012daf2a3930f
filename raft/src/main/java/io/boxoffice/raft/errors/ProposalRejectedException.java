package io.boxoffice.raft.errors;

/**
 * The leader refused a proposal before appending it: for example a leadership transfer is in
 * progress, a membership change is already pending, or the change is invalid. Nothing was written.
 */
public final class ProposalRejectedException extends RaftException {
    public ProposalRejectedException(String message) {
        super(message);
    }
}
