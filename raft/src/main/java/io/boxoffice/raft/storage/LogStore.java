package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import java.util.Optional;

/**
 * Stable storage for one Raft node's log: hard state, log entries, where the log starts after
 * compaction, the meta of the latest snapshot (its bytes are files of a {@link SnapshotStore}) and the
 * member id of the volume.
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
     * Reads everything persisted so far. Called once, before any write. Entries returned are
     * contiguous and start right after the log start (or at 1).
     */
    PersistentState load();

    /**
     * Applies one batch atomically: after a crash either all of it is visible or none of it.
     * In order: a snapshot (if any, newer than the stored one) becomes the latest snapshot and the log
     * start, replacing every entry up to its index, and all entries if the log does not contain the
     * snapshot's last entry; then each given entry replaces any stored entry at the same or a higher
     * index; then the hard state (if any) replaces the stored one. When {@code batch.sync()} is set,
     * returns only once the batch is durable (fsync).
     */
    void write(PersistBatch batch);

    /**
     * Records a snapshot this node took (its file is durable) as the latest one, if it is newer than the
     * stored one, and, when {@code newStart} is not {@code null}, deletes the entries up to
     * {@code newStart.index()} (log compaction, §7). Entries after it are kept. Durable on return.
     */
    void compact(SnapshotMeta snapshot, LogStart newStart);

    /** The member id this volume belongs to, if one was recorded. */
    Optional<String> memberId();

    /** Records the member id of this volume, durably. */
    void saveMemberId(String memberId);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
