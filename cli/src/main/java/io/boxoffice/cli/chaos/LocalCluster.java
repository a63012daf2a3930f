package io.boxoffice.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.LoginRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.StringJoiner;

/**
 * A throw-away booking cluster of real node processes, one per network namespace ({@link NetworkLab}),
 * with fresh keys and data directories under the run's work directory. Slots (1..members) are stable; the
 * node in a slot may be replaced by a new member (new id, empty volume) by the membership nemesis.
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

    /**
     * @param members            bootstrap members (3 or 5)
     * @param subnet             the lab's subnet number (names its namespaces)
     * @param workDirectory      keys, data directories, node logs
     * @param nodeJar            booking-node/target/quarkus-app/quarkus-run.jar
     * @param javaExecutable     the java that runs the nodes
     * @param holdDurationMillis hold duration the nodes enforce
     * @param expireHoldsIntervalMillis how often the leader expires due holds
     * @param heapMegabytes      -Xmx of each node
     */
    record Settings(int members, int subnet, Path workDirectory, Path nodeJar, Path javaExecutable,
                    long holdDurationMillis, long expireHoldsIntervalMillis, int heapMegabytes) {
    }

    /** Subnets tried after the configured one when it is in use by another run. */
    private static final int SUBNETS_TRIED_MAX = 50;

    private final Settings settings;
    private NetworkLab lab;
    private final Map<Integer, NodeProcess> nodes = new TreeMap<>();
    private final Map<Integer, NodeClient> clients = new TreeMap<>();
    private final Map<Integer, Integer> replacements = new TreeMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private KeyFiles keys;
    private volatile String adminToken = "";

    LocalCluster(Settings settings) {
        this.settings = settings;
    }

    NetworkLab lab() {
        return lab;
    }

    Settings settings() {
        return settings;
    }

    void start() {
        lab = openLab();
        keys = KeyFiles.create(settings.workDirectory().resolve("secrets"));
        StringJoiner peers = new StringJoiner(",");
        for (int slot = 1; slot <= settings.members(); slot++) {
            peers.add(bootstrapId(slot) + "=" + lab.address(slot) + ":" + PEER_PORT);
        }
        for (int slot = 1; slot <= settings.members(); slot++) {
            NodeProcess node = newNode(slot, bootstrapId(slot), peers.toString());
            synchronized (this) {
                nodes.put(slot, node);
                clients.put(slot, new NodeClient(lab.address(slot), CLIENT_PORT));
            }
            node.start();
        }
    }

    /** The first free subnet from the configured one on (concurrent runs each get their own). */
    private NetworkLab openLab() {
        NetworkLab.SubnetInUseException last = null;
        for (int offset = 0; offset < SUBNETS_TRIED_MAX; offset++) {
            int subnet = (settings.subnet() - 1 + offset) % 250 + 1;
            NetworkLab candidate = new NetworkLab(subnet, settings.members());
            try {
                candidate.open();
                return candidate;
            } catch (NetworkLab.SubnetInUseException e) {
                last = e;
            } catch (RuntimeException e) {
                candidate.close();
                throw e;
            }
        }
        throw new IllegalStateException("no free network lab subnet from " + settings.subnet() + " on", last);
    }

    static String bootstrapId(int slot) {
        return "n" + slot;
    }

    private NodeProcess newNode(int slot, String nodeId, String peers) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("boxoffice.node-id", nodeId);
        config.put("boxoffice.cluster-id", "chaos");
        if (peers == null) {
            config.put("boxoffice.join", "true");
        } else {
            config.put("boxoffice.peers", peers);
        }
        config.put("boxoffice.peer-host", lab.address(slot));
        config.put("boxoffice.peer-port", Integer.toString(PEER_PORT));
        config.put("boxoffice.grpc-port", Integer.toString(CLIENT_PORT));
        config.put("boxoffice.http-port", Integer.toString(HTTP_PORT));
        Path data = settings.workDirectory().resolve("data").resolve(nodeId);
        config.put("boxoffice.data-dir", data.toString());
        config.put("boxoffice.demo-data", "true");
        config.put("boxoffice.peer-token-file", keys.peerTokenFile().toString());
        config.put("boxoffice.auth.private-key-file", keys.privateKeyFile().toString());
        config.put("boxoffice.auth.public-key-file", keys.publicKeyFile().toString());
        config.put("boxoffice.auth.password-hash-iterations", "1000");
        config.put("boxoffice.limits.hold-duration-millis", Long.toString(settings.holdDurationMillis()));
        config.put("boxoffice.limits.expire-holds-interval-millis", Long.toString(settings.expireHoldsIntervalMillis()));
        List<String> command = NodeProcess.command(lab.namespace(slot), settings.javaExecutable(), settings.nodeJar(),
                settings.heapMegabytes(), config);
        return new NodeProcess(nodeId, slot, lab.namespace(slot), command,
                settings.workDirectory().resolve("logs").resolve(nodeId + ".log"), data);
    }

    synchronized List<Integer> slots() {
        return List.copyOf(nodes.keySet());
    }

    synchronized NodeProcess node(int slot) {
        return nodes.get(slot);
    }

    synchronized NodeClient client(int slot) {
        return clients.get(slot);
    }

    synchronized List<NodeProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    String adminToken() {
        return adminToken;
    }

    String peerAddress(int slot) {
        return lab.address(slot) + ":" + PEER_PORT;
    }

    /** Whether the node's readiness check passes (knows a leader, applied index caught up). */
    boolean isReady(int slot) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + lab.address(slot) + ":" + HTTP_PORT
                    + "/q/health/ready")).timeout(Duration.ofMillis(1000)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until every running node is ready and the admin can log in; throws with the node logs' tails. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int failedLogins = 0;
        while (System.nanoTime() < deadline) {
            boolean allReady = true;
            for (NodeProcess node : nodes()) {
                if (!node.isAlive()) {
                    throw new IllegalStateException("node " + node.nodeId() + " exited during start-up; log "
                            + node.logFile() + ":\n" + tail(node.logFile(), 40));
                }
                allReady &= isReady(node.slot());
            }
            if (allReady) {
                if (login()) {
                    return;
                }
                // The demo admin appears once the leader has applied the demo data; failed logins are
                // throttled with a doubling backoff, so space the attempts out the same way.
                failedLogins++;
                sleep(Math.min(8_000, 500L << Math.min(4, failedLogins)));
                continue;
            }
            sleep(200);
        }
        StringBuilder logs = new StringBuilder();
        for (NodeProcess node : nodes()) {
            logs.append("\n--- ").append(node.logFile()).append('\n').append(tail(node.logFile(), 20));
        }
        throw new IllegalStateException("the cluster was not ready within " + timeout.toSeconds() + " s" + logs);
    }

    private boolean login() {
        for (int slot : slots()) {
            try {
                adminToken = client(slot).auth(3000).login(LoginRequest.newBuilder().setUsername(ADMIN_USER)
                        .setPassword(ADMIN_PASSWORD).build()).getToken();
                return true;
            } catch (io.grpc.StatusRuntimeException e) {
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
        } catch (io.grpc.StatusRuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The slot of the node that currently believes itself leader, asked directly through each node's
     * readiness check (its data carries the node's Raft role): cheap, and answered by the node itself, unlike
     * the cluster status, which followers hand to the leader and which hashes the whole state.
     */
    Optional<Integer> leaderSlot() {
        for (int slot : slots()) {
            NodeProcess node = node(slot);
            if (node.isAlive() && !node.isPaused() && "LEADER".equals(raftRole(slot, node.nodeId()))) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }

    /** The Raft role the node in {@code slot} reports in its readiness data, or null when it does not answer. */
    String raftRole(int slot, String nodeId) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + lab.address(slot) + ":" + HTTP_PORT
                    + "/q/health/ready")).timeout(Duration.ofMillis(1000)).GET().build();
            String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            for (JsonNode check : JSON.readTree(body).path("checks")) {
                JsonNode data = check.path("data");
                if (nodeId.equals(data.path("nodeId").asText())) {
                    return data.path("role").asText(null);
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    Optional<Integer> slotOf(String nodeId) {
        for (NodeProcess node : nodes()) {
            if (node.nodeId().equals(nodeId)) {
                return Optional.of(node.slot());
            }
        }
        return Optional.empty();
    }

    /**
     * Replaces the node in {@code slot} by a new member with a new id and an empty volume, started with
     * {@code join=true}; the caller has removed the old member and stopped its process. Returns the new node.
     */
    synchronized NodeProcess replace(int slot) {
        NodeProcess old = nodes.get(slot);
        if (old.isAlive()) {
            throw new IllegalStateException("stop node " + old.nodeId() + " before replacing it");
        }
        int generation = replacements.merge(slot, 1, Integer::sum);
        NodeProcess fresh = newNode(slot, bootstrapId(slot) + "-r" + generation, null);
        nodes.put(slot, fresh);
        return fresh;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

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
        for (NodeProcess node : nodes()) {
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
