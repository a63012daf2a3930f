package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.storage.PersistentState;
import java.util.List;

/** What one member's log store holds durably at a moment, with index arithmetic for the checkers. */
record DurableView(PersistentState state) {

    HardState hardState() {
        return state.hardState();
    }

    long startIndex() {
        return state.logStartIndex();
    }

    long lastIndex() {
        return startIndex() + state.entries().size();
    }

    long snapshotIndex() {
        return state.snapshot() == null ? 0 : state.snapshot().index();
    }

    List<Entry> entries() {
        return state.entries();
    }

    /** The stored entry at {@code index}, or {@code null} when it is compacted or beyond the log. */
    Entry entryAt(long index) {
        if (index <= startIndex() || index > lastIndex()) {
            return null;
        }
        return state.entries().get((int) (index - startIndex() - 1));
    }

    /** Term at {@code index}: of the log start at the start, -1 when unknown. */
    long termAt(long index) {
        if (index == startIndex()) {
            return state.logStart() == null ? 0 : state.logStart().term();
        }
        Entry entry = entryAt(index);
        return entry == null ? -1 : entry.term();
    }

    /**
     * Whether this member durably holds {@code entry}: stored as is, or compacted away (only applied, hence
     * committed, entries are ever compacted).
     */
    boolean holds(Entry entry) {
        return entry.index() <= startIndex() || entry.equals(entryAt(entry.index()));
    }
}
