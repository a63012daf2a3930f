package io.boxoffice.booking.discovery;

import static io.boxoffice.booking.cluster.MemberIdentity.podOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.network.NetworkLab;
import io.boxoffice.testkit.node.BookingNodeApp;
import io.boxoffice.testkit.node.ClusterSecrets;
import io.boxoffice.testkit.node.NodeConfig;
import io.boxoffice.testkit.process.LogDirectory;
import io.boxoffice.testkit.process.NodeProcess;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet in miniature: booking-node JVMs in network namespaces named like pods, each with its own IP,
 * finding each other only through the headless-service DNS names a dnsmasq answers (BRIEF §3, issue 6),
 * in the test kit's {@link NetworkLab}.
 * A pod is deleted (SIGKILL) and recreated with the same name and volume but a different IP: its peers reach
 * it by name and it catches up. Then the set scales from 3 to 5: the new pods add themselves as learners and
 * the leader promotes them. A pod recreated on an empty volume (a lost PVC) rejoins as a new member and the
 * leader removes its old member id. Needs root, {@code ip} and {@code dnsmasq}; fails (not skips) without them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DnsDiscoveryIT {

    private static final List<String> PODS = List.of("boxoffice-0", "boxoffice-1", "boxoffice-2", "boxoffice-3",
            "boxoffice-4");
    private static final int BOOTSTRAP_MEMBERS = 3;
    private static final int PEER_PORT = 7070;
    private static final int GRPC_PORT = 9000;
    private static final int HTTP_PORT = 8080;
    /** The lab's first choice of subnet (10.197.70.0/24); the next free one when another run holds it. */
    private static final int LAB_SUBNET = 70;
    /** A recreated pod rejoins and catches up within this bound (the JVM start included). */
    private static final Duration REJOIN_BOUND = Duration.ofSeconds(45);

    @TempDir
    Path dir;
    /** Node output, kept after the run (CI can archive it): target/live-logs/<test>/. */
    private final Path logs = LogDirectory.fresh("DnsDiscoveryIT");

    private NetworkLab lab;
    private Path jar;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, NodeClient> clients = new HashMap<>();
    private Map<String, String> common;
    private long deadlineNanos;

    @BeforeEach
    void lab() {
        String missing = NetworkLab.unavailableReason(true);
        if (missing != null) {
            fail(missing);
        }
        jar = BookingNodeApp.jar();
        common = new LinkedHashMap<>(ClusterSecrets.create(dir.resolve("secrets")).settings());
        common.put("boxoffice.peers", IntStream.range(0, BOOTSTRAP_MEMBERS)
                .mapToObj(i -> PODS.get(i) + "=" + NetworkLab.dnsName(PODS.get(i)) + ":" + PEER_PORT)
                .collect(Collectors.joining(",")));
        common.put("boxoffice.peer-port", String.valueOf(PEER_PORT));
        common.put("boxoffice.grpc-port", String.valueOf(GRPC_PORT));
        common.put("boxoffice.http-port", String.valueOf(HTTP_PORT));
        common.put("boxoffice.auth.password-hash-iterations", "1000");
        common.put("boxoffice.demo-data", "true");
        lab = NetworkLab.openFirstFree(LAB_SUBNET, 20, dir.resolve("lab"), true);
        deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(170);
    }

    @AfterEach
    void tearDown() {
        nodes.values().forEach(NodeProcess::close);
        clients.values().forEach(NodeClient::close);
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void when_a_pod_is_recreated_with_a_new_ip_it_rejoins_by_name_and_a_scale_to_five_promotes_the_new_pods()
            throws Exception {
        Bootstrapped cluster = startBootstrapPods();
        String firstReady = cluster.firstReady();
        String admin = cluster.admin();
        String user = cluster.user();
        String showId = cluster.showId();
        ClusterStatus initial = cluster.initial();
        assertThat(initial.getNodesList()).filteredOn(NodeStatus::getVoter).hasSize(3);
        assertThat(initial.getNodesList()).extracting(NodeStatus::getAddress).containsExactlyInAnyOrder(
                NetworkLab.dnsName("boxoffice-0") + ":7070", NetworkLab.dnsName("boxoffice-1") + ":7070",
                NetworkLab.dnsName("boxoffice-2") + ":7070");
        List<Booking> booked = new ArrayList<>();
        booked.add(book(firstReady, user, showId, "B1"));

        // Delete the leader's pod (SIGKILL, namespace and DNS record gone), as a node failure would.
        String leaderId = initial.getLeaderId();
        String leader = podOf(leaderId);
        lab.deletePod(leader);
        assertThat(nodes.remove(leader).waitForExit(Duration.ofSeconds(10))).as(leader + " gone with its pod").isTrue();
        clients.remove(leader).close();
        String survivor = PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(pod -> !pod.equals(leader)).findFirst()
                .orElseThrow();
        String newLeader = within(Duration.ofSeconds(20)).until("a new leader after deleting " + leader, () -> {
            String id = client(survivor).clusterStatus(admin).getLeaderId();
            return id.isEmpty() || id.equals(leaderId) ? null : id;
        });
        booked.add(book(survivor, user, showId, "B2"));

        // Recreate it: same name and volume, a different IP. Its peers only know its DNS name.
        long recreatedNanos = System.nanoTime();
        startPod(leader, 20, false);
        Booking whileAway = booked.get(1);
        within(REJOIN_BOUND).untilPresent(leader + " at its new IP serving what was committed while it was away",
                () -> client(leader).bookingStale(user, whileAway.getId()));
        within(Duration.ofSeconds(20)).until("the leader seeing " + leader + " replicate again", () -> {
            NodeStatus member = member(client(podOf(newLeader)).clusterStatus(admin), leaderId);
            return member.getRole() == NodeRole.NODE_ROLE_FOLLOWER && member.getLag() == 0 ? member : null;
        });
        long rejoinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recreatedNanos);
        booked.add(book(leader, user, showId, "B3"));
        System.out.printf("DnsDiscoveryIT: %s recreated at %s rejoined and caught up %d ms after its "
                + "JVM started%n", leader, lab.address(leader), rejoinMillis);

        // Scale 3 -> 5: the new pods join as learners on their own and are promoted once caught up.
        long scaleNanos = System.nanoTime();
        startPod("boxoffice-3", 13, true);
        startPod("boxoffice-4", 14, true);
        ClusterStatus five = within(Duration.ofSeconds(60)).until("5 voters after scaling to 5", () -> {
            ClusterStatus status = client(survivor).clusterStatus(admin);
            return status.getNodesList().stream().filter(NodeStatus::getVoter).count() == 5 ? status : null;
        });
        long scaleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scaleNanos);
        // A pod added after the cluster formed is a new volume: its member id is <pod>~<volume generation>.
        assertThat(five.getNodesList()).extracting(node -> podOf(node.getId()))
                .containsExactlyInAnyOrderElementsOf(PODS);
        assertThat(memberOfPod(five, "boxoffice-3").getId()).matches("boxoffice-3~[1-9][0-9]*");
        assertThat(memberOfPod(five, "boxoffice-3").getAddress())
                .isEqualTo(NetworkLab.dnsName("boxoffice-3") + ":7070");
        assertThat(memberOfPod(five, "boxoffice-4").getAddress())
                .isEqualTo(NetworkLab.dnsName("boxoffice-4") + ":7070");
        booked.add(book("boxoffice-4", user, showId, "B4"));

        for (String pod : PODS) {
            for (Booking booking : booked) {
                Booking replica = within(Duration.ofSeconds(20)).untilPresent(booking.getId() + " on " + pod
                        + " (stale read)", () -> client(pod).bookingStale(user, booking.getId()));
                assertThat(replica.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
                assertThat(replica.getSeatsList()).extracting(seat -> seat.getSeatId())
                        .isEqualTo(booking.getSeatsList().stream().map(seat -> seat.getSeatId()).toList());
            }
        }
        System.out.printf("DnsDiscoveryIT: boxoffice-3 and boxoffice-4 joined and were promoted to voters %d ms "
                + "after their JVMs started; %d bookings present on all 5 pods%n", scaleMillis, booked.size());
    }

    /**
     * A StatefulSet pod whose PersistentVolumeClaim was lost (deleted, or the disk failed) comes back with its
     * name and settings but an empty volume. It must not pretend to be its old member, whose votes and log it
     * forgot: it asks its bootstrap peers, finds the cluster formed, joins as {@code <pod>~<generation>},
     * catches up from a snapshot (the log was compacted meanwhile), becomes a voter, and the leader then
     * removes the old member id. Bookings go on throughout and every pod ends with all of them.
     */
    @Test
    void when_a_pod_loses_its_volume_it_rejoins_as_a_new_member_and_the_leader_removes_the_old_one()
            throws Exception {
        // Snapshots every 50 entries with 10 kept behind: the new member cannot catch up from the log alone.
        common.put("boxoffice.raft.snapshot-interval-entries", "50");
        common.put("boxoffice.raft.snapshot-min-log-ratio", "0");
        common.put("boxoffice.raft.snapshot-catch-up-entries", "10");
        Bootstrapped cluster = startBootstrapPods();
        String firstReady = cluster.firstReady();
        String admin = cluster.admin();
        String user = cluster.user();
        String showId = cluster.showId();
        ClusterStatus initial = cluster.initial();
        assertThat(initial.getNodesList()).extracting(node -> podOf(node.getId()))
                .containsExactlyInAnyOrderElementsOf(PODS.subList(0, BOOTSTRAP_MEMBERS));
        String survivor = podOf(initial.getLeaderId());
        String lost = PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(pod -> !pod.equals(survivor))
                .findFirst().orElseThrow();
        List<Booking> booked = new ArrayList<>();
        for (int seat = 1; seat <= 4; seat++) {
            booked.add(book(survivor, user, showId, "C" + seat));
        }

        // The pod and its volume go; the cluster keeps booking on two members, past a few snapshots.
        lab.deletePod(lost);
        assertThat(nodes.remove(lost).waitForExit(Duration.ofSeconds(10))).as(lost + " gone with its pod").isTrue();
        clients.remove(lost).close();
        deleteRecursively(dir.resolve("volumes").resolve(lost));
        for (int seat = 5; seat <= 8; seat++) {
            booked.add(book(survivor, user, showId, "C" + seat));
        }
        churn(survivor, user, showId, 40);
        within(Duration.ofSeconds(20)).until("a snapshot on the leader, so the log was compacted", () ->
                memberOfPod(client(survivor).clusterStatus(admin), survivor).getSnapshotIndex() > 0);

        // The pod is recreated with the same name and settings on an empty volume.
        long recreatedNanos = System.nanoTime();
        startPod(lost, 21, false);
        ClusterStatus replaced = within(Duration.ofSeconds(90)).until("a new member of " + lost
                + " as a voter and " + lost + " itself removed", () -> {
            ClusterStatus status = client(survivor).clusterStatus(admin);
            boolean oldGone = status.getNodesList().stream().noneMatch(node -> node.getId().equals(lost));
            boolean newVoter = status.getNodesList().stream().anyMatch(node -> node.getVoter()
                    && podOf(node.getId()).equals(lost) && node.getLag() == 0);
            return oldGone && newVoter && status.getNodesCount() == BOOTSTRAP_MEMBERS ? status : null;
        });
        long replacedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recreatedNanos);
        NodeStatus successor = memberOfPod(replaced, lost);
        assertThat(successor.getId()).matches(java.util.regex.Pattern.quote(lost) + "~[1-9][0-9]*");
        assertThat(successor.getAddress()).isEqualTo(NetworkLab.dnsName(lost) + ":7070");
        assertThat(client(lost).metric("boxoffice_raft_snapshots_total{kind=\"installed\"}").orElse(0))
                .as("caught up from the leader's snapshot file: the log it needed was compacted").isGreaterThan(0);
        assertThat(replaced.getNodesList()).allSatisfy(node -> assertThat(node.getVoter()).isTrue());
        booked.add(book(lost, user, showId, "C9"));

        for (String pod : PODS.subList(0, BOOTSTRAP_MEMBERS)) {
            for (Booking booking : booked) {
                Booking replica = within(Duration.ofSeconds(20)).untilPresent(booking.getId() + " on " + pod
                        + " (stale read)", () -> client(pod).bookingStale(user, booking.getId()));
                assertThat(replica.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
            }
        }
        System.out.printf("DnsDiscoveryIT: %s lost its volume and rejoined as %s from a snapshot; a voter with %s "
                + "removed %d ms after its JVM started; %d bookings on all pods%n", lost, successor.getId(), lost,
                replacedMillis, booked.size());
    }

    /** {@code rounds} holds of seat D1, each released at once: two log entries per round. */
    private void churn(String pod, String token, String showId, int rounds) {
        for (int round = 0; round < rounds; round++) {
            String key = "dns-discovery-it/churn/" + round;
            var hold = within(Duration.ofSeconds(20)).until("hold " + round + " through " + pod, () -> client(pod)
                    .booking(token, 10_000).holdSeats(io.boxoffice.proto.v1.HoldSeatsRequest.newBuilder()
                            .setShowId(showId).addSeatIds("D1").setIdempotencyKey(key + "/hold").build()));
            within(Duration.ofSeconds(20)).until("release " + round + " through " + pod, () -> client(pod)
                    .booking(token, 10_000).releaseHold(io.boxoffice.proto.v1.ReleaseHoldRequest.newBuilder()
                            .setHoldId(hold.getId()).setIdempotencyKey(key + "/release").build()));
        }
    }

    /** The bootstrap pods started, ready and logged into, with their settled membership. */
    private record Bootstrapped(String firstReady, String admin, String user, String showId, ClusterStatus initial) {
    }

    /** Starts the 3 bootstrap pods and waits for a ready member, the demo data and one voter per pod. */
    private Bootstrapped startBootstrapPods() throws Exception {
        for (int i = 0; i < BOOTSTRAP_MEMBERS; i++) {
            startPod(PODS.get(i), 10 + i, false);
        }
        String firstReady = within(Duration.ofSeconds(60)).untilPresent("a ready member of the 3 bootstrap pods",
                () -> PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(pod -> client(pod).ready()).findFirst());
        String admin = within(Duration.ofSeconds(20)).until("the admin login",
                () -> client(firstReady).login("admin", "admin123"));
        String user = client(firstReady).login("user1", "password1");
        String showId = within(Duration.ofSeconds(20)).until("the demo shows",
                () -> client(firstReady).shows(user).getFirst().getId());
        return new Bootstrapped(firstReady, admin, user, showId, settledBootstrap(firstReady, admin));
    }

    /**
     * The bootstrap pods' cluster once its membership settled to one voter per pod. The first start forms it under
     * the pod names; a pod whose JVM starts so late that the other two had already formed it cannot tell that from a
     * lost volume and joins as {@code <pod>~<generation>}, after which the leader removes its never-used pod name
     * (docs/booking-node.md, "Member identity").
     */
    private ClusterStatus settledBootstrap(String pod, String admin) {
        return within(Duration.ofSeconds(60)).until("one voter per bootstrap pod", () -> {
            ClusterStatus status = client(pod).clusterStatus(admin);
            List<String> pods = status.getNodesList().stream().filter(NodeStatus::getVoter)
                    .map(node -> podOf(node.getId())).sorted().toList();
            return pods.equals(PODS.subList(0, BOOTSTRAP_MEMBERS)) && status.getNodesCount() == BOOTSTRAP_MEMBERS
                    && !status.getLeaderId().isEmpty() ? status : null;
        });
    }

    private static NodeStatus memberOfPod(ClusterStatus status, String pod) {
        return status.getNodesList().stream().filter(node -> podOf(node.getId()).equals(pod)).findFirst()
                .orElseThrow(() -> new AssertionError("no member of pod " + pod + " in the configuration: " + status));
    }

    private static void deleteRecursively(Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
    }

    private void startPod(String pod, int host, boolean join) {
        String address = lab.createPod(pod, host);
        Map<String, String> config = new LinkedHashMap<>(common);
        config.put("boxoffice.node-id", pod);
        config.put("boxoffice.peer-host", NetworkLab.dnsName(pod));
        config.put("boxoffice.data-dir", dir.resolve("volumes").resolve(pod).toString());
        if (join) {
            config.put("boxoffice.join", "true");
        }
        nodes.put(pod, NodeProcess.builder(pod).prefix(lab.inPod(pod)).jar(jar).heapMegabytes(192)
                .jvmOptions("-Xss512k", "-XX:MaxMetaspaceSize=128m").environment(NodeConfig.asEnvironment(config))
                .withoutInheritedEnvironment("BOXOFFICE_", "QUARKUS_").logFile(logs.resolve(pod + ".log")).start());
        NodeClient previous = clients.put(pod, new NodeClient(address, GRPC_PORT, HTTP_PORT));
        if (previous != null) {
            previous.close();
        }
    }

    private NodeClient client(String pod) {
        return clients.get(pod);
    }

    private Booking book(String pod, String token, String showId, String seat) {
        return within(Duration.ofSeconds(20)).until("booking " + seat + " through " + pod,
                () -> client(pod).book(token, showId, seat, "dns-discovery-it/" + seat, 10_000));
    }

    private static NodeStatus member(ClusterStatus status, String id) {
        return status.getNodesList().stream().filter(node -> node.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " is not in the configuration: " + status));
    }

    /**
     * A wait within {@code bound} and the test's overall deadline, treating a gRPC error as "not yet" (the
     * node is still starting, electing, ...), that quotes every pod's log tail when it fails.
     */
    private Eventually within(Duration bound) {
        return Eventually.within(bound).pollingEvery(Duration.ofMillis(200)).notAfter(deadlineNanos)
                .ignoring(StatusRuntimeException.class).withDiagnostics(this::podLogs);
    }

    private String podLogs() {
        StringBuilder tails = new StringBuilder();
        nodes.forEach((pod, node) -> tails.append("\n---- ").append(pod).append(" (")
                .append(lab.pods().containsKey(pod) ? lab.address(pod) : "no pod")
                .append(node.isAlive() ? ", running" : ", exited").append(")\n").append(node.logTail(40)));
        return tails.toString();
    }
}
