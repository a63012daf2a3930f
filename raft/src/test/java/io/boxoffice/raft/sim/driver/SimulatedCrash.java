package io.boxoffice.raft.sim.driver;

/**
 * Kills a simulated member's process at the point where it is thrown (inside a write, a send or an apply). An
 * {@link Error}, so that nothing in the driver catches it on its way out of {@code runOnce}; the simulation then
 * throws the member's process state away and keeps only its disk.
 */
final class SimulatedCrash extends Error {

    SimulatedCrash(String where) {
        super(where, null, false, false);
    }
}
