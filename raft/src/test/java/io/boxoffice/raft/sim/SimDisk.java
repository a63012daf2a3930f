package io.boxoffice.raft.sim;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.InitialState;
import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated disk holding what one node made durable. A crash loses whatever the node had not
 * yet handed to {@link #write}: the simulator crashes nodes between ready() and the write, which is
 * exactly "losing unsynced writes" for a driver that syncs every batch.
 */
final class SimDisk {
    HardState hardState = HardState.INITIAL;
    Snapshot snapshot;
    final List<Entry> entries = new ArrayList<>();

    long snapshotIndex() {
        return snapshot == null ? 0 : snapshot.meta().index();
    }

    long lastIndex() {
        return snapshotIndex() + entries.size();
    }

    Entry entryAt(long index) {
        return entries.get((int) (index - snapshotIndex() - 1));
    }

    long termAt(long index) {
        if (index == snapshotIndex()) {
            return snapshot == null ? 0 : snapshot.meta().term();
        }
        if (index < snapshotIndex() || index > lastIndex()) {
            return -1;
        }
        return entryAt(index).term();
    }

    /** Same semantics as {@code LogStore.write}: snapshot, then entries (overwriting), then hard state. */
    void write(HardState newHardState, List<Entry> newEntries, Snapshot newSnapshot) {
        if (newSnapshot != null) {
            installSnapshot(newSnapshot);
        }
        if (!newEntries.isEmpty()) {
            long first = newEntries.get(0).index();
            if (first <= snapshotIndex()) {
                throw new AssertionError("write below snapshot: " + first + " <= " + snapshotIndex());
            }
            if (first > lastIndex() + 1) {
                throw new AssertionError("gap in durable log: writing " + first + " after " + lastIndex());
            }
            while (lastIndex() >= first) {
                entries.remove(entries.size() - 1);
            }
            entries.addAll(newEntries);
        }
        if (newHardState != null) {
            hardState = newHardState;
        }
    }

    private void installSnapshot(Snapshot s) {
        long index = s.meta().index();
        if (termAt(index) == s.meta().term() && index <= lastIndex()) {
            entries.subList(0, (int) (index - snapshotIndex())).clear();
        } else {
            entries.clear();
        }
        snapshot = s;
    }

    /** Local compaction after the state machine snapshotted. */
    void compact(Snapshot s) {
        long index = s.meta().index();
        if (index <= snapshotIndex()) {
            return;
        }
        entries.subList(0, (int) (index - snapshotIndex())).clear();
        snapshot = s;
    }

    InitialState recover(Configuration bootstrap) {
        return new InitialState(hardState, snapshot, List.copyOf(entries), bootstrap);
    }
}
