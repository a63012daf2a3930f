package io.boxoffice.raft.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Raft log entry. Immutable; {@code data} is never mutated after construction.
 *
 * @param index position in the log, starting at 1
 * @param term  term of the leader that created the entry
 * @param kind  what the entry carries
 * @param data  opaque command bytes (COMMAND), encoded {@link Configuration} (CONFIG), empty (NOOP)
 */
public record Entry(long index, long term, EntryKind kind, byte[] data) {

    public Entry {
        if (index <= 0 || term <= 0) {
            throw Invariants.violated("entry index and term must be positive, were " + index + " and " + term);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(data, "data");
    }

    /** Approximate size in bytes, used to bound append batches. */
    public long sizeBytes() {
        return data.length + 24L;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry e
                && e.index == index && e.term == term && e.kind == kind && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, kind, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + kind + " " + data.length + "B}";
    }
}
