package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.server.RaftServer;
import io.boxoffice.raft.server.SteppedRaftServer;
import io.boxoffice.raft.storage.SnapshotStore;

/**
 * One simulated member: a disk that survives crashes, and the process that does not (a real {@link RaftServer} whose
 * real driver loop the simulation steps, with its log store handle, snapshot store and state machine).
 */
final class DriverSimNode {

    final String id;
    final NodeDisk disk;
    /** Passed again at every start, as a real deployment passes the same static peer list. */
    final Configuration bootstrap;
    final HashKvStateMachine.Durability durability;

    // The running process; all null while the member is down.
    RaftServer<HashKvStateMachine.Applied> server;
    SteppedRaftServer.Stepper driver;
    CrashableLogStore store;
    SnapshotStore snapshots;
    HashKvStateMachine machine;

    /** Bumped by every start: work begun by an earlier process (a snapshot write, a copy) is dropped. */
    int incarnation;
    /** This process's clock: an offset, and a rate within the written drift assumption (see {@code clockNanos}). */
    long clockOffsetNanos;
    long clockNanosPerMilli = 1_000_000;
    /** Snapshot writes handed to the snapshot executor and not run yet. */
    int pendingSnapshotWrites;
    long restartAtMillis = -1;
    /** While paused (a GC pause, SIGSTOP) nothing of the process runs; -1: not paused. */
    long pausedUntilMillis = -1;
    long pausedAtMillis;

    DriverSimNode(String id, NodeDisk disk, Configuration bootstrap, HashKvStateMachine.Durability durability) {
        this.id = id;
        this.disk = disk;
        this.bootstrap = bootstrap;
        this.durability = durability;
    }

    /** What this process's clock reads at simulated time {@code nowMillis}. */
    long clockNanos(long nowMillis) {
        return nowMillis * clockNanosPerMilli + clockOffsetNanos;
    }

    boolean isUp() {
        return server != null;
    }

    boolean isRunning() {
        return isUp() && pausedUntilMillis < 0;
    }

    RaftStatus status() {
        return server.status();
    }

    /** The process is gone (crashed or shut down). */
    void forgetProcess() {
        server = null;
        driver = null;
        store = null;
        snapshots = null;
        machine = null;
        pendingSnapshotWrites = 0;
        pausedUntilMillis = -1;
    }
}
