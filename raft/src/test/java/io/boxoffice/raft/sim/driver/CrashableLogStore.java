package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.PersistBatch;
import io.boxoffice.raft.storage.PersistentState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One process's handle on a member's log store. A synced write reaches the disk (the member's
 * {@code InMemoryLogStore}) before it returns; an unsynced one waits in this process's memory until the next synced
 * write or compaction, and a crash keeps only a prefix of those (a write-ahead log keeps order). A write can crash the
 * process before the batch reaches the disk or after it did but before {@code write} returned. After the crash the
 * handle refuses every call: a zombie write from a dead process would be a bug in the simulation.
 */
final class CrashableLogStore implements LogStore {

    /** Decides whether the process dies at a named point; throws {@link SimulatedCrash} if so. */
    @FunctionalInterface
    interface CrashPoints {
        void maybeCrash(String where);
    }

    private final NodeDisk disk;
    private final CrashPoints crashPoints;
    private final List<PersistBatch> unsynced = new ArrayList<>();
    private boolean dead;
    private boolean closed;
    private long syncedWrites;

    CrashableLogStore(NodeDisk disk, CrashPoints crashPoints) {
        this.disk = disk;
        this.crashPoints = crashPoints;
    }

    long syncedWrites() {
        return syncedWrites;
    }

    @Override
    public PersistentState load() {
        ensureUsable();
        return disk.log.load();
    }

    @Override
    public void write(PersistBatch batch) {
        ensureUsable();
        if (!batch.sync()) {
            unsynced.add(batch);
            return;
        }
        crashPoints.maybeCrash("before the synced write of " + describe(batch) + " reached the disk");
        flushUnsynced();
        disk.log.write(batch);
        disk.changed();
        syncedWrites++;
        crashPoints.maybeCrash("after the synced write of " + describe(batch) + ", before write() returned");
    }

    @Override
    public void compact(SnapshotMeta snapshot, LogStart newStart) {
        ensureUsable();
        crashPoints.maybeCrash("before recording snapshot " + snapshot.index() + " in the log store");
        flushUnsynced();
        disk.log.compact(snapshot, newStart);
        disk.changed();
        crashPoints.maybeCrash("after recording snapshot " + snapshot.index() + ", before compact() returned");
    }

    @Override
    public Optional<String> memberId() {
        ensureUsable();
        return disk.log.memberId();
    }

    @Override
    public void saveMemberId(String memberId) {
        ensureUsable();
        disk.log.saveMemberId(memberId);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The process died: a prefix of the unsynced writes made it to the disk, the rest is lost. */
    void crash(Random random) {
        int kept = unsynced.isEmpty() ? 0 : random.nextInt(unsynced.size() + 1);
        for (PersistBatch batch : unsynced.subList(0, kept)) {
            disk.log.write(batch);
        }
        unsynced.clear();
        disk.changed();
        dead = true;
    }

    private void flushUnsynced() {
        for (PersistBatch batch : unsynced) {
            disk.log.write(batch);
        }
        unsynced.clear();
    }

    private void ensureUsable() {
        if (dead) {
            throw new AssertionError("a crashed process of " + disk.memberId + " used its log store");
        }
        if (closed) {
            throw new AssertionError("the log store of " + disk.memberId + " was used after close()");
        }
    }

    private static String describe(PersistBatch batch) {
        return batch.entries().size() + " entries" + (batch.hardState() == null ? "" : ", " + batch.hardState())
                + (batch.snapshot() == null ? "" : ", snapshot " + batch.snapshot().index());
    }
}
