package io.boxoffice.raft.core.message;

import io.boxoffice.raft.core.SnapshotMeta;

/**
 * The leader offers a snapshot to a follower that needs entries the leader no longer has (§7). The
 * snapshot's bytes do not travel through the core: the follower copies the leader's snapshot file
 * (chunk by chunk, resumable) and installs it once the copy is complete and verified. The leader repeats
 * the offer every election timeout until the follower answers {@code done}, which also recovers from a
 * lost offer or answer.
 */
public record InstallSnapshot(long term, String from, String to, SnapshotMeta meta) implements Message {
}
