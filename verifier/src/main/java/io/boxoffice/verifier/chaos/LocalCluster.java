package io.boxoffice.verifier.chaos;

import static io.boxoffice.testkit.node.MemberIds.podOf;

import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Readiness;
import io.boxoffice.testkit.network.NetworkLab;
import io.boxoffice.testkit.node.ClusterSecrets;
import io.boxoffice.testkit.process.NodeProcess;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A throw-away booking cluster of real node processes, one per pod of the test kit's {@link NetworkLab}, with
 * fresh keys and data directories under the run's work directory. Slots (1..members) are stable, each a pod
 * with a fixed name ({@code n<slot>}, the node id) and address; when the membership nemesis loses a slot's
 * volume, the pod's node comes back as a new member ({@code n<slot>~<generation>}) on its own.
 *
 * <p>Thread-safe for the calls the workload and nemesis make concurrently (lookups, status); start, stop
 * and replacement come from the nemesis thread only.
 */
final class LocalCluster implements AutoCloseable {

    static final int PEER_PORT = 7070;
    static final int CLIENT_PORT = 9000;
    static final int HTTP_PORT = 8080;
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "admin123";
    /** Health requests to a paused node must not hold up the nemesis for long. */
    private static final Duration HTTP_TIMEOUT = Duration.ofMillis(1000);
    /** Entries between two snapshots of a node (the node's default is 10,000: rarely reached in a run). */
    static final int SNAPSHOT_INTERVAL_ENTRIES = 500;
    /** Entries kept behind a snapshot for followers that are only briefly behind. */
    static final int SNAPSHOT_CATCH_UP_ENTRIES = 100;
    /** Subnets tried after the configured one when another run holds it. */
    private static final int SUBNETS_TRIED_MAX = 50;

    /**
     * @param members            bootstrap members (3 or 5)
     * @param subnet             the lab's first-choice subnet (names its namespaces)
     * @param workDirectory      keys, data directories, node logs
     * @param nodeJar            booking-node/target/quarkus-app/quarkus-run.jar
     * @param javaExecutable     the java that runs the nodes
     * @param holdDurationMillis hold duration the nodes enforce
     * @param expireHoldsIntervalMillis how often the leader expires due holds
     * @param heapMegabytes      -Xmx of each node
     * @param measured           nodes as shipped, for a benchmark: the launcher's JVM (not the small test JVM) and
     *                           the node's own snapshot settings (not the frequent snapshots a chaos run wants)
     */
    record Settings(int members, int subnet, Path workDirectory, Path nodeJar, Path javaExecutable,
                    long holdDurationMillis, long expireHoldsIntervalMillis, int heapMegabytes, boolean measured) {
    }

    private final Settings settings;
    private NetworkLab lab;
    private final Map<Integer, LabNode> nodes = new TreeMap<>();
    private final Map<Integer, NodeClient> clients = new TreeMap<>();
    private ClusterSecrets secrets;
    private volatile String adminToken = "";

    LocalCluster(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    void start() {
        lab = NetworkLab.openFirstFree(settings.subnet(), SUBNETS_TRIED_MAX, settings.workDirectory().resolve("lab"),
                false);
        secrets = ClusterSecrets.create(settings.workDirectory().resolve("secrets"));
        StringJoiner peers = new StringJoiner(",");
        for (int slot = 1; slot <= settings.members(); slot++) {
            lab.createPod(pod(slot), slot);
            peers.add(bootstrapId(slot) + "=" + peerAddress(slot));
        }
        for (int slot = 1; slot <= settings.members(); slot++) {
            LabNode node = newNode(slot, bootstrapId(slot), peers.toString());
            synchronized (this) {
                nodes.put(slot, node);
                clients.put(slot, new NodeClient(lab.address(slot), CLIENT_PORT, HTTP_PORT, HTTP_TIMEOUT));
            }
            node.start();
        }
    }

    static String bootstrapId(int slot) {
        return "n" + slot;
    }

    /** The slot's pod: its namespace and address outlive the members that run in it. */
    private static String pod(int slot) {
        return "n" + slot;
    }

    private LabNode newNode(int slot, String nodeId, String peers) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("boxoffice.node-id", nodeId);
        config.put("boxoffice.cluster-id", "chaos");
        config.put("boxoffice.peers", peers);
        config.put("boxoffice.peer-host", lab.address(slot));
        config.put("boxoffice.peer-port", Integer.toString(PEER_PORT));
        config.put("boxoffice.grpc-port", Integer.toString(CLIENT_PORT));
        config.put("boxoffice.http-port", Integer.toString(HTTP_PORT));
        Path data = settings.workDirectory().resolve("data").resolve(nodeId);
        config.put("boxoffice.data-dir", data.toString());
        config.put("boxoffice.demo-data", "true");
        config.putAll(secrets.settings());
        config.put("boxoffice.auth.password-hash-iterations", "1000");
        config.put("boxoffice.limits.hold-duration-millis", Long.toString(settings.holdDurationMillis()));
        config.put("boxoffice.limits.expire-holds-interval-millis", Long.toString(settings.expireHoldsIntervalMillis()));
        // Frequent snapshots and a short log tail: a member that was away for a few seconds, and every member
        // that rejoins on an empty volume, catches up from a snapshot file, not only from the log.
        if (!settings.measured()) {
            config.put("boxoffice.raft.snapshot-interval-entries", Integer.toString(SNAPSHOT_INTERVAL_ENTRIES));
            config.put("boxoffice.raft.snapshot-catch-up-entries", Integer.toString(SNAPSHOT_CATCH_UP_ENTRIES));
            config.put("boxoffice.raft.snapshot-min-log-ratio", "0");
        }
        NodeProcess.Builder jvm = NodeProcess.builder(nodeId).prefix(lab.inPod(pod(slot))).java(settings.javaExecutable())
                .heapMegabytes(settings.heapMegabytes());
        if (settings.measured()) {
            // What ./boxoffice up and the images run (NODE_JAVA_OPTS, MALLOC_ARENA_MAX in the launcher).
            jvm.shippedJvm().jvmOptions("-Xms64m", "-XX:MaxMetaspaceSize=160m", "-XX:-ClassUnloadingWithConcurrentMark", "-XX:+ExitOnOutOfMemoryError")
                    .environment(Map.of("MALLOC_ARENA_MAX", "2"));
        }
        NodeProcess process = jvm.jvmOptions("-Djava.net.preferIPv4Stack=true")
                .systemProperties(config).jar(settings.nodeJar())
                .logFile(settings.workDirectory().resolve("logs").resolve(nodeId + ".log")).build();
        return new LabNode(nodeId, slot, data, process);
    }

