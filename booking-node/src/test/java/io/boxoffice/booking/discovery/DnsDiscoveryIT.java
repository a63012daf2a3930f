package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.boxoffice.booking.testing.BookingNodeJvm;
import io.boxoffice.booking.testing.KubernetesLab;
import io.boxoffice.booking.testing.LiveClient;
import io.boxoffice.booking.testing.TestKeys;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.NodeStatus;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet in miniature: booking-node JVMs in network namespaces named like pods, each with its own IP,
 * finding each other only through the headless-service DNS names a dnsmasq answers (BRIEF §3, issue 6).
 * A pod is deleted (SIGKILL) and recreated with the same name and volume but a different IP: its peers reach
 * it by name and it catches up. Then the set scales from 3 to 5: the new pods add themselves as learners and
 * the leader promotes them. Needs root, {@code ip} and {@code dnsmasq}; fails (not skips) without them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DnsDiscoveryIT {

    private static final List<String> PODS = List.of("boxoffice-0", "boxoffice-1", "boxoffice-2", "boxoffice-3",
            "boxoffice-4");
    private static final int BOOTSTRAP_MEMBERS = 3;
    private static final int PEER_PORT = 7070;
    private static final int GRPC_PORT = 9000;
    private static final int HTTP_PORT = 8080;
    /** A recreated pod rejoins and catches up within this bound (the JVM start included). */
    private static final Duration REJOIN_BOUND = Duration.ofSeconds(45);

    @TempDir
    Path dir;
    /** Node output, kept after the run (CI can archive it): target/live-logs/<test>/. */
    private final Path logs = BookingNodeJvm.logDirectory("DnsDiscoveryIT");

    private KubernetesLab lab;
    private final Map<String, BookingNodeJvm> nodes = new LinkedHashMap<>();
    private final Map<String, String> ipByPod = new HashMap<>();
    private final Map<String, LiveClient> clients = new HashMap<>();
    private Map<String, String> common;
    private long deadlineNanos;

    @BeforeEach
    void lab() throws Exception {
        String missing = KubernetesLab.missingPrerequisites();
        if (missing != null) {
            fail(missing);
        }
        BookingNodeJvm.jar();
        Path[] keys = TestKeys.write(TestKeys.generate(), dir, "jwt");
        Path token = dir.resolve("peer-token");
        Files.writeString(token, "dns-discovery-it-0123456789abcdef0123456789\n");
        common = new HashMap<>();
        common.put("BOXOFFICE_PEERS", IntStream.range(0, BOOTSTRAP_MEMBERS)
                .mapToObj(i -> PODS.get(i) + "=" + KubernetesLab.dnsName(PODS.get(i)) + ":" + PEER_PORT)
                .collect(Collectors.joining(",")));
        common.put("BOXOFFICE_PEER_PORT", String.valueOf(PEER_PORT));
        common.put("BOXOFFICE_GRPC_PORT", String.valueOf(GRPC_PORT));
        common.put("BOXOFFICE_HTTP_PORT", String.valueOf(HTTP_PORT));
        common.put("BOXOFFICE_PEER_TOKEN_FILE", token.toString());
        common.put("BOXOFFICE_AUTH_PRIVATE_KEY_FILE", keys[0].toString());
        common.put("BOXOFFICE_AUTH_PUBLIC_KEY_FILE", keys[1].toString());
        common.put("BOXOFFICE_AUTH_PASSWORD_HASH_ITERATIONS", "1000");
        common.put("BOXOFFICE_DEMO_DATA", "true");
        lab = KubernetesLab.up(dir.resolve("lab"), PODS);
        deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(170);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (BookingNodeJvm node : nodes.values()) {
            node.close();
        }
        clients.values().forEach(LiveClient::close);
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void when_a_pod_is_recreated_with_a_new_ip_it_rejoins_by_name_and_a_scale_to_five_promotes_the_new_pods()
            throws Exception {
        for (int i = 0; i < BOOTSTRAP_MEMBERS; i++) {
            startPod(PODS.get(i), "10.233.0." + (10 + i), false);
        }
        String firstReady = await("a ready member of the 3 bootstrap pods", Duration.ofSeconds(60),
                () -> PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(pod -> client(pod).ready()).findFirst());
        String admin = await("the admin login", Duration.ofSeconds(20),
                () -> attempt(() -> client(firstReady).login("admin", "admin123")));
        String user = client(firstReady).login("user1", "password1");
        String showId = await("the demo shows", Duration.ofSeconds(20),
                () -> attempt(() -> client(firstReady).shows(user).getFirst().getId()));
        ClusterStatus initial = client(firstReady).clusterStatus(admin);
        assertThat(initial.getNodesList()).filteredOn(NodeStatus::getVoter).hasSize(3);
        assertThat(initial.getNodesList()).extracting(NodeStatus::getAddress).containsExactlyInAnyOrder(
                KubernetesLab.dnsName("boxoffice-0") + ":7070", KubernetesLab.dnsName("boxoffice-1") + ":7070",
                KubernetesLab.dnsName("boxoffice-2") + ":7070");
        List<Booking> booked = new ArrayList<>();
        booked.add(book(firstReady, user, showId, "B1"));

        // Delete the leader's pod (SIGKILL, namespace and DNS record gone), as a node failure would.
        String leader = initial.getLeaderId();
        lab.deletePod(leader);
        nodes.remove(leader).waitForExit(Duration.ofSeconds(10));
        clients.remove(leader).close();
        String survivor = PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(pod -> !pod.equals(leader)).findFirst()
                .orElseThrow();
        String newLeader = await("a new leader after deleting " + leader, Duration.ofSeconds(20), () -> attempt(() -> {
            String id = client(survivor).clusterStatus(admin).getLeaderId();
            return id.isEmpty() || id.equals(leader) ? null : id;
        }));
        booked.add(book(survivor, user, showId, "B2"));

        // Recreate it: same name and volume, a different IP. Its peers only know its DNS name.
        long recreatedNanos = System.nanoTime();
        startPod(leader, "10.233.0.20", false);
        Booking whileAway = booked.get(1);
        await(leader + " at its new IP serving what was committed while it was away", REJOIN_BOUND,
                () -> attempt(() -> client(leader).bookingStale(user, whileAway.getId()).orElse(null)));
        await("the leader seeing " + leader + " replicate again", Duration.ofSeconds(20), () -> attempt(() -> {
            NodeStatus member = member(client(newLeader).clusterStatus(admin), leader);
            return member.getRole() == NodeRole.NODE_ROLE_FOLLOWER && member.getLag() == 0 ? member : null;
        }));
        long rejoinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recreatedNanos);
        booked.add(book(leader, user, showId, "B3"));
        System.out.printf("DnsDiscoveryIT: %s recreated at 10.233.0.20 rejoined and caught up %d ms after its "
                + "JVM started%n", leader, rejoinMillis);

        // Scale 3 -> 5: the new pods join as learners on their own and are promoted once caught up.
        long scaleNanos = System.nanoTime();
        startPod("boxoffice-3", "10.233.0.13", true);
        startPod("boxoffice-4", "10.233.0.14", true);
        ClusterStatus five = await("5 voters after scaling to 5", Duration.ofSeconds(60), () -> attempt(() -> {
            ClusterStatus status = client(survivor).clusterStatus(admin);
            return status.getNodesList().stream().filter(NodeStatus::getVoter).count() == 5 ? status : null;
        }));
        long scaleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scaleNanos);
        assertThat(five.getNodesList()).extracting(NodeStatus::getId).containsExactlyInAnyOrderElementsOf(PODS);
        assertThat(member(five, "boxoffice-3").getAddress()).isEqualTo(KubernetesLab.dnsName("boxoffice-3") + ":7070");
        assertThat(member(five, "boxoffice-4").getAddress()).isEqualTo(KubernetesLab.dnsName("boxoffice-4") + ":7070");
        booked.add(book("boxoffice-4", user, showId, "B4"));

        for (String pod : PODS) {
            for (Booking booking : booked) {
                Booking replica = await(booking.getId() + " on " + pod + " (stale read)", Duration.ofSeconds(20),
                        () -> attempt(() -> client(pod).bookingStale(user, booking.getId()).orElse(null)));
                assertThat(replica.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
                assertThat(replica.getSeatsList()).extracting(seat -> seat.getSeatId())
                        .isEqualTo(booking.getSeatsList().stream().map(seat -> seat.getSeatId()).toList());
            }
        }
        System.out.printf("DnsDiscoveryIT: boxoffice-3 and boxoffice-4 joined and were promoted to voters %d ms "
                + "after their JVMs started; %d bookings present on all 5 pods%n", scaleMillis, booked.size());
    }

    private void startPod(String pod, String ip, boolean join) {
        lab.createPod(pod, ip);
        ipByPod.put(pod, ip);
        Map<String, String> environment = new HashMap<>(common);
        environment.put("BOXOFFICE_NODE_ID", pod);
        environment.put("BOXOFFICE_PEER_HOST", KubernetesLab.dnsName(pod));
        environment.put("BOXOFFICE_DATA_DIR", dir.resolve("volumes").resolve(pod).toString());
        if (join) {
            environment.put("BOXOFFICE_JOIN", "true");
        }
        nodes.put(pod, BookingNodeJvm.start(pod, lab.inPod(pod), environment, 192, logs.resolve(pod + ".log")));
        LiveClient previous = clients.put(pod, new LiveClient(ip, GRPC_PORT, HTTP_PORT));
        if (previous != null) {
            previous.close();
        }
    }

    private LiveClient client(String pod) {
        return clients.get(pod);
    }

    private Booking book(String pod, String token, String showId, String seat) throws InterruptedException {
        return await("booking " + seat + " through " + pod, Duration.ofSeconds(20), () -> attempt(() ->
                client(pod).book(token, showId, seat, "dns-discovery-it/" + seat, 10_000)));
    }

    private static NodeStatus member(ClusterStatus status, String id) {
        return status.getNodesList().stream().filter(node -> node.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " is not in the configuration: " + status));
    }

    /** The value, or null when the node answered with a gRPC error (it is still starting, electing, ...). */
    private static <T> T attempt(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            return null;
        }
    }

    /** Polls until {@code probe} yields a value, within {@code bound} and the test's overall deadline. */
    private <T> T await(String what, Duration bound, Supplier<?> probe) throws InterruptedException {
        long until = Math.min(deadlineNanos, System.nanoTime() + bound.toNanos());
        while (System.nanoTime() < until) {
            Object value = probe.get();
            if (value instanceof Optional<?> optional) {
                value = optional.orElse(null);
            }
            if (value != null) {
                @SuppressWarnings("unchecked")
                T result = (T) value;
                return result;
            }
            Thread.sleep(200);
        }
        StringBuilder tails = new StringBuilder();
        nodes.forEach((pod, node) -> tails.append("\n---- ").append(pod).append(" (").append(ipByPod.get(pod))
                .append(node.isAlive() ? ", running" : ", exited").append(")\n").append(node.logTail(40)));
        throw new AssertionError("timed out waiting for " + what + " (" + bound.toSeconds() + " s)" + tails);
    }
}
