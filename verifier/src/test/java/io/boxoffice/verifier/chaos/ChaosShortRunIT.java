package io.boxoffice.verifier.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.testkit.network.NetworkLab;

import io.boxoffice.verifier.check.CheckReport;
import io.boxoffice.verifier.check.ClientOperation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short fault schedule CI runs: real booking-node processes in network namespaces, concurrent clients on
 * a few hot seats, a nemesis, and the full check. A failing run keeps its history, nemesis log, report and
 * node logs under {@code verifier/target/chaos/<run>/}; the report says how to replay it.
 *
 * <p>Needs the packaged booking node (the reactor builds it before this module's integration tests) and
 * root for the network namespaces; without either the tests are skipped with the reason.
 */
class ChaosShortRunIT {

    /** Every fault but the volume losses (see {@link #a_pod_on_a_lost_volume_rejoins_as_a_new_member}). */
    private static final List<FaultKind> FAULTS = List.of(FaultKind.KILL, FaultKind.KILL_LEADER, FaultKind.KILL_ALL,
            FaultKind.PAUSE, FaultKind.PAUSE_LEADER, FaultKind.ISOLATE_LEADER, FaultKind.PARTITION_HALVES,
            FaultKind.PARTITION_BRIDGE, FaultKind.TRANSFER_LEADERSHIP);

    private static Path nodeJar;

    @BeforeAll
    static void requireNodeAndRoot() {
        Path root = Path.of(System.getProperty("boxoffice.repo.root", "..")).toAbsolutePath().normalize();
        nodeJar = root.resolve("booking-node/target/quarkus-app/quarkus-run.jar");
        Assumptions.assumeTrue(Files.isRegularFile(nodeJar) && Files.isRegularFile(
                        root.resolve("booking-node/target/quarkus-app/app/boxoffice-booking-node-0.1.0-SNAPSHOT.jar")),
                "SKIPPED: the booking node is not packaged (" + nodeJar + "); build it with "
                        + "./mvnw -pl booking-node -am package -DskipTests");
        String unavailable = NetworkLab.unavailableReason(false);
        Assumptions.assumeTrue(unavailable == null, "SKIPPED: " + unavailable);
    }

    private static ChaosResult run(int members, int clients, Duration duration, long seed, List<FaultKind> faults,
                                   int subnet) {
        // Twelve hot seats keep each seat's history small enough for the checker to decide within its
        // budget on an idle machine too (a faster machine produces more operations per seat).
        ChaosOptions options = new ChaosOptions(members, clients, duration, seed, 12, 3_000, faults, 500, 3_000, 1_000,
                3_000, Path.of("target/chaos").toAbsolutePath(), nodeJar,
                Path.of(ProcessHandle.current().info().command().orElse("java")), subnet, 256, false);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ChaosResult result = new ChaosRun(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
        System.out.print(console.toString(StandardCharsets.UTF_8));
        return result;
    }

    private static void assertPassedWithFaults(ChaosResult result, int faultsMin) {
        // Any violation (linearizability, a seat sold twice, a lost acknowledged write, diverged replicas)
        // fails the run, and so does a seat the checker could not decide: every seat must be proven.
        CheckReport report = result.report();
        assertThat(report.violations()).as("violations; see %s/report.md\n%s", result.directory(), report.summary())
                .isEmpty();
        assertThat(result.nemesisFailure()).as("nemesis failure").isEmpty();
        assertThat(report.inconclusivePartitions()).as("seats left undecided; see %s/report.md\n%s",
                result.directory(), report.summary()).isZero();
        assertThat(result.faults()).as("faults injected").hasSizeGreaterThanOrEqualTo(faultsMin);
        // A floor that keeps the history meaningful, not a speed check: five JVMs on two busy cores acknowledge
        // 250-900 operations in 25 s, so the floor sits well below that.
        assertThat(result.history().stream().filter(ClientOperation::isOk).count()).as("acknowledged operations")
                .isGreaterThan(150);
        assertThat(result.history().stream().filter(o -> o.isOk() && o.type() == ClientOperation.Type.BOOK_SEATS))
                .as("bookings").isNotEmpty();
        assertThat(result.replicas()).allSatisfy(replica -> assertThat(replica.stateHash()).isNotEmpty());
        assertThat(result.directory().resolve("history.jsonl")).isRegularFile();
        assertThat(result.directory().resolve("nemesis.jsonl")).isRegularFile();
    }

    @Test
    void three_nodes_stay_linearizable_under_kills_pauses_partitions_and_transfers() {
        assertPassedWithFaults(run(3, 4, Duration.ofSeconds(25), 7001, FAULTS, 61), 4);
    }

    @Test
    void five_nodes_stay_linearizable_under_kills_pauses_partitions_and_transfers() {
        assertPassedWithFaults(run(5, 4, Duration.ofSeconds(25), 7002, FAULTS, 62), 4);
    }

    /**
     * A pod restarted on an empty volume (after an operator's RemoveMember, or with nobody's help) comes back as a
     * new member {@code <pod>~<generation>}, catches up, becomes a voter, and the old member id leaves the
     * configuration; the run records a violation if any of that does not happen.
     */
    @Test
    void a_pod_on_a_lost_volume_rejoins_as_a_new_member() {
        // Seed 7012 plans REPLACE_MEMBER, LOST_VOLUME, REPLACE_MEMBER, ...: both kinds within the run, and the
        // second replacement removes a member id that already carries a volume generation.
        ChaosResult result = run(3, 4, Duration.ofSeconds(40), 7012,
                List.of(FaultKind.REPLACE_MEMBER, FaultKind.LOST_VOLUME), 63);
        assertPassedWithFaults(result, 2);
        assertThat(result.faults()).extracting(fault -> fault.planned().kind()).as("fault kinds injected")
                .contains(FaultKind.REPLACE_MEMBER, FaultKind.LOST_VOLUME);
        assertThat(result.faults()).filteredOn(fault -> fault.planned().kind() == FaultKind.REPLACE_MEMBER)
                .first().satisfies(fault -> assertThat(fault.targets()).as("the pod's new member id")
                        .matches("n[0-9] \\(removed, volume lost\\) -> n[0-9]~[1-9][0-9]*"));
    }
}
