package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import java.util.List;

/**
 * What a {@link LogStore} recovered at start-up.
 *
 * @param hardState the stored hard state, {@link HardState#INITIAL} if none
 * @param snapshot  meta of the latest snapshot (taken or installed), or {@code null}; its file is kept by
 *                  the snapshot store
 * @param logStart  where the stored log begins, or {@code null} if it was never compacted
 * @param entries   the stored entries after the log start, contiguous
 */
public record PersistentState(HardState hardState, SnapshotMeta snapshot, LogStart logStart, List<Entry> entries) {
    public PersistentState {
        entries = List.copyOf(entries);
    }

    public long logStartIndex() {
        return logStart == null ? 0 : logStart.index();
    }
}
