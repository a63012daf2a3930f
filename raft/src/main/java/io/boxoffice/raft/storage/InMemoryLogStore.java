package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link LogStore} held in memory, for tests and the cluster simulation. Every write is
 * "durable" for as long as this object lives; {@code sync} is ignored. Follows the same contract,
 * checked by the same test suite, as {@link RocksDbLogStore}.
 */
public final class InMemoryLogStore implements LogStore {

    private HardState hardState = HardState.INITIAL;
    private SnapshotMeta snapshot;
    private LogStart logStart;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private String memberId;
    private boolean closed;

    @Override
    public PersistentState load() {
        ensureOpen();
        return new PersistentState(hardState, snapshot, logStart, new ArrayList<>(entries.values()));
    }

    @Override
    public void write(PersistBatch batch) {
        ensureOpen();
        List<Entry> toAppend = LogWriteRules.entriesAfterStart(batch, startIndex());
        if (batch.snapshot() != null) {
            installSnapshot(batch.snapshot());
        }
        if (!toAppend.isEmpty()) {
            long first = toAppend.get(0).index();
            LogWriteRules.requireNoGap(first, lastIndex());
            entries.tailMap(first, true).clear();
            for (Entry entry : toAppend) {
                entries.put(entry.index(), entry);
            }
        }
        if (batch.hardState() != null) {
            hardState = batch.hardState();
        }
    }

    @Override
    public void compact(SnapshotMeta newSnapshot, LogStart newStart) {
        ensureOpen();
        if (snapshot == null || newSnapshot.index() > snapshot.index()) {
            snapshot = newSnapshot;
        }
        if (newStart != null && newStart.index() > startIndex()) {
            logStart = newStart;
            entries.headMap(newStart.index(), true).clear();
        }
    }

    @Override
    public Optional<String> memberId() {
        ensureOpen();
        return Optional.ofNullable(memberId);
    }

    @Override
    public void saveMemberId(String id) {
        ensureOpen();
        memberId = id;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void installSnapshot(SnapshotMeta received) {
        long index = received.index();
        if (snapshot != null && index <= snapshot.index()) {
            return; // Already covered by the stored snapshot.
        }
        Entry atIndex = entries.get(index);
        if (atIndex != null && atIndex.term() == received.term()) {
            entries.headMap(index, true).clear();
        } else {
            entries.clear();
        }
        snapshot = received;
        logStart = LogStart.of(received);
    }

    private long startIndex() {
        return logStart == null ? 0 : logStart.index();
    }

    private long lastIndex() {
        return entries.isEmpty() ? startIndex() : entries.lastKey();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("in-memory log store is closed");
        }
    }
}
