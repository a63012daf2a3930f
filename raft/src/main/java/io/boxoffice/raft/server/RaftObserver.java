package io.boxoffice.raft.server;

/**
 * Receives events of a {@link RaftServer}'s driver loop, for metrics. Called on the driver thread:
 * implementations must be cheap and must not throw or block (a slow observer slows consensus).
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
}
