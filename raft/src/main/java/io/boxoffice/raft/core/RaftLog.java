package io.boxoffice.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory Raft log of one node: the entries after the log start (what compaction left), with the
 * indexes that tell what is persisted, committed and applied. The driver's {@code LogStore} holds the
 * durable copy; this class is what the core reasons about.
 *
 * <p>Invariants (checked): {@code startIndex <= commitIndex}, {@code appliedIndex <= commitIndex <=
 * lastIndex}, {@code persistedIndex <= lastIndex}; entries are contiguous from {@code startIndex + 1}.
 * A broken invariant is a bug: it throws {@link IllegalStateException} and stops the node.
 */
final class RaftLog {

    /** Index of the last compacted entry (or of an installed snapshot); the log holds what follows. */
    private long startIndex;
    private long startTerm;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Highest index known durable in the local store. */
    private long persistedIndex;
    private long commitIndex;
    /** Highest index handed to the application (in a Ready's committed entries or a snapshot). */
    private long appliedIndex;

    RaftLog(LogStart start, List<Entry> recovered, long commitIndex, long appliedIndex) {
        this.startIndex = start.index();
        this.startTerm = start.term();
        for (Entry e : recovered) {
            if (e.index() != startIndex + entries.size() + 1) {
                throw Invariants.violated("recovered log has a gap at " + e);
            }
            entries.add(e);
        }
        this.persistedIndex = lastIndex();
        // A recovered commit index can exceed what survived only if storage lost synced data.
        if (commitIndex > lastIndex()) {
            throw new IllegalStateException("recovered commit index " + commitIndex + " beyond last index "
                    + lastIndex() + ": storage lost synced entries");
        }
        // The commit index is written without a sync when nothing else changed (Ready#mustSync), so a crash can
        // lose its last moves. Everything the state machine applied was committed, and was synced into this log
        // before it was applied: the state's index is a commit index this node knew (§5.4.2: never overwritten).
        if (appliedIndex > lastIndex()) {
            throw new IllegalStateException("the state machine applied up to " + appliedIndex
                    + " but the log holds entries only up to " + lastIndex() + ": state and log do not belong together");
        }
        this.commitIndex = Math.max(Math.max(commitIndex, startIndex), appliedIndex);
        this.appliedIndex = Math.max(appliedIndex, startIndex);
    }

    long startIndex() {
        return startIndex;
    }

    long startTerm() {
        return startTerm;
    }

    long firstIndex() {
        return startIndex + 1;
    }

    long lastIndex() {
        return startIndex + entries.size();
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
        if (index == startIndex) {
            return startTerm;
        }
        if (index < startIndex || index > lastIndex()) {
            return -1;
        }
        return entries.get((int) (index - startIndex - 1)).term();
    }

    Entry entryAt(long index) {
        if (!(index > startIndex && index <= lastIndex())) {
            throw Invariants.violated("no entry " + index + " in " + this);
        }
        return entries.get((int) (index - startIndex - 1));
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
        if (!(entry.index() == lastIndex() + 1)) {
            throw Invariants.violated("append " + entry + " after " + lastIndex());
        }
        if (!(entry.term() >= lastTerm())) {
            throw Invariants.violated("append " + entry + " with a term below " + lastTerm());
        }
        entries.add(entry);
    }

    /**
     * Removes every entry from {@code index} on (a conflicting suffix, §5.3). Committed entries
     * can never conflict: that would break Leader Completeness.
     */
    void truncateFrom(long index) {
        if (!(index > commitIndex)) {
            throw Invariants.violated("attempt to truncate committed entry " + index
                + " (commit index " + commitIndex + ")");
        }
        if (!(index > startIndex && index <= lastIndex() + 1)) {
            throw Invariants.violated("truncate " + index + " in " + this);
        }
        entries.subList((int) (index - startIndex - 1), entries.size()).clear();
        persistedIndex = Math.min(persistedIndex, index - 1);
    }

    /** Entries in {@code [from, to]}, limited by count and bytes, at least one if any exist. */
    List<Entry> slice(long from, long to, int maxCount, long maxBytes) {
        if (!(from >= firstIndex())) {
            throw Invariants.violated("slice from " + from + " below first index " + firstIndex());
        }
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
            if (index > lastIndex()) {
                throw Invariants.violated("commit " + index + " beyond last index " + lastIndex());
            }
            commitIndex = index;
        }
    }

    void markPersisted(long index) {
        if (!(index <= lastIndex() || index <= startIndex)) {
            throw Invariants.violated("persisted " + index + " beyond " + lastIndex());
        }
        // A later truncation may have lowered the log below what this Ready wrote; never go past it.
        persistedIndex = Math.max(persistedIndex, Math.min(index, lastIndex()));
    }

    void markApplied(long index) {
        if (!(index <= commitIndex)) {
            throw Invariants.violated("applied " + index + " beyond commit " + commitIndex);
        }
        appliedIndex = Math.max(appliedIndex, index);
    }

    /** Discards entries up to {@code index}, which the application has snapshotted (§7). */
    void compactTo(long index, long term) {
        if (!(index <= appliedIndex)) {
            throw Invariants.violated("compact " + index + " beyond applied " + appliedIndex);
        }
        if (!(index > startIndex)) {
            throw Invariants.violated("compact " + index + " not after log start " + startIndex);
        }
        entries.subList(0, (int) (index - startIndex)).clear();
        startIndex = index;
        startTerm = term;
    }

    /**
     * Installs a snapshot received from the leader (§7): entries after it are kept only if the
     * log contains the snapshot's last entry; otherwise the whole log is replaced.
     */
    void installSnapshot(long index, long term) {
        if (index > startIndex && index <= lastIndex() && termAt(index) == term) {
            entries.subList(0, (int) (index - startIndex)).clear();
            persistedIndex = Math.max(persistedIndex, index);
        } else {
            // Nothing of ours survives, durable or not: the snapshot is all there is.
            entries.clear();
            persistedIndex = index;
        }
        startIndex = index;
        startTerm = term;
        commitIndex = Math.max(commitIndex, index);
        appliedIndex = Math.max(appliedIndex, index);
    }

    /** Entries not yet durable, to hand to the driver. */
    List<Entry> unpersistedEntries() {
        if (persistedIndex >= lastIndex()) {
            return List.of();
        }
        return new ArrayList<>(entries.subList((int) (Math.max(persistedIndex, startIndex) - startIndex),
                entries.size()));
    }

    /** Committed entries not yet handed to the application, at most {@code maxCount}. */
    /**
     * The committed entries after the applied index, at most {@code maxCount} of them and, after the first, at
     * most {@code maxBytes} of payload in all (the first is always included, however large).
     */
    List<Entry> committedUnapplied(int maxCount, long maxBytes) {
        if (appliedIndex >= commitIndex) {
            return List.of();
        }
        long to = Math.min(commitIndex, appliedIndex + maxCount);
        List<Entry> result = new ArrayList<>();
        long bytes = 0;
        for (int i = (int) (appliedIndex - startIndex); i < (int) (to - startIndex); i++) {
            Entry entry = entries.get(i);
            bytes += entry.data().length;
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    @Override
    public String toString() {
        return "RaftLog{start=" + startIndex + "@" + startTerm + ", last=" + lastIndex()
                + ", persisted=" + persistedIndex + ", commit=" + commitIndex + ", applied=" + appliedIndex + "}";
    }
}
