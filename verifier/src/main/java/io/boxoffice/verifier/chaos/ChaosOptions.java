package io.boxoffice.verifier.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything that defines a chaos run. The seed fixes the fault plan and every client's choices; the
 * cluster's timing (elections, scheduling) still varies, so a replay repeats the faults, not the exact
 * interleaving.
 *
 * @param members            bootstrap members: 3 or 5
 * @param clients            concurrent clients (each its own user)
 * @param duration           how long the workload and the nemesis run
 * @param seed               fixes the fault plan and the clients' choices
 * @param hotSeats           seats of the run's show; every client fights over these
 * @param holdDurationMillis hold duration the nodes enforce (short, so holds expire during the run)
 * @param faults             fault kinds the nemesis draws from; empty: no faults
 * @param faultMillisMin     shortest fault
 * @param faultMillisMax     longest fault
 * @param gapMillisMin       shortest quiet gap between faults
 * @param gapMillisMax       longest quiet gap
 * @param outputDirectory    where the run directory is created ({@code <output>/<run id>})
 * @param nodeJar            booking-node/target/quarkus-app/quarkus-run.jar
 * @param javaExecutable     java that runs the nodes
 * @param subnet             network lab number (10.197.<subnet>.0/24); distinct concurrent runs need distinct ones
 * @param nodeHeapMegabytes  -Xmx of each node
 * @param keepData           keep the nodes' data directories even when the run passes
 */
public record ChaosOptions(int members, int clients, Duration duration, long seed, int hotSeats,
                           long holdDurationMillis, List<FaultKind> faults, long faultMillisMin, long faultMillisMax,
                           long gapMillisMin, long gapMillisMax, Path outputDirectory, Path nodeJar,
                           Path javaExecutable, int subnet, int nodeHeapMegabytes, boolean keepData) {

    public ChaosOptions {
        faults = List.copyOf(faults);
        StringBuilder problems = new StringBuilder();
        if (members != 3 && members != 5) {
            problems.append("\n  --members must be 3 or 5, was ").append(members);
        }
        if (clients < 1 || clients > 64) {
            problems.append("\n  --clients must be 1..64, was ").append(clients);
        }
        if (hotSeats < 2 || hotSeats > 60) {
            problems.append("\n  --seats must be 2..60 (one row), was ").append(hotSeats);
        }
        if (holdDurationMillis < 1000) {
            problems.append("\n  --hold-millis must be at least 1000, was ").append(holdDurationMillis);
        }
        if (duration.isNegative() || duration.isZero()) {
            problems.append("\n  --duration must be positive");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid chaos options:" + problems);
        }
    }

    /** Expiry interval of the nodes: a quarter of the hold duration, at most one second. */
    public long expireHoldsIntervalMillis() {
        return Math.min(1000, holdDurationMillis / 4);
    }

    public NemesisSchedule schedule() {
        return new NemesisSchedule(seed, faults, duration.toMillis(), faultMillisMin, faultMillisMax, gapMillisMin,
                gapMillisMax);
    }
}
