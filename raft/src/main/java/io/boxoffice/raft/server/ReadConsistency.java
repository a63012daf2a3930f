package io.boxoffice.raft.server;

/** How fresh a read must be. */
public enum ReadConsistency {
    /**
     * Sees every write acknowledged before the read started (ReadIndex, dissertation §6.4): the
     * leader confirms with a quorum that it still leads, then serves once it applied that far.
     * Only the leader serves it; other nodes fail it with a leader hint.
     */
    LINEARIZABLE,
    /** Served at once from whatever this node applied; may miss recent writes. Any node serves it. */
    STALE
}
