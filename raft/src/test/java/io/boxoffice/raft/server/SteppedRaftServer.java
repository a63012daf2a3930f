package io.boxoffice.raft.server;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Test access to a {@link RaftServer} whose driver loop is stepped by the caller instead of running on its own
 * thread: the deterministic driver simulation ({@code io.boxoffice.raft.sim.driver}) recovers each member through
 * the real {@link RaftServer} and then calls the real {@link RaftDriver#runOnce} at simulated times.
 */
public final class SteppedRaftServer {

    private SteppedRaftServer() {
    }

    /** One member's driver loop, run by the caller. */
    @FunctionalInterface
    public interface Stepper {
        /** One iteration at {@code nowNanos}; returns whether work is still waiting. */
        boolean runOnce(long nowNanos);
    }

    /**
     * Recovers {@code server} from its store, state machine and snapshot files and starts its transport, exactly as
     * {@link RaftServer#start()} does, but starts no thread: time comes from {@code clock} and snapshot files are
     * written by tasks handed to {@code snapshotWork}.
     */
    public static Stepper start(RaftServer<?> server, LongSupplier clock, Executor snapshotWork) {
        RaftDriver driver = server.startDriver(clock, snapshotWork);
        return driver::runOnce;
    }
}
