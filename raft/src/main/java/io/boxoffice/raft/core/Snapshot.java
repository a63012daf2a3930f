package io.boxoffice.raft.core;

import java.util.Objects;

/** A snapshot and its serialized state-machine bytes. The bytes are never mutated. */
public record Snapshot(SnapshotMeta meta, byte[] data) {
    public Snapshot {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
        return "Snapshot{" + meta + ", " + data.length + "B}";
    }
}
