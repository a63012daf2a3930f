package io.boxoffice.raft.core.message;

/**
 * Reply to {@link InstallSnapshot}: the follower copies the snapshot ({@code done} and {@code rejected}
 * both false: keep waiting), has installed it or already had everything it covers ({@code done}), or
 * could not copy it ({@code rejected}: the leader offers its latest snapshot again after a timeout).
 */
public record InstallSnapshotResponse(long term, String from, String to, long snapshotIndex, boolean done,
                                      boolean rejected) implements Message {
}
