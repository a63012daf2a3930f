package io.boxoffice.raft.sim.driver;

/** A violated property in a driver simulation run, with the seed that replays it and the events before it. */
final class DriverSimulationFailure extends AssertionError {

    final long seed;

    DriverSimulationFailure(long seed, String violation, String state, String trace, Throwable cause) {
        super(violation + "\n  nodes:" + state + "\n  replay with: " + replayCommand(seed)
                + "\n  (add -Ddriversim.log=true for the driver's own log)\n  last events:\n" + trace, cause);
        this.seed = seed;
    }

    static String replayCommand(long seed) {
        return "./mvnw -pl raft -am test -Dtest=DriverSimulationTest#replay -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Ddriversim.seed=" + seed;
    }
}
