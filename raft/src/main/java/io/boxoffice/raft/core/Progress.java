package io.boxoffice.raft.core;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower's or learner's log (§5.3: nextIndex, matchIndex), plus the
 * flow-control state that decides whether the leader may send more (modelled on etcd's
 * probe / replicate / snapshot states).
 */
final class Progress {

    enum State {
        /** Unknown follower log: one AppendEntries at a time until one succeeds. */
        PROBE,
        /** Follower is known to match: pipeline appends optimistically, bounded by the inflight window. */
        REPLICATE,
        /** Follower needs entries the leader compacted: offer a snapshot and wait until it is installed. */
        SNAPSHOT
    }

    final String id;
    long matchIndex;
    long nextIndex;
    State state = State.PROBE;
    /** In PROBE: an append is outstanding, wait for its answer or the next heartbeat. */
    boolean probeSent;
    /** Set by any message from the peer; cleared every election timeout by check-quorum. */
    boolean recentlyActive;
    /** Last index carried by each outstanding pipelined append, oldest first. */
    final ArrayDeque<Long> inflightLastIndexes = new ArrayDeque<>();
    /** The snapshot offered in SNAPSHOT state. */
    SnapshotMeta snapshotInFlight;
    /** Ticks since the offer was last made or the follower last reported progress. */
    int ticksSinceSnapshotMessage;
    /** Ticks since pipelined appends were last acknowledged while some were outstanding. */
    int ticksWithoutAck;
    /**
     * The leader's tick at which it sent the latest heartbeat round this peer acknowledged (lease reads):
     * the peer refuses votes for an election timeout after it received that heartbeat, which is later.
     */
    long acknowledgedRoundSentAtTick = Long.MIN_VALUE;

    Progress(String id, long nextIndex) {
        this.id = id;
        this.nextIndex = nextIndex;
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT && snapshotInFlight != null) {
            nextIndex = Math.max(matchIndex + 1, snapshotInFlight.index() + 1);
        } else {
            nextIndex = matchIndex + 1;
        }
        state = State.PROBE;
        probeSent = false;
        inflightLastIndexes.clear();
        snapshotInFlight = null;
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        ticksWithoutAck = 0;
        nextIndex = matchIndex + 1;
        probeSent = false;
        inflightLastIndexes.clear();
    }

    void becomeSnapshot(SnapshotMeta snapshot) {
        state = State.SNAPSHOT;
        snapshotInFlight = snapshot;
        ticksSinceSnapshotMessage = 0;
        inflightLastIndexes.clear();
    }

    /** Records an acknowledged match; returns whether it moved forward. */
    boolean maybeUpdate(long acknowledgedIndex) {
        boolean updated = false;
        if (acknowledgedIndex > matchIndex) {
            matchIndex = acknowledgedIndex;
            probeSent = false;
            ticksWithoutAck = 0;
            updated = true;
        }
        nextIndex = Math.max(nextIndex, acknowledgedIndex + 1);
        while (!inflightLastIndexes.isEmpty() && inflightLastIndexes.peekFirst() <= acknowledgedIndex) {
            inflightLastIndexes.pollFirst();
        }
        return updated;
    }

    /**
     * Handles a rejected append whose previous index was {@code rejectedIndex}, with the follower's
     * hint of where to look next. Returns false when the rejection is stale (an answer to an older
     * request) and must be ignored; otherwise the progress is back in PROBE at a lower nextIndex.
     */
    boolean maybeDecreaseTo(long rejectedIndex, long hintIndex) {
        if (state == State.REPLICATE) {
            if (rejectedIndex <= matchIndex) {
                return false;
            }
        } else if (nextIndex - 1 != rejectedIndex) {
            return false;
        }
        long next = Math.max(matchIndex + 1, Math.min(rejectedIndex, hintIndex));
        becomeProbe();
        nextIndex = next;
        return true;
    }

    /** Whether the leader must hold back further appends to this peer. */
    boolean isPaused(int maxInflightAppends) {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflightLastIndexes.size() >= maxInflightAppends;
            case SNAPSHOT -> true;
        };
    }
}
