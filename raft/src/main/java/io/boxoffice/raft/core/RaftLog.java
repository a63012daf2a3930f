package io.boxoffice.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory Raft log of one node: a snapshot prefix plus the entries after it, with the
 * indexes that tell what is persisted, committed and applied. The driver's {@code LogStore} holds
 * the durable copy; this class is what the core reasons about.
 *
 * <p>Invariants (asserted): {@code snapshotIndex <= appliedIndex <= commitIndex <= lastIndex}
 * and {@code persistedIndex <= lastIndex}; entries are contiguous from {@code snapshotIndex + 1}.
 */
final class RaftLog {

    private long snapshotIndex;
    private long snapshotTerm;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Highest index known durable in the local store. */
    private long persistedIndex;
    private long commitIndex;
    /** Highest index handed to the application (in a Ready's committed entries or a snapshot). */
    private long appliedIndex;

    RaftLog(long snapshotIndex, long snapshotTerm, List<Entry> recovered, long commitIndex) {
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
        for (Entry e : recovered) {
            assert e.index() == snapshotIndex + entries.size() + 1 : "recovered log has a gap at " + e;
            entries.add(e);
        }
        this.persistedIndex = lastIndex();
        this.appliedIndex = snapshotIndex;
        // A recovered commit index can exceed what survived only if storage lost synced data.
        if (commitIndex > lastIndex()) {
            throw new IllegalStateException("recovered commit index " + commitIndex + " beyond last index "
                    + lastIndex() + ": storage lost synced entries");
        }
        this.commitIndex = Math.max(commitIndex, snapshotIndex);
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    long snapshotTerm() {
        return snapshotTerm;
    }

    long firstIndex() {
        return snapshotIndex + 1;
    }

    long lastIndex() {
        return snapshotIndex + entries.size();
    }

    long lastTerm() {
        return termAt(lastIndex());
    }

    long persistedIndex() {
        return persistedIndex;
    }

    long commitIndex() {
        return commitIndex;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    /** Term of the entry at {@code index}, or -1 if it is compacted away or beyond the log. */
    long termAt(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        if (index < snapshotIndex || index > lastIndex()) {
            return -1;
        }
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    Entry entryAt(long index) {
        assert index > snapshotIndex && index <= lastIndex() : "no entry " + index + " in " + this;
        return entries.get((int) (index - snapshotIndex - 1));
    }

    boolean matches(long index, long term) {
        return termAt(index) == term;
    }

    /** §5.4.1: is a log ending at (lastTerm, lastIndex) at least as up-to-date as ours? */
    boolean isUpToDate(long candidateLastIndex, long candidateLastTerm) {
        long ourLastTerm = lastTerm();
        return candidateLastTerm > ourLastTerm
                || (candidateLastTerm == ourLastTerm && candidateLastIndex >= lastIndex());
    }

    void append(Entry entry) {
        assert entry.index() == lastIndex() + 1 : "append " + entry + " after " + lastIndex();
        assert entry.term() >= lastTerm() : "append " + entry + " with a term below " + lastTerm();
        entries.add(entry);
    }

    /**
     * Removes every entry from {@code index} on (a conflicting suffix, §5.3). Committed entries
     * can never conflict: that would break Leader Completeness, so it is asserted.
     */
    void truncateFrom(long index) {
        if (index <= commitIndex) {
            throw new IllegalStateException("attempt to truncate committed entry " + index
                    + " (commit index " + commitIndex + ")");
        }
        assert index > snapshotIndex && index <= lastIndex() + 1 : "truncate " + index;
        while (lastIndex() >= index) {
            entries.remove(entries.size() - 1);
        }
        persistedIndex = Math.min(persistedIndex, index - 1);
    }

    /** Entries in {@code [from, to]}, limited by count and bytes, at least one if any exist. */
    List<Entry> slice(long from, long to, int maxCount, long maxBytes) {
        assert from >= firstIndex() : "slice from " + from + " below first index " + firstIndex();
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= Math.min(to, lastIndex()); i++) {
            Entry e = entryAt(i);
            if (!out.isEmpty() && (out.size() >= maxCount || bytes + e.sizeBytes() > maxBytes)) {
                break;
            }
            out.add(e);
            bytes += e.sizeBytes();
        }
        return out;
    }

    void commitTo(long index) {
        if (index > commitIndex) {
            assert index <= lastIndex() : "commit " + index + " beyond last index " + lastIndex();
            commitIndex = index;
        }
    }

    void markPersisted(long index) {
        assert index <= lastIndex() : "persisted " + index + " beyond " + lastIndex();
        // A later truncation may have lowered the log below what this Ready wrote; never go past it.
        persistedIndex = Math.max(persistedIndex, Math.min(index, lastIndex()));
    }

    void markApplied(long index) {
        assert index <= commitIndex : "applied " + index + " beyond commit " + commitIndex;
        appliedIndex = Math.max(appliedIndex, index);
    }

    /** Discards entries up to {@code index}, which the application has snapshotted (§7). */
    void compactTo(long index, long term) {
        assert index <= appliedIndex : "compact " + index + " beyond applied " + appliedIndex;
        assert index > snapshotIndex : "compact " + index + " not after snapshot " + snapshotIndex;
        int drop = (int) (index - snapshotIndex);
        entries.subList(0, drop).clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }

    /**
     * Installs a snapshot received from the leader (§7): entries after it are kept only if the
     * log contains the snapshot's last entry; otherwise the whole log is replaced.
     */
    void installSnapshot(long index, long term) {
        if (termAt(index) == term && index <= lastIndex()) {
            int drop = (int) (index - snapshotIndex);
            entries.subList(0, drop).clear();
        } else {
            entries.clear();
            persistedIndex = index;
        }
        snapshotIndex = index;
        snapshotTerm = term;
        persistedIndex = Math.max(persistedIndex, index);
        commitIndex = Math.max(commitIndex, index);
        appliedIndex = Math.max(appliedIndex, index);
    }

    /** Entries not yet durable, to hand to the driver. */
    List<Entry> unpersistedEntries() {
        if (persistedIndex >= lastIndex()) {
            return List.of();
        }
        return new ArrayList<>(entries.subList((int) (persistedIndex - snapshotIndex), entries.size()));
    }

    /** Committed entries not yet handed to the application, at most {@code maxCount}. */
    List<Entry> committedUnapplied(int maxCount) {
        if (appliedIndex >= commitIndex) {
            return List.of();
        }
        long to = Math.min(commitIndex, appliedIndex + maxCount);
        return new ArrayList<>(entries.subList((int) (appliedIndex - snapshotIndex), (int) (to - snapshotIndex)));
    }

    @Override
    public String toString() {
        return "RaftLog{snapshot=" + snapshotIndex + "@" + snapshotTerm + ", last=" + lastIndex()
                + ", persisted=" + persistedIndex + ", commit=" + commitIndex + ", applied=" + appliedIndex + "}";
    }
}
