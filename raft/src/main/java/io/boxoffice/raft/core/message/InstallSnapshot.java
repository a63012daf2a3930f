package io.boxoffice.raft.core.message;

import io.boxoffice.raft.core.SnapshotMeta;

/**
 * One chunk of an InstallSnapshot RPC (§7). Chunks are sent one at a time; the follower
 * acknowledges each with the next offset it expects.
 */
public record InstallSnapshot(long term, String from, String to, SnapshotMeta meta, long offset,
                              byte[] chunk, boolean done, long totalBytes) implements Message {
    @Override
    public String toString() {
        return "InstallSnapshot[term=" + term + ", from=" + from + ", to=" + to + ", meta=" + meta
                + ", offset=" + offset + ", chunk=" + chunk.length + "B, done=" + done + "]";
    }
}
