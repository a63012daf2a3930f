package io.boxoffice.raft.core;

import java.util.Objects;

/**
 * A snapshot this follower must copy from {@code sourceId} (the leader that offered it) before it can
 * install it (§7). The copy is I/O, so the core only asks for it in a {@link Ready}; the driver reports
 * the outcome with {@link RaftNode#snapshotFetched(SnapshotMeta, boolean)}.
 */
public record SnapshotFetch(SnapshotMeta meta, String sourceId) {
    public SnapshotFetch {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(sourceId, "sourceId");
    }
}
