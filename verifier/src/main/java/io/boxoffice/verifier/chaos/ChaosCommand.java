package io.boxoffice.verifier.chaos;

import io.boxoffice.testkit.network.NetworkLab;
import io.boxoffice.testkit.node.BookingNodeApp;
import io.boxoffice.verifier.check.CheckReport;
import io.boxoffice.verifier.check.ClientOperation;
import io.boxoffice.verifier.check.HistoryChecker;
import io.boxoffice.verifier.check.HistoryJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The verifier's entry point, {@code scripts/chaos.sh}: start a throw-away cluster of real booking nodes in
 * network namespaces, run concurrent clients against a few hot seats while a nemesis kills, pauses,
 * partitions, moves leadership and replaces members, then check the recorded history for linearizability
 * and the replicas for the booking invariants. Exit status 0 when everything holds, 1 when anything is
 * violated, 2 when the machine cannot run it (root, iproute2). {@code check} re-checks a recorded history;
 * {@code benchmark} is the booking cluster's half of {@code scripts/benchmark.sh}.
 */
@Command(name = ChaosCommand.COMMAND, mixinStandardHelpOptions = true,
        description = "Fault-injection run against a local cluster with a linearizability check (needs root).",
        subcommands = {ChaosCommand.Check.class, ChaosCommand.Benchmark.class})
public final class ChaosCommand implements Callable<Integer> {

    /** How a person runs the verifier (replay commands in reports name it). */
    static final String COMMAND = "scripts/chaos.sh";
    /** The heap ./boxoffice up gives a node (its NODE_JAVA_OPTS): the benchmark measures nodes as shipped. */
    static final int SHIPPED_HEAP_MEGABYTES = 224;

    @Option(names = "--members", defaultValue = "3", description = "Cluster size: 3 or 5 (default ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--duration", defaultValue = "60s",
            description = "How long clients and nemesis run: 90s, 30m, 1h (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--seed", description = "Fixes the fault plan and the clients' choices (default: random, printed).")
    Long seed;

    @Option(names = "--seats", defaultValue = "6", description = "Hot seats everyone fights over (default ${DEFAULT-VALUE}).")
    int seats;

    @Option(names = "--hold-millis", defaultValue = "3000",
            description = "Hold duration of the nodes; short so holds expire during the run (default ${DEFAULT-VALUE}).")
    long holdMillis;

    @Option(names = "--faults", split = ",", paramLabel = "KIND",
            description = "Fault kinds to draw from (default: all): ${COMPLETION-CANDIDATES}; 'none' for no faults.")
    List<String> faults;

    @Option(names = "--fault-millis", defaultValue = "500..4000", description = "Fault length range (default ${DEFAULT-VALUE}).")
    String faultMillis;

    @Option(names = "--gap-millis", defaultValue = "1000..4000",
            description = "Quiet gap between faults (default ${DEFAULT-VALUE}).")
    String gapMillis;

    @Option(names = "--out-dir", defaultValue = "target/chaos", description = "Run directories go here (default ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--node-jar", description = "booking-node/target/quarkus-app/quarkus-run.jar (default: found from the working directory).")
    Path nodeJar;

    @Option(names = "--java", description = "java for the nodes (default: the one running this command).")
    Path java;

    @Option(names = "--subnet", defaultValue = "42",
            description = "First choice of network lab 10.197.<subnet>.0/24; a run that finds it taken uses the "
                    + "next free one (default ${DEFAULT-VALUE}).")
    int subnet;

    @Option(names = "--node-heap-mb", defaultValue = "256", description = "-Xmx of each node (default ${DEFAULT-VALUE}).")
    int nodeHeapMegabytes;

    @Option(names = "--keep-data", description = "Keep the nodes' data directories even when the run passes.")
    boolean keepData;

    @Override
    public Integer call() {
        String unavailable = NetworkLab.unavailableReason(false);
        if (unavailable != null) {
            System.err.println(COMMAND + ": " + unavailable);
            return 2;
        }
        ChaosOptions options = options();
        ChaosResult result = new ChaosRun(options, System.out).run();
        return result.passed() ? 0 : 1;
    }