    synchronized List<Integer> slots() {
        return List.copyOf(nodes.keySet());
    }

    synchronized LabNode node(int slot) {
        return nodes.get(slot);
    }

    synchronized NodeClient client(int slot) {
        return clients.get(slot);
    }

    synchronized List<LabNode> nodes() {
        return List.copyOf(nodes.values());
    }

    String adminToken() {
        return adminToken;
    }

    String peerAddress(int slot) {
        return lab.address(slot) + ":" + PEER_PORT;
    }

    /** Drops every packet between the two groups of slots, both ways. */
    void partition(List<Integer> sideA, List<Integer> sideB) {
        lab.partition(sideA.stream().map(LocalCluster::pod).toList(), sideB.stream().map(LocalCluster::pod).toList());
    }

    /** Full connectivity again. */
    void heal() {
        lab.heal();
    }

    /** Whether the node's readiness check passes (knows a leader, applied index caught up). */
    boolean isReady(int slot) {
        return client(slot).ready();
    }

    /**
     * Waits until every running node is ready and the admin can log in; throws with the node logs' tails, or
     * at once when a node exits during start-up.
     */
    void awaitReady(Duration timeout) {
        // The demo admin appears once the leader has applied the demo data; failed logins are throttled with
        // a doubling backoff, so the attempts are spaced out the same way.
        long[] nextLoginNanos = {0};
        int[] failedLogins = {0};
        Eventually.within(timeout).pollingEvery(Duration.ofMillis(200)).abortingWhen(this::exitDuringStartUp)
                .withDiagnostics(this::logTails).until("every node ready and the admin logged in", () -> {
                    if (!nodes().stream().allMatch(node -> isReady(node.slot()))) {
                        return false;
                    }
                    if (System.nanoTime() < nextLoginNanos[0]) {
                        return false;
                    }
                    if (login()) {
                        return true;
                    }
                    failedLogins[0]++;
                    nextLoginNanos[0] = System.nanoTime() + Duration.ofMillis(Math.min(8_000,
                            500L << Math.min(4, failedLogins[0]))).toNanos();
                    return false;
                });
    }

    private String exitDuringStartUp() {
        return nodes().stream().filter(node -> !node.isAlive()).findFirst().map(node -> "node " + node.nodeId()
                + " exited during start-up; log " + node.logFile() + ":\n" + node.logTail(40)).orElse(null);
    }

    private String logTails() {
        StringBuilder logs = new StringBuilder();
        for (LabNode node : nodes()) {
            logs.append("\n--- ").append(node.logFile()).append('\n').append(node.logTail(20));
        }
        return logs.toString();
    }

    private boolean login() {
        for (int slot : slots()) {
            try {
                adminToken = client(slot).login(ADMIN_USER, ADMIN_PASSWORD);
                return true;
            } catch (StatusRuntimeException e) {
                // Try the next node; the caller retries until its deadline.
            }
        }
        return false;
    }

    /** The cluster status as one node reports it, or empty when it does not answer in time. */
    Optional<ClusterStatus> status(int slot, long deadlineMillis) {
        try {
            return Optional.of(client(slot).cluster(adminToken, deadlineMillis)
                    .getClusterStatus(GetClusterStatusRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The slot of the node that currently believes itself leader, asked directly through each node's
     * readiness check (its data carries the node's Raft role and member id): cheap, and answered by the node
     * itself, unlike the cluster status, which followers hand to the leader and which hashes the whole state.
     */
    Optional<Integer> leaderSlot() {
        for (int slot : slots()) {
            LabNode node = node(slot);
            if (node.isAlive() && !node.isPaused()) {
                Readiness readiness = client(slot).readiness();
                node.noteMemberId(readiness.nodeId());
                if (readiness.isLeader() && node.nodeId().equals(podOf(readiness.nodeId()))) {
                    return Optional.of(slot);
                }
            }
        }
        return Optional.empty();
    }

    /** The slot whose pod runs {@code memberId} (any volume generation of the pod). */
    Optional<Integer> slotOf(String memberId) {
        String pod = podOf(memberId);
        for (LabNode node : nodes()) {
            if (node.nodeId().equals(pod)) {
                return Optional.of(node.slot());
            }
        }
        return Optional.empty();
    }

    /** The member id the slot's node reports now (asked through its readiness), else the last one it reported. */
    String memberId(int slot) {
        LabNode node = node(slot);
        if (node.isAlive() && !node.isPaused()) {
            node.noteMemberId(client(slot).readiness().nodeId());
        }
        return node.memberId();
    }

    /** A pause that is part of the scenario (a fault's length, a measured interval), not a wait for a state. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops every node (SIGKILL: the data is thrown away anyway) and removes the network lab. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (LabNode node : nodes()) {
            try {
                node.resume();
                node.kill();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        for (NodeClient client : new ArrayList<>(clients.values())) {
            client.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("could not stop every node");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
