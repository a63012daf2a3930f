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
    int appliedSinceSnapshot;
    long restartAtMillis = -1;
    /** The configuration this node was first started with; a restart passes it again, as a real
     *  deployment passes the same static peer list every time. */
    Configuration bootstrap = Configuration.EMPTY;

    SimNode(String id) {
        this.id = id;
    }

    boolean isUp() {
        return raft != null;
    }

    void start(RaftConfig config, Random random, Configuration bootstrap) {
        this.bootstrap = bootstrap;
        raft = new RaftNode(config, random::nextInt, disk.recover(bootstrap));
        stateMachine = new SimStateMachine();
        if (disk.snapshot != null) {
            stateMachine.restore(disk.snapshot.data());
        }
        appliedSinceSnapshot = 0;
    }

    void crash() {
        raft = null;
        stateMachine = null;
    }
}
