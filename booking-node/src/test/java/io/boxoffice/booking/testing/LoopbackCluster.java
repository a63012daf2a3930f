package io.boxoffice.booking.testing;

import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Readiness;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.testkit.node.BookingNodeApp;
import io.boxoffice.testkit.node.ClusterSecrets;
import io.boxoffice.testkit.node.NodeConfig;
import io.boxoffice.testkit.process.NodeProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Packaged booking nodes as JVMs on loopback (the test kit's launcher), configured through {@code BOXOFFICE_*}
 * environment variables as the Helm chart does: fresh keys and peer token, demo data on, a data directory and
 * a log per member, every start of the run from one private copy of the app. For the live multi-process
 * tests ({@code *IT}), which run after {@code package}.
 */
public final class LoopbackCluster implements AutoCloseable {

    /** One member: its ports, its process (restartable on the same data) and a client of its API. */
    public static final class Member {
        private final String id;
        private final int peerPort;
        private final int grpcPort;
        private final int httpPort;
        private final NodeProcess process;
        private final NodeClient client;

        Member(String id, int peerPort, int grpcPort, int httpPort, NodeProcess process) {
            this.id = id;
            this.peerPort = peerPort;
            this.grpcPort = grpcPort;
            this.httpPort = httpPort;
            this.process = process;
            this.client = new NodeClient("localhost", grpcPort, httpPort);
        }

        public String id() {
            return id;
        }

        public int peerPort() {
            return peerPort;
        }

        public int grpcPort() {
            return grpcPort;
        }

        public int httpPort() {
            return httpPort;
        }

        public NodeProcess process() {
            return process;
        }

        public NodeClient client() {
            return client;
        }

        /** Starts (or restarts, on the same data directory) the JVM, with a fresh client channel. */
        public void start() {
            process.start();
            client.reconnect();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public Readiness readiness() {
            return process.isAlive() ? client.readiness() : Readiness.DOWN;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private final List<Member> members;
    private final Path workDirectory;
    /** Kills the JVMs if the test JVM ends without closing the cluster (a crash, a killed build). */
    private final Thread killOnExit;

    private LoopbackCluster(List<Member> members, Path workDirectory) {
        this.members = List.copyOf(members);
        this.workDirectory = workDirectory;
        this.killOnExit = new Thread(this::killAll, "kill-booking-nodes");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    public static Builder builder(Path workDirectory, Path logDirectory) {
        return new Builder(workDirectory, logDirectory);
    }

    public static final class Builder {
        private final Path workDirectory;
        private final Path logDirectory;
        private List<String> ids = List.of("node-1", "node-2", "node-3");
        private Integer portBase;
        private UnaryOperator<NodeProcess.Builder> tuning = UnaryOperator.identity();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> memberSettings = new LinkedHashMap<>();

        private Builder(Path workDirectory, Path logDirectory) {
            this.workDirectory = workDirectory;
            this.logDirectory = logDirectory;
            // Test users are created and log in: a cheap hash keeps that from dominating the run.
            settings.put("boxoffice.auth.password-hash-iterations", "1000");
            settings.put("boxoffice.demo-data", "true");
        }

        public Builder members(String... memberIds) {
            ids = List.of(memberIds);
            return this;
        }

        /** Fixed ports: member i (from 1) gets peer base+10+i, gRPC base+20+i, HTTP base+30+i (default: free ports). */
        public Builder portBase(int base) {
            portBase = base;
            return this;
        }

        /** Tunes each member's JVM (heap, options) on the launcher's own builder. */
        public Builder processes(UnaryOperator<NodeProcess.Builder> jvmTuning) {
            tuning = jvmTuning;
            return this;
        }

        /** A booking-node setting for every member, by configuration key. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** A booking-node setting for one member only (a failpoint, say), by configuration key. */
        public Builder memberSetting(String memberId, String key, String value) {
            memberSettings.computeIfAbsent(memberId, id -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Writes the secrets and the app copy and prepares every member; starts nothing. */
        public LoopbackCluster build() {
            ClusterSecrets secrets = ClusterSecrets.create(workDirectory.resolve("secrets"));
            Path jar = BookingNodeApp.privateCopy(BookingNodeApp.jar(), workDirectory.resolve("quarkus-app"));
            List<int[]> ports = new ArrayList<>();
            for (int i = 1; i <= ids.size(); i++) {
                ports.add(portBase != null ? new int[] {portBase + 10 + i, portBase + 20 + i, portBase + 30 + i}
                        : new int[] {freePort(), freePort(), freePort()});
            }
            Map<String, String> shared = new LinkedHashMap<>(settings);
            shared.putAll(secrets.settings());
            shared.put("boxoffice.peers", joined(ports, 0));
            shared.put("boxoffice.client-endpoints", joined(ports, 1));
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                int[] own = ports.get(i);
                Map<String, String> config = new LinkedHashMap<>(shared);
                config.put("boxoffice.node-id", id);
                config.put("boxoffice.peer-port", Integer.toString(own[0]));
                config.put("boxoffice.grpc-port", Integer.toString(own[1]));
                config.put("boxoffice.http-port", Integer.toString(own[2]));
                config.put("boxoffice.data-dir", workDirectory.resolve(id).toString());
                config.putAll(memberSettings.getOrDefault(id, Map.of()));
                NodeProcess process = tuning.apply(NodeProcess.builder(id).jar(jar)
                        .environment(NodeConfig.asEnvironment(config)).withoutInheritedEnvironment("BOXOFFICE_", "QUARKUS_")
                        .logFile(logDirectory.resolve(id + ".log"))).build();
                members.add(new Member(id, own[0], own[1], own[2], process));
            }
            return new LoopbackCluster(members, workDirectory);
        }

        private String joined(List<int[]> ports, int which) {
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                entries.add(ids.get(i) + "=localhost:" + ports.get(i)[which]);
            }
            return String.join(",", entries);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Fails with the setting to change when a fixed port is taken. */
    public void assertPortsFree(String hint) {
        for (Member member : members) {
            for (int port : new int[] {member.peerPort(), member.grpcPort(), member.httpPort()}) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    throw new AssertionError("port " + port + " for " + member.id() + " is in use; " + hint);
                }
            }
        }
    }

    public List<Member> members() {
        return members;
    }

    /**
     * The member running as {@code id}: its pod name, or {@code <pod>~<volume generation>} when the node took a new
     * identity (a node that starts late on an empty volume, after the others formed the cluster, joins as a new
     * member of its pod: see {@link io.boxoffice.booking.cluster.MemberIdentity}).
     */
    public Member member(String id) {
        String pod = io.boxoffice.booking.cluster.MemberIdentity.podOf(id);
        return members.stream().filter(member -> member.id().equals(pod)).findFirst()
                .orElseThrow(() -> new AssertionError("unknown node id " + id));
    }

    public Member get(int index) {
        return members.get(index);
    }

    public Path workDirectory() {
        return workDirectory;
    }

    public void startAll() {
        members.forEach(Member::start);
    }

    /**
     * A wait that also ends at once when a member exited without the test stopping it, and that quotes
     * every member's readiness and log tail when it fails.
     */
    public Eventually within(Duration bound) {
        return Eventually.within(bound).ignoring(StatusRuntimeException.class)
                .abortingWhen(this::unexpectedExit).withDiagnostics(this::diagnostics);
    }

    private String unexpectedExit() {
        return members.stream().filter(member -> member.process().exitedUnexpectedly()).findFirst()
                .map(member -> member.id() + " exited with status " + member.process().exitValue() + "; its log:\n"
                        + member.process().logTail(40)).orElse(null);
    }

    /** Readiness and the end of each member's log. */
    public String diagnostics() {
        StringBuilder text = new StringBuilder("readiness: ")
                .append(members.stream().map(m -> m.id() + "=" + m.readiness()).toList());
        for (Member member : members) {
            text.append("\n---- ").append(member.id()).append(member.isAlive() ? " (running)" : " (not running)")
                    .append(", ").append(member.process().logFile()).append('\n').append(member.process().logTail(40));
        }
        return text.toString();
    }

    /** Every member in {@code subset} ready ({@code /q/health/ready}) and agreeing on one leader. */
    public void awaitAllReady(List<Member> subset, Duration bound) {
        within(bound).until("every node ready (/q/health/ready) with the same leader", () -> {
            List<Readiness> states = subset.stream().map(Member::readiness).toList();
            return states.stream().allMatch(Readiness::up)
                    && states.stream().map(Readiness::leaderId).distinct().count() == 1;
        });
    }

    /**
     * Every member in {@code subset} ready with one leader, and one applied index equal to every commit
     * index, for three polls in a row (followers learn the commit index with the next heartbeat).
     */
    public void awaitConverged(List<Member> subset, Duration bound) {
        AtomicInteger stableRounds = new AtomicInteger();
        within(bound).until("applied indexes of " + subset + " to converge", () -> {
            List<Readiness> states = subset.stream().map(Member::readiness).toList();
            boolean converged = states.stream().allMatch(Readiness::up)
                    && states.stream().map(Readiness::leaderId).distinct().count() == 1
                    && states.stream().flatMap(s -> Stream.of(s.appliedIndex(), s.commitIndex())).distinct().count() == 1;
            if (!converged) {
                stableRounds.set(0);
                return false;
            }
            return stableRounds.incrementAndGet() >= 3;
        });
    }

    /** The leader as the cluster reports it, asked through every live member until one answers (20 s bound). */
    public Member leader(String adminToken) {
        return Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(Duration.ofSeconds(20)).call(() -> {
            for (Member member : members) {
                if (!member.isAlive()) {
                    continue;
                }
                try {
                    ClusterStatus status = member.client().cluster(adminToken, 6_000)
                            .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
                    if (!status.getLeaderId().isEmpty()) {
                        return member(status.getLeaderId());
                    }
                } catch (StatusRuntimeException e) {
                    // Try the next member; the retries around bound the search.
                }
            }
            throw Status.UNAVAILABLE.withDescription("no node reports a leader").asRuntimeException();
        });
    }

    public String memberIds() {
        return members.stream().map(Member::id).collect(Collectors.joining(","));
    }

    /** SIGKILLs every member that still runs. */
    public void killAll() {
        for (Member member : members) {
            member.process().close();
        }
    }

    /** SIGKILLs every member that still runs and closes the clients. */
    @Override
    public void close() {
        killAll();
        members.forEach(member -> member.client().close());
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }
}
