package io.boxoffice.raft.core;

import java.util.List;
import java.util.Objects;

/**
 * What a node starts from: what its storage recovered, or, for a brand-new cluster, the bootstrap
 * configuration.
 *
 * @param hardState     recovered hard state
 * @param snapshot      latest snapshot this node holds (taken or installed), or {@code null}
 * @param logStart      where the recovered log begins; {@code null} for a log that was never compacted
 * @param entries       recovered entries after {@code logStart}, contiguous
 * @param bootstrap     configuration to use when neither the log start nor the log holds one
 *                      (first start of a new cluster); {@link Configuration#EMPTY} for a node
 *                      that joins an existing cluster and waits to be contacted
 * @param appliedIndex  the highest index the state machine has durably applied (its state survives
 *                      restarts); entries up to it are not handed out again
 */
public record InitialState(HardState hardState, SnapshotMeta snapshot, LogStart logStart, List<Entry> entries,
                           Configuration bootstrap, long appliedIndex) {
    public InitialState {
        Objects.requireNonNull(hardState, "hardState");
        Objects.requireNonNull(bootstrap, "bootstrap");
        entries = List.copyOf(entries);
        if (appliedIndex < 0) {
            throw new IllegalArgumentException("negative applied index " + appliedIndex);
        }
    }

    public static InitialState fresh(Configuration bootstrap) {
        return new InitialState(HardState.INITIAL, null, null, List.of(), bootstrap, 0);
    }

    /** The log start, {@link LogStart#beginning} when the log was never compacted. */
    public LogStart effectiveLogStart() {
        return logStart != null ? logStart : LogStart.beginning(bootstrap);
    }
}