    ChaosOptions options() {
        long[] faultRange = range(faultMillis, "--fault-millis");
        long[] gapRange = range(gapMillis, "--gap-millis");
        Path jar = nodeJar != null ? nodeJar : findNodeJar();
        Path javaExecutable = java != null ? java
                : Path.of(ProcessHandle.current().info().command().orElse("java"));
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        return new ChaosOptions(members, clients, parseDuration(duration), runSeed, seats, holdMillis, faultKinds(faults),
                faultRange[0], faultRange[1], gapRange[0], gapRange[1], output.toAbsolutePath(), jar, javaExecutable,
                subnet, nodeHeapMegabytes, keepData);
    }

    static List<FaultKind> faultKinds(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of(FaultKind.values());
        }
        if (names.size() == 1 && names.getFirst().equalsIgnoreCase("none")) {
            return List.of();
        }
        return names.stream().map(name -> {
            try {
                return FaultKind.valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(new ChaosCommand()), "unknown fault '" + name
                        + "'; choose from " + Arrays.toString(FaultKind.values()));
            }
        }).toList();
    }

    /** "90s", "30m", "1h", "500ms" or plain seconds. */
    static Duration parseDuration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 90s, 30m, 1h)", e);
        }
    }

    static long[] range(String text, String option) {
        String[] parts = text.split("\\.\\.");
        try {
            long low = Long.parseLong(parts[0].strip());
            long high = parts.length > 1 ? Long.parseLong(parts[1].strip()) : low;
            return new long[] {low, high};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be MIN..MAX milliseconds, was '" + text + "'", e);
        }
    }

    /** The booking-node jar: -Dboxoffice.node.jar (scripts/chaos.sh sets it), else from the working directory up. */
    static Path findNodeJar() {
        try {
            return BookingNodeApp.jar();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage() + "; or pass --node-jar", e);
        }
    }

    /** {@code scripts/chaos.sh check HISTORY}: re-check a recorded history without a cluster. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a recorded history.jsonl for linearizability (per seat) and lost writes.")
    static final class Check implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "HISTORY", description = "history.jsonl of a chaos run")
        Path history;

        @Option(names = "--hold-millis", defaultValue = "3000",
                description = "Hold duration the cluster ran with (default ${DEFAULT-VALUE}).")
        long holdMillis;

        @Option(names = "--skew-millis", defaultValue = "" + ChaosRun.CLOCK_SKEW_MILLIS,
                description = "Allowed disagreement of leader and client clocks (default ${DEFAULT-VALUE}).")
        long skewMillis;

        @Option(names = "--unknown-horizon-millis", defaultValue = "" + ChaosRun.UNKNOWN_EFFECT_HORIZON_MILLIS,
                description = "How long after the client gave up a lost write may still take effect; 0 = unbounded "
                        + "(slower, never stricter) (default ${DEFAULT-VALUE}).")
        long unknownHorizonMillis;

        @Override
        public Integer call() {
            List<ClientOperation> operations = HistoryJson.read(history);
            CheckReport report = HistoryChecker.of(holdMillis, skewMillis, unknownHorizonMillis,
                    ChaosRun.SEARCH_STEPS_MAX_PER_SEAT).check(operations);
            System.out.println(report.summary());
            return report.passed() ? 0 : 1;
        }
    }

    /**
     * {@code scripts/chaos.sh benchmark}: the booking cluster's numbers for scripts/benchmark.sh, on a fresh
     * 3-member cluster in network namespaces (fsync on): bookings/s and latency per client count, failover
     * time after SIGKILL of the leader, and the cost of a graceful leader stop (SIGTERM).
     */
    @Command(name = "benchmark", mixinStandardHelpOptions = true,
            description = "Throughput, failover and graceful-stop numbers of a 3-node cluster (needs root).")
    static final class Benchmark implements Callable<Integer> {

        @Option(names = "--clients", split = ",", defaultValue = "1,16,64", description = "Client counts (default ${DEFAULT-VALUE}).")
        List<Integer> clients;

        @Option(names = "--warmup-seconds", defaultValue = "5", description = "Unmeasured seconds before each level.")
        int warmupSeconds;

        // The nodes are JVMs: their first tens of thousands of bookings run interpreted or C1 code. Measured cold,
        // the 1-client level (the first) gave 226 bookings/s and the same level after the others 592/s (2026-12-07).
        @Option(names = "--start-warmup-seconds", defaultValue = "0", description = "Unmeasured seconds at the"
                + " largest client count before the first level (JIT warm-up; default ${DEFAULT-VALUE}).")
        int startWarmupSeconds;

        @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per client count.")
        int seconds;

        @Option(names = "--failover-trials", defaultValue = "20")
        int failoverTrials;

        @Option(names = "--graceful-trials", defaultValue = "5")
        int gracefulTrials;

        // 40 shows (62,400 seats) sold out during the 64-client level once bookings ran at ~1,300/s (2026-12-07
        // 19:46): the bench books seats in order and wraps around, so the rest were FAILED_PRECONDITION, seat taken.
        @Option(names = "--shows", defaultValue = "400", description = "Shows of 1,560 seats to book (default"
                + " ${DEFAULT-VALUE}: 624,000 seats, ~8 minutes at 1,300 bookings/s).")
        int shows;

        @Option(names = "--node-jar")
        Path nodeJar;

        @Option(names = "--out-dir", defaultValue = "target/benchmark")
        Path output;

        @Option(names = "--subnet", defaultValue = "43")
        int subnet;

        @Override
        public Integer call() {
            String unavailable = NetworkLab.unavailableReason(false);
            if (unavailable != null) {
                System.err.println(COMMAND + " benchmark: " + unavailable);
                return 2;
            }
            Path directory = output.toAbsolutePath().resolve("cluster-" + System.currentTimeMillis());
            LocalCluster.Settings settings = new LocalCluster.Settings(3, subnet, directory,
                    nodeJar != null ? nodeJar : findNodeJar(),
                    Path.of(ProcessHandle.current().info().command().orElse("java")), 600_000, 1_000,
                    SHIPPED_HEAP_MEGABYTES, true);
            try (LocalCluster cluster = new LocalCluster(settings)) {
                cluster.start();
                cluster.awaitReady(Duration.ofSeconds(180));
                ClusterBenchmark benchmark = new ClusterBenchmark(cluster, System.out);
                int users = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
                benchmark.prepare(Math.max(users, 8), shows);
                if (startWarmupSeconds > 0) {
                    System.out.printf("booking warm-up clients=%d seconds=%d bookings=%d%n", users, startWarmupSeconds,
                            benchmark.warmUp(users, Duration.ofSeconds(startWarmupSeconds)));
                }
                for (int count : clients) {
                    System.out.println(benchmark.throughput(count, Duration.ofSeconds(warmupSeconds),
                            Duration.ofSeconds(seconds)));
                }
                if (failoverTrials > 0) {
                    List<Long> failovers = benchmark.failover(failoverTrials);
                    System.out.printf("failover trials=%d p50_ms=%d p99_ms=%d max_ms=%d all_ms=%s%n", failovers.size(),
                            ClusterBenchmark.percentile(failovers, 50), ClusterBenchmark.percentile(failovers, 99),
                            ClusterBenchmark.percentile(failovers, 100), failovers);
                }
                if (gracefulTrials > 0) {
                    var trials = benchmark.gracefulStop(gracefulTrials, 8);
                    System.out.printf("graceful trials=%d failed_operations=%d failed_attempts=%d "
                                    + "longest_gap_ms_max=%d longest_gap_ms_all=%s%n", trials.size(),
                            trials.stream().mapToLong(ClusterBenchmark.GracefulTrial::operationsFailed).sum(),
                            trials.stream().mapToLong(ClusterBenchmark.GracefulTrial::attemptsFailed).sum(),
                            trials.stream().mapToLong(ClusterBenchmark.GracefulTrial::longestGapMillis).max().orElse(-1),
                            trials.stream().map(ClusterBenchmark.GracefulTrial::longestGapMillis).toList());
                }
            }
            LabNode.deleteRecursively(directory.resolve("data"));
            return 0;
        }
    }

    /** {@code java -jar verifier/target/boxoffice-verifier-<version>.jar ...}, which scripts/chaos.sh runs. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosCommand()).execute(args));
    }
}
