package io.boxoffice.verifier.chaos;

import io.boxoffice.verifier.check.CheckReport;
import io.boxoffice.verifier.check.ClientOperation;
import io.boxoffice.verifier.check.ReplicaSnapshot;
import java.nio.file.Path;
import java.util.List;

/**
 * What a chaos run did and found.
 *
 * @param options        how it was run
 * @param runId          name of its directory
 * @param directory      where history, nemesis log, report and node logs are
 * @param history        every client operation
 * @param faults         every fault injected
 * @param replicas       the nodes' final states
 * @param report         the checker's findings
 * @param nemesisFailure a failure of the harness's nemesis itself, empty if none
 */
public record ChaosResult(ChaosOptions options, String runId, Path directory, List<ClientOperation> history,
                          List<FaultRecord> faults, List<ReplicaSnapshot> replicas, CheckReport report,
                          String nemesisFailure) {

    /** Passed: no violation, every seat decided, and the nemesis did what it planned. */
    public boolean passed() {
        return report.passed() && nemesisFailure.isEmpty();
    }
}
