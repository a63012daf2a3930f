package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Snapshot;
import java.util.Optional;

/**
 * Stable storage for one Raft node: hard state, log entries, the latest snapshot and the member id.
 *
 * <p>Threading: every method is called from the single driver thread, except {@link #close()},
 * which may come from a shutdown thread after the driver stopped. Implementations need not be
 * thread-safe beyond that.
 *
 * <p>Failure: every method throws {@link io.boxoffice.raft.errors.StorageException} when the
 * underlying storage fails. The caller must then stop the node; after such an exception nothing is
 * known about what became durable except what an earlier, successful call made durable.
 */
public interface LogStore extends AutoCloseable {

    /**
     * Reads everything persisted so far. Called once, before any write.
     * Entries returned are contiguous and start right after the snapshot's index (or at 1).
     */
    PersistentState load();

    /**
     * Applies one batch atomically: after a crash either all of it is visible or none of it.
     * In order: the snapshot (if any) replaces every entry up to its index, and all entries if the
     * log does not contain the snapshot's last entry; then each given entry replaces any stored
     * entry at the same or a higher index; then the hard state (if any) replaces the stored one.
     * When {@code batch.sync()} is set, returns only once the batch is durable (fsync).
     */
    void write(PersistBatch batch);

    /**
     * Stores a snapshot the local state machine took, then deletes the entries it covers
     * (log compaction, §7). Entries after the snapshot's index are kept. Durable on return.
     */
    void saveSnapshot(Snapshot snapshot);

    /** The member id this volume belongs to, if one was recorded. */
    Optional<String> memberId();

    /** Records the member id of this volume, durably. */
    void saveMemberId(String memberId);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
