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
        assert index >= 0 && term >= 0 : "negative snapshot position";
        Objects.requireNonNull(configuration, "configuration");
    }
}
