package io.boxoffice.raft.sim;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.RaftConfig;
import io.boxoffice.raft.core.RaftNode;
import java.util.Random;

/** One simulated server: a disk that survives crashes, and a RaftNode plus state machine that do not. */
final class SimNode {
    final String id;
    final SimDisk disk = new SimDisk();
    RaftNode raft;
    SimStateMachine stateMachine;
    /** Membership as of the state machine's applied index, recorded in the snapshots this node takes. */
    Configuration appliedConfiguration;
    int appliedSinceSnapshot;
    long restartAtMillis = -1;
    /** Bumped by every start, so work begun by an earlier incarnation (a snapshot copy) is ignored. */
    int incarnation;
    /** A snapshot copied from a leader, waiting to be installed (lost in a crash, like a partial file). */
    byte[] copiedSnapshotData;
    /** The configuration this node was first started with; a restart passes it again, as a real
     *  deployment passes the same static peer list every time. */
    Configuration bootstrap = Configuration.EMPTY;
    /**
     * While paused (a GC pause, a SIGSTOP): no ticks, no messages handled, no Ready processed; messages wait.
     * On resume the node catches up on ticks as the real driver does. -1: not paused.
     */
    long pausedUntilMillis = -1;
    long pausedAtMillis;

    SimNode(String id) {
        this.id = id;
    }

    boolean isUp() {
        return raft != null;
    }

    /** Up and not paused: handles messages, ticks and Readies. */
    boolean isRunning() {
        return isUp() && pausedUntilMillis < 0;
    }

    void start(RaftConfig config, Random random, Configuration bootstrap) {
        this.bootstrap = bootstrap;
        incarnation++;
        copiedSnapshotData = null;
        raft = new RaftNode(config, random::nextInt, disk.recover(bootstrap));
        stateMachine = new SimStateMachine();
        appliedConfiguration = disk.logStart == null ? bootstrap : disk.logStart.configuration();
        if (disk.snapshot != null) {
            stateMachine.restore(disk.snapshotData);
            appliedConfiguration = disk.snapshot.configuration();
        }
        appliedSinceSnapshot = 0;
    }

    void crash() {
        pausedUntilMillis = -1;
        raft = null;
        stateMachine = null;
        copiedSnapshotData = null;
    }
}
