package io.boxoffice.raft.errors;

import java.util.Optional;

/**
 * The request needs the leader and this node is not it. Carries the leader this node knows of,
 * if any, so the caller can retry there; none means an election is in progress.
 */
public final class NotLeaderException extends RaftException {
    private final String leaderId;

    public NotLeaderException(String nodeId, String leaderId) {
        super(leaderId == null
                ? "node " + nodeId + " is not the leader and knows of no leader (election in progress); retry shortly"
                : "node " + nodeId + " is not the leader; the leader is " + leaderId);
        this.leaderId = leaderId;
    }

    public Optional<String> leaderId() {
        return Optional.ofNullable(leaderId);
    }
}
