package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import java.util.List;

/** The parts of {@link LogStore#write} semantics that every implementation shares. */
final class LogWriteRules {

    private LogWriteRules() {
    }

    /**
     * The batch's entries that lie after the log start in effect once the batch's own snapshot (if any)
     * is installed. Entries at or below it are committed and covered by a snapshot, so dropping them
     * loses nothing; storing them would put entries before the log's first index.
     */
    static List<Entry> entriesAfterStart(PersistBatch batch, long storedStartIndex) {
        long startIndex = batch.snapshot() == null
                ? storedStartIndex : Math.max(storedStartIndex, batch.snapshot().index());
        List<Entry> entries = batch.entries();
        int skip = 0;
        while (skip < entries.size() && entries.get(skip).index() <= startIndex) {
            skip++;
        }
        return entries.subList(skip, entries.size());
    }

    /** A batch that starts beyond the end of the log would leave a hole: a bug in the caller. */
    static void requireNoGap(long firstNewIndex, long lastStoredIndex) {
        if (firstNewIndex > lastStoredIndex + 1) {
            throw new IllegalArgumentException("entries starting at " + firstNewIndex
                    + " would leave a gap after the last stored index " + lastStoredIndex);
        }
    }
}
