package io.boxoffice.raft.core;

import java.util.Objects;

/**
 * Describes a state-machine snapshot: it replaces every log entry up to and including {@code index}.
 *
 * @param index         last log index the snapshot covers
 * @param term          term of that entry
 * @param configuration the membership configuration as of {@code index}
 */
public record SnapshotMeta(long index, long term, Configuration configuration) {
    public SnapshotMeta {
        if (index < 0 || term < 0) {
            throw Invariants.violated("negative snapshot position: index " + index + ", term " + term);
        }
        Objects.requireNonNull(configuration, "configuration");
    }
}
