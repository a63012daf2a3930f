package io.boxoffice.raft.core;

import java.util.List;

/**
 * A snapshot of a node's view, for operators, routing and metrics.
 *
 * @param snapshotIndex index of the latest snapshot this node holds (0 for none)
 * @param logStartIndex index of the last compacted entry: the log holds the entries after it
 * @param peers replication progress per other member; only filled on the leader
 */
public record RaftStatus(String id, Role role, long term, String leaderId, long commitIndex, long appliedIndex,
                         long lastIndex, long snapshotIndex, long logStartIndex, Configuration configuration,
                         List<PeerProgress> peers,
                         String transferTarget) {

    /** Replication progress of one follower or learner, as the leader sees it. */
    public record PeerProgress(String id, boolean voter, long matchIndex, long nextIndex, String state,
                               int inflightAppends, boolean recentlyActive) {
    }
}
