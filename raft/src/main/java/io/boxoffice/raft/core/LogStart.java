package io.boxoffice.raft.core;

import java.util.Objects;

/**
 * Where a node's log begins after compaction (§7): every entry up to and including {@code index} is
 * gone; {@code term} is the term of that last compacted entry (for the AppendEntries consistency check
 * at the log's first entry) and {@code configuration} the membership as of it (the base from which the
 * configuration entries still in the log apply). Independent of the latest snapshot: a node keeps some
 * entries after its snapshot so that a briefly lagging follower catches up from the log, not from a
 * whole snapshot (etcd's "snapshot catch-up entries").
 */
public record LogStart(long index, long term, Configuration configuration) {

    /** The start of a log that was never compacted. */
    public static LogStart beginning(Configuration bootstrap) {
        return new LogStart(0, 0, bootstrap);
    }

    public LogStart {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("negative log start " + index + "@" + term);
        }
        Objects.requireNonNull(configuration, "configuration");
    }

    /** The log start right after installing {@code snapshot}. */
    public static LogStart of(SnapshotMeta snapshot) {
        return new LogStart(snapshot.index(), snapshot.term(), snapshot.configuration());
    }
}
