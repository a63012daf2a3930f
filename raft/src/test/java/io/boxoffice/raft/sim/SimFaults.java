package io.boxoffice.raft.sim;

import java.util.Random;

/**
 * The faults a simulated cluster can suffer, and the one schedule that picks them: the core simulation
 * ({@link SimCluster}) and the driver simulation ({@code sim.driver.DriverSimCluster}) share it, so that both see the
 * same mix and a new fault kind reaches both.
 */
public interface SimFaults {

    /** A GC pause or SIGSTOP of the leader: frozen, then it catches up (its lease must have run out meanwhile). */
    void pauseLeader();

    void pauseRandomNode();

    void crashLeader();

    void isolateLeader();

    void crashRandomNode();

    void partitionRandomly();

    void cutOneWayLink();

    void heal();

    void transferLeadershipRandomly();

    void changeMembershipRandomly();

    /** New message loss, duplication and delay rates, drawn from {@code schedule}. */
    void degradeNetwork(Random schedule);

    void restartEveryone();

    /** Injects one fault drawn from {@code schedule}: the mix of faults of every simulation. */
    static void injectOne(SimFaults cluster, Random schedule) {
        int pick = schedule.nextInt(125);
        if (pick >= 115) {
            if (pick < 120) {
                cluster.pauseLeader();
            } else {
                cluster.pauseRandomNode();
            }
        } else if (pick >= 100) {
            if (pick < 108) {
                cluster.crashLeader();
            } else {
                cluster.isolateLeader();
            }
        } else if (pick < 20) {
            cluster.crashRandomNode();
        } else if (pick < 32) {
            cluster.partitionRandomly();
        } else if (pick < 40) {
            cluster.cutOneWayLink();
        } else if (pick < 58) {
            cluster.heal();
        } else if (pick < 68) {
            cluster.transferLeadershipRandomly();
        } else if (pick < 80) {
            cluster.changeMembershipRandomly();
        } else if (pick < 90) {
            cluster.degradeNetwork(schedule);
        } else {
            cluster.restartEveryone();
        }
    }
}
