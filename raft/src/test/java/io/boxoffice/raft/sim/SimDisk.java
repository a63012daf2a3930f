package io.boxoffice.raft.sim;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.InitialState;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated disk holding what one node made durable: the log store (hard state, log start, entries,
 * latest snapshot meta) and the latest snapshot file. A crash loses whatever the node had not yet handed
 * to {@link #write}: the simulator crashes nodes between ready() and the write, which is exactly
 * "losing unsynced writes" for a driver that syncs every batch.
 */
final class SimDisk {
    HardState hardState = HardState.INITIAL;
    SnapshotMeta snapshot;
    byte[] snapshotData;
    LogStart logStart;
    final List<Entry> entries = new ArrayList<>();

    long startIndex() {
        return logStart == null ? 0 : logStart.index();
    }

    long snapshotIndex() {
        return snapshot == null ? 0 : snapshot.index();
    }

    long lastIndex() {
        return startIndex() + entries.size();
    }

    Entry entryAt(long index) {
        return entries.get((int) (index - startIndex() - 1));
    }

    long termAt(long index) {
        if (index == startIndex()) {
            return logStart == null ? 0 : logStart.term();
        }
        if (index < startIndex() || index > lastIndex()) {
            return -1;
        }
        return entryAt(index).term();
    }

    /** Same semantics as {@code LogStore.write}: snapshot, then entries (overwriting), then hard state. */
    void write(HardState newHardState, List<Entry> newEntries, SnapshotMeta newSnapshot, byte[] newSnapshotData) {
        if (newSnapshot != null) {
            installSnapshot(newSnapshot, newSnapshotData);
        }
        if (!newEntries.isEmpty()) {
            long first = newEntries.get(0).index();
            if (first <= startIndex()) {
                throw new AssertionError("write below the log start: " + first + " <= " + startIndex());
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

    private void installSnapshot(SnapshotMeta s, byte[] data) {
        if (data == null) {
            throw new AssertionError("installing snapshot " + s + " whose file was never copied");
        }
        long index = s.index();
        if (termAt(index) == s.term() && index > startIndex() && index <= lastIndex()) {
            entries.subList(0, (int) (index - startIndex())).clear();
        } else {
            entries.clear();
        }
        snapshot = s;
        snapshotData = data;
        logStart = LogStart.of(s);
    }

    /** Local compaction after the state machine snapshotted: the file first, then the log store. */
    void compact(SnapshotMeta s, byte[] data, LogStart newStart) {
        if (snapshot == null || s.index() > snapshot.index()) {
            snapshot = s;
            snapshotData = data;
        }
        if (newStart != null && newStart.index() > startIndex()) {
            entries.subList(0, (int) (newStart.index() - startIndex())).clear();
            logStart = newStart;
        }
    }

    InitialState recover(Configuration bootstrap) {
        // The simulated state machine is volatile: it restarts from the snapshot.
        return new InitialState(hardState, snapshot, logStart, List.copyOf(entries), bootstrap, snapshotIndex());
    }
}
