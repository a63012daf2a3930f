package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.SnapshotMeta;
import java.util.List;

/**
 * One atomic write to a {@link LogStore}.
 *
 * @param hardState hard state to store, or {@code null} to keep the stored one
 * @param entries   contiguous entries to store, overwriting from the first one's index on
 * @param snapshot  a snapshot received from a leader (its file is already durable), or {@code null}
 * @param sync      whether the write must be durable (fsync) before {@code write} returns
 */
public record PersistBatch(HardState hardState, List<Entry> entries, SnapshotMeta snapshot, boolean sync) {
    public PersistBatch {
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries must be contiguous: " + entries.get(i - 1)
                        + " then " + entries.get(i));
            }
        }
    }
}
