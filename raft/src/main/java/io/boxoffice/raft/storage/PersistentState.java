package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.Snapshot;
import java.util.List;

/**
 * What a {@link LogStore} recovered at start-up.
 *
 * @param hardState the stored hard state, {@link HardState#INITIAL} if none
 * @param snapshot  the latest stored snapshot, or {@code null}
 * @param entries   the stored entries after the snapshot, contiguous
 */
public record PersistentState(HardState hardState, Snapshot snapshot, List<Entry> entries) {
    public PersistentState {
        entries = List.copyOf(entries);
    }
}
