package io.boxoffice.raft.server;

import io.boxoffice.raft.core.Role;

/**
 * Receives events of a {@link RaftServer}'s driver loop, for metrics. Called on the driver thread unless
 * said otherwise: implementations must be cheap and must not throw or block (a slow observer slows
 * consensus).
 */
public interface RaftObserver {

    /** Does nothing. */
    RaftObserver NONE = new RaftObserver() {
    };

    /**
     * One batch went to stable storage: {@code entryCount} log entries (possibly none, when only the
     * hard state or a snapshot changed), encoded, written and fsynced in {@code durationNanos}.
     */
    default void logAppended(int entryCount, long durationNanos) {
    }

    /** {@code entryCount} committed entries were applied to the state machine. */
    default void entriesApplied(int entryCount) {
    }

    /** One iteration of the driver loop took {@code durationNanos} (a long one stalls heartbeats). */
    default void loopIteration(long durationNanos) {
    }

    /** A snapshot file of this node's whole state was written: {@code sizeBytes} in {@code durationNanos} (off the driver). */
    default void snapshotTaken(long index, long sizeBytes, long durationNanos) {
    }

    /**
     * A local snapshot was taken: the state machine made its own storage durable through {@code index} in
     * {@code durationNanos} (off the driver), and the log was compacted; no file was written.
     */
    default void localSnapshotTaken(long index, long durationNanos) {
    }

    /** A snapshot copied from the leader was installed: {@code sizeBytes}, restored in {@code durationNanos}. */
    default void snapshotInstalled(long index, long sizeBytes, long durationNanos) {
    }

    /** This node's role or known leader changed, for the reason given (logged at INFO by the server). */
    default void roleChanged(Role from, Role to, long term, String leaderId, String reason) {
    }

    /** At start-up: the state machine's storage held the state through {@code stateIndex}; {@code replayed} entries followed. */
    default void recovered(long stateIndex, long replayedEntries) {
    }
}
