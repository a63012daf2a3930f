package io.boxoffice.deploy.live;

import static io.boxoffice.testkit.node.MemberIds.podOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.boxoffice.deploy.live.support.BookingLoad;
import io.boxoffice.deploy.live.support.Commands;
import io.boxoffice.deploy.live.support.Docker;
import io.boxoffice.deploy.live.support.Operations;
import io.boxoffice.deploy.live.support.PodSpec;
import io.boxoffice.deploy.live.support.Secrets;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The images, run as the chart's StatefulSet would run them (BRIEF §3, §4; issue 13): {@code ./boxoffice images}
 * builds them on a private Docker daemon; each booking node is a container named like its pod
 * ({@code boxoffice-N}), reachable under its headless-service DNS name
 * ({@code boxoffice-N.boxoffice-headless.default.svc.cluster.local}, a network alias), with its own volume
 * ({@code data-boxoffice-N}), the Secrets mounted read-only and the pod template of deploy/base taken literally
 * (command, environment, user 185, read-only root, no capabilities, memory limit, grace period, preStop hook); the
 * assistant runs as the {@code boxoffice-llm} container. Clients book throughout, and:
 * <ol>
 *   <li>the leader's container is SIGKILLed: a new leader is elected and booking goes on;</li>
 *   <li>it is removed and run again with the same name and volume but a new IP: it rejoins and catches up;</li>
 *   <li>the (new) leader is stopped gracefully — the preStop drain, then {@code docker stop} — and recreated:
 *       no client request fails;</li>
 *   <li>the set scales to 5: the new pods add themselves as learners and are promoted.</li>
 * </ol>
 * Every acknowledged booking is on every member at the end, and no seat was sold twice.
 *
 * <p>Needs root (the daemon, apt); without it the test is skipped with the reason. It never touches the host's
 * firewall, routing or default Docker daemon; it removes its containers, network and volumes, and stops the daemon if
 * it started it. Skip it alone with {@code -Dboxoffice.containers.skip=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ContainerClusterIT {

    private static final String NAMESPACE = "default";
    private static final String HEADLESS = "boxoffice-headless";
    private static final List<String> PODS = List.of("boxoffice-0", "boxoffice-1", "boxoffice-2", "boxoffice-3", "boxoffice-4");
    private static final int BOOTSTRAP_MEMBERS = 3;
    private static final String TEST_LABEL = "io.boxoffice.test";
    private static final String TEST_NAME = "ContainerClusterIT";
    private static final int GRPC_PORT = 9000;
    private static final int HTTP_PORT = 8080;
    private static final int CLIENT_THREADS = 4;
    private static final long CLIENT_PAUSE_MILLIS = 100;
    /** One attempt's deadline; a connection to a container that vanished hangs until it. */
    private static final long ATTEMPT_DEADLINE_MILLIS = 5_000;
    /** A request is failed when it has no booking after this long (its retries included). */
    private static final long REQUEST_BUDGET_MILLIS = 60_000;
    /** How long a Service keeps routing to a pod after its container died or exited (endpoint propagation). */
    private static final long ENDPOINT_DELAY_MILLIS = 1_000;

    private Path root;
    private Path work;
    private Path logs;
    private Docker docker;
    private PodSpec nodeSpec;
    private PodSpec llmSpec;
    private Secrets secrets;
    private String network;
    private String subnetPrefix;
    private int generation;
    private final Map<String, String> ipOf = new ConcurrentHashMap<>();
    private final Map<String, Integer> runs = new ConcurrentHashMap<>();
    private final Map<String, NodeClient> clients = new ConcurrentHashMap<>();
    private final Set<String> routable = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> numbers = new LinkedHashMap<>();
    private String admin;

    @BeforeAll
    void setUp() throws Exception {
        assumeFalse(Boolean.getBoolean("boxoffice.containers.skip"), "skipped with -Dboxoffice.containers.skip=true");
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "ContainerClusterIT needs root: it runs a private Docker daemon (and installs docker.io and "
                + "debootstrap when missing). Run the build as root (CI does, through .ci/run), or skip it with "
                + "-Dboxoffice.containers.skip=true");
        root = Path.of(System.getProperty("boxoffice.repo.root", "../..")).toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(root.resolve("booking-node/target/quarkus-app/quarkus-run.jar"))
                && Files.isRegularFile(root.resolve("llm-service/target/quarkus-app/quarkus-run.jar")),
                "booking-node and llm-service must be packaged first (./boxoffice test, or ./mvnw -B verify -pl "
                        + "booking-node,llm-service,deploy/live -am)");
        work = root.resolve("deploy/live/target/container-cluster");
        logs = root.resolve("deploy/live/target/live-logs/" + TEST_NAME);
        Files.createDirectories(work);
        Files.createDirectories(logs);
        nodeSpec = PodSpec.of(root.resolve("deploy/base/statefulset-boxoffice.yaml"));
        llmSpec = PodSpec.of(root.resolve("deploy/base/deployment-boxoffice-llm.yaml"));

        docker = Docker.start(root);
        removeLeftovers();
        long buildNanos = System.nanoTime();
        Commands.Result images = Commands.run(root, Map.of(), Duration.ofMinutes(15),
                List.of("scripts/containers/images.sh")).orFail();
        numbers.put("images built (s, ./boxoffice images on a warm cache)", seconds(buildNanos));
        Files.writeString(logs.resolve("images.log"), images.stdout() + images.stderr());
        images.stdout().lines().filter(line -> line.contains(" MB")).forEach(line -> System.out.println(TEST_NAME + ": " + line.trim()));
        assertThat(docker.check("image", "inspect", "--format", "{{.Config.User}}", nodeSpec.image())).isEqualTo("185");
        assertThat(docker.check("image", "inspect", "--format", "{{.Config.User}}", llmSpec.image())).isEqualTo("185");

        subnetPrefix = freeSubnetPrefix();
        network = "boxoffice-it-" + ProcessHandle.current().pid();
        docker.check("network", "create", "--label", TEST_LABEL + "=" + TEST_NAME, "--subnet", subnetPrefix + "0/24", network);
        secrets = Secrets.write(work.resolve("secrets"));
        for (String pod : PODS) {
            docker.check("volume", "create", "--label", TEST_LABEL + "=" + TEST_NAME, "data-" + pod);
        }
    }

    @AfterAll
    void tearDown() throws IOException {
        clients.values().forEach(NodeClient::close);
        if (docker == null) {
            return;
        }
        try {
            for (String container : labelled("ps", "-a")) {
                Commands.Result log = docker.run("logs", "--timestamps", container);
                Files.writeString(logs.resolve(container + ".log"), log.stdout() + log.stderr());
            }
            removeLeftovers();
        } finally {
            docker.stopIfStartedHere();
        }
    }

    @Test
    void the_statefulset_in_containers_survives_a_crash_a_recreated_pod_a_graceful_stop_and_a_scale_out() throws Exception {
        // ---- Start: the assistant and the three bootstrap pods at once (podManagementPolicy: Parallel).
        long startNanos = System.nanoTime();
        runLlm();
        for (String pod : PODS.subList(0, BOOTSTRAP_MEMBERS)) {
            runPod(pod);
        }
        for (String pod : PODS.subList(0, BOOTSTRAP_MEMBERS)) {
            await(pod + " ready", Duration.ofSeconds(180), () -> clients.get(pod).ready() ? pod : null);
            routable.add(pod);
        }
        numbers.put("3 pods started to all ready (s)", seconds(startNanos));
        checkThePodRunsAsTheChartSays("boxoffice-0");

        NodeClient first = clients.get("boxoffice-0");
        admin = await("the bootstrap admin's login", Duration.ofSeconds(60),
                () -> attempt(() -> first.login("admin", secrets.adminPassword())));
        ClusterStatus initial = await("a leader", Duration.ofSeconds(30), () -> attempt(() -> {
            ClusterStatus status = first.clusterStatus(admin);
            return status.getLeaderId().isEmpty() ? null : status;
        }));
        assertThat(initial.getNodesList()).extracting(NodeStatus::getAddress).containsExactlyInAnyOrder(
                peerAddress("boxoffice-0"), peerAddress("boxoffice-1"), peerAddress("boxoffice-2"));
        for (String user : List.of("alice", "bob")) {
            Operations.createUser(first, admin, user, "password-" + user);
        }
        List<String> tokens = List.of(first.login("alice", "password-alice"), first.login("bob", "password-bob"));
        List<String> shows = Operations.createShows(first, admin, 26, 60, 4);
        Queue<String[]> seats = new ConcurrentLinkedQueue<>();
        for (String show : shows) {
            for (char row = 'A'; row <= 'Z'; row++) {
                for (int number = 1; number <= 60; number++) {
                    seats.add(new String[] {show, row + String.valueOf(number)});
                }
            }
        }
        assertAssistantAnswersThrough("boxoffice-1", tokens.getFirst());

        BookingLoad load = new BookingLoad(CLIENT_THREADS, CLIENT_PAUSE_MILLIS, ATTEMPT_DEADLINE_MILLIS, REQUEST_BUDGET_MILLIS,
                seats, tokens, this::routableInOrder, clients::get);
        load.start();
        Thread.sleep(5_000);
        assertThat(load.acknowledged()).as("bookings before any fault").isNotEmpty();

        // ---- 1. SIGKILL the leader's container.
        String killed = leader();
        long killNanos = System.nanoTime();
        docker.check("kill", "--signal", "KILL", killed);
        Thread.sleep(ENDPOINT_DELAY_MILLIS);
        routable.remove(killed);
        String newLeader = await("a new leader after SIGKILL of " + killed, Duration.ofSeconds(15),
                () -> leaderSeenBy(PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(p -> !p.equals(killed)).toList(), killed));
        long newLeaderMillis = millis(killNanos);
        await("a booking sent after the SIGKILL", Duration.ofSeconds(15),
                () -> firstBookingStartedAfter(load, killNanos) != null ? "" : null);
        numbers.put("SIGKILL of leader " + killed + " -> new leader " + newLeader + " seen (ms, polled every 50 ms)", newLeaderMillis);
        numbers.put("SIGKILL -> first booking committed that was sent after the kill (ms)",
                TimeUnit.NANOSECONDS.toMillis(firstBookingStartedAfter(load, killNanos) - killNanos));
        int acknowledgedBeforeRejoin = load.acknowledged().size();

        // ---- 2. docker rm + run again: same name and volume, another IP; it rejoins by name and catches up.
        String oldIp = ipOf.get(killed);
        removeContainer(killed);
        long rejoinNanos = System.nanoTime();
        runPod(killed);
        assertThat(ipOf.get(killed)).as("the recreated pod's IP").isNotEqualTo(oldIp);
        await(killed + " ready at " + ipOf.get(killed), Duration.ofSeconds(120), () -> clients.get(killed).ready() ? killed : null);
        numbers.put("recreated " + killed + " (new IP " + ipOf.get(killed) + ", was " + oldIp + "): docker run -> ready (ms)", millis(rejoinNanos));
        routable.add(killed);
        await("the leader seeing " + killed + " caught up", Duration.ofSeconds(60), () -> attempt(() -> {
            NodeStatus member = member(clients.get(currentLeader()).clusterStatus(admin), killed);
            return member.getRole() == NodeRole.NODE_ROLE_FOLLOWER && member.getLag() == 0 ? member : null;
        }));
        numbers.put("recreated " + killed + ": docker run -> follower with lag 0 at the leader (ms)", millis(rejoinNanos));
        assertThat(load.acknowledged().size()).as("bookings went on while " + killed + " was away").isGreaterThan(acknowledgedBeforeRejoin);

        // ---- 3. Graceful stop of the leader: preStop drain, docker stop (SIGTERM), then the pod is recreated.
        String drained = leader();
        long gracefulNanos = System.nanoTime();
        Commands.Result preStop = docker.run(Duration.ofSeconds(30), concat(List.of("exec", drained), nodeSpec.preStopCommand()));
        long drainMillis = millis(gracefulNanos);
        assertThat(preStop.succeeded()).as("preStop hook of %s: %s%s", drained, preStop.stdout(), preStop.stderr()).isTrue();
        assertThat(preStop.stdout()).contains("\"wasLeader\":true").contains("\"stillLeader\":false");
        String afterDrain = leaderSeenBy(PODS.subList(0, BOOTSTRAP_MEMBERS).stream().filter(p -> !p.equals(drained)).toList(), drained);
        assertThat(afterDrain).as("leader after the drain, before SIGTERM").isNotNull();
        long stopNanos = System.nanoTime();
        Commands.Result stop = docker.run(Duration.ofSeconds(nodeSpec.terminationGracePeriodSeconds() + 30L),
                "stop", "--time", String.valueOf(nodeSpec.terminationGracePeriodSeconds()), drained);
        long stopMillis = millis(stopNanos);
        long exitedNanos = System.nanoTime();
        assertThat(stop.succeeded()).as("docker stop %s: %s", drained, stop.stderr()).isTrue();
        String exitCode = docker.check("inspect", "--format", "{{.State.ExitCode}}", drained);
        Thread.sleep(ENDPOINT_DELAY_MILLIS);
        routable.remove(drained);
        long removedNanos = System.nanoTime();
        removeContainer(drained);
        long recreateNanos = System.nanoTime();
        runPod(drained);
        await(drained + " ready again", Duration.ofSeconds(120), () -> clients.get(drained).ready() ? drained : null);
        routable.add(drained);
        long readyAgainNanos = System.nanoTime();
        long recreateMillis = millis(recreateNanos);
        Thread.sleep(2_000);
        long gracefulEndNanos = System.nanoTime();
        numbers.put("graceful stop of leader " + drained + ": preStop drain (ms)", drainMillis);
        numbers.put("graceful stop: docker stop (SIGTERM) -> exited (ms), exit code " + exitCode, stopMillis);
        numbers.put("graceful stop: recreated pod ready (ms)", recreateMillis);

        // ---- 4. Scale to 5: the new pods join as learners by themselves and are promoted once caught up.
        long scaleNanos = System.nanoTime();
        runPod("boxoffice-3");
        runPod("boxoffice-4");
        ClusterStatus five = await("5 voters", Duration.ofSeconds(180), () -> attempt(() -> {
            ClusterStatus status = clients.get(currentLeader()).clusterStatus(admin);
            return status.getNodesList().stream().filter(NodeStatus::getVoter).count() == 5 ? status : null;
        }));
        numbers.put("scale 3 -> 5: docker run -> both promoted to voters (ms)", millis(scaleNanos));
        assertThat(five.getNodesList()).extracting(NodeStatus::getAddress).contains(peerAddress("boxoffice-3"), peerAddress("boxoffice-4"));
        for (String pod : List.of("boxoffice-3", "boxoffice-4")) {
            await(pod + " ready", Duration.ofSeconds(60), () -> clients.get(pod).ready() ? pod : null);
            routable.add(pod);
        }
        long scaledNanos = System.nanoTime();
        Thread.sleep(4_000);
        assertThat(load.acknowledgedSince(scaledNanos)).as("bookings after the scale-out").isPositive();
        load.stop();

        // ---- What the clients saw.
        Map<String, Integer> inGraceful = load.outcomesBetween(gracefulNanos, gracefulEndNanos);
        List<BookingLoad.Failed> failedInGraceful = load.failed().stream()
                .filter(f -> f.firstAttemptNanos() >= gracefulNanos && f.firstAttemptNanos() < gracefulEndNanos).toList();
        int gracefulAnswersNotRetried = inGraceful.entrySet().stream()
                .filter(e -> !e.getKey().equals("OK") && !e.getKey().equals("UNAVAILABLE") && !e.getKey().equals("INTERNAL_RST_STREAM"))
                .mapToInt(Map.Entry::getValue).sum();
        numbers.put("requests", load.requests());
        numbers.put("bookings acknowledged", load.acknowledged().size());
        numbers.put("failed requests (after retries with the same key)", load.failed().size());
        numbers.put("attempts by outcome, SIGKILL to recreated pod caught up", load.outcomesBetween(killNanos, gracefulNanos));
        numbers.put("attempts by outcome, graceful stop window (drain to recreated pod ready + 2 s)", inGraceful);
        numbers.put("graceful stop window: failed requests", failedInGraceful.size());
        report(load);
        reportAttempts(load, "graceful-stop window", gracefulNanos, gracefulEndNanos, Map.of("drain returned", gracefulNanos
                + TimeUnit.MILLISECONDS.toNanos(drainMillis), "docker stop sent", stopNanos, "container exited", exitedNanos,
                "removed from the Service", removedNanos, "recreated", recreateNanos, "ready again", readyAgainNanos));

        assertThat(failedInGraceful).as("requests that failed while the leader was stopped gracefully").isEmpty();
        assertThat(gracefulAnswersNotRetried).as("attempts in the graceful-stop window answered with something other than a "
                + "booking, UNAVAILABLE or a reset stream: " + inGraceful).isZero();
        assertThat(load.failed()).as("failed requests").isEmpty();

        // ---- The state: on every member (its own, stale, view once caught up) exactly the acknowledged seats are
        // booked: none lost, none booked twice or by a request that failed. The leader's linearizable view agrees.
        Set<String> bookingIds = load.acknowledged().stream().map(BookingLoad.Acknowledged::bookingId).collect(Collectors.toSet());
        assertThat(bookingIds).as("one booking per acknowledged request").hasSize(load.acknowledged().size());
        Set<String> expected = load.acknowledged().stream().map(a -> a.showId() + "/" + a.seatId()).collect(Collectors.toSet());
        assertThat(bookedSeats(clients.get(leader()), tokens.getFirst(), shows, ReadConsistency.READ_CONSISTENCY_LINEARIZABLE))
                .as("booked seats at the leader (linearizable)").isEqualTo(expected);
        for (String pod : PODS) {
            await("exactly the " + expected.size() + " acknowledged seats booked on " + pod, Duration.ofSeconds(60), () -> attempt(
                    () -> bookedSeats(clients.get(pod), tokens.getFirst(), shows, ReadConsistency.READ_CONSISTENCY_STALE)
                            .equals(expected) ? pod : null));
        }
        List<BookingLoad.Acknowledged> sample = new ArrayList<>(load.acknowledged());
        Collections.shuffle(sample, new java.util.Random(13));
        for (String pod : List.of("boxoffice-3", "boxoffice-4", killed)) {
            for (BookingLoad.Acknowledged booking : sample.subList(0, Math.min(40, sample.size()))) {
                String token = tokens.get(Integer.parseInt(booking.key().split("/")[1]) % tokens.size());
                assertThat(clients.get(pod).bookingStale(token, booking.bookingId())).as(booking.bookingId() + " on " + pod).isPresent();
            }
        }
    }

    /** "showId/seatId" of every booked seat of {@code shows}, as {@code client}'s node reads it. */
    private static Set<String> bookedSeats(NodeClient client, String token, List<String> shows, ReadConsistency consistency) {
        Set<String> booked = new java.util.HashSet<>();
        for (String show : shows) {
            for (SeatRow row : Operations.seatMap(client, token, show, consistency).getRowsList()) {
                row.getSeatsList().stream().filter(seat -> seat.getState() == SeatState.SEAT_STATE_BOOKED)
                        .forEach(seat -> booked.add(show + "/" + seat.getId()));
            }
        }
        return booked;
    }

    // ------------------------------------------------------------------ pods

    private void runPod(String pod) {
        int ordinal = Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
        String ip = subnetPrefix + (10 + ordinal + 20 * generation++);
        List<String> arguments = new ArrayList<>(List.of("run"));
        arguments.addAll(nodeSpec.dockerRunArguments(pod, NAMESPACE, network, ip, List.of(dnsName(pod)),
                Map.of("data", "data-" + pod, "jwt", secrets.volume("jwt"), "peer", secrets.volume("peer"),
                        "admin", secrets.volume("admin")),
                // Faster logins in a test; everything else is the chart's.
                Map.of("BOXOFFICE_AUTH_PASSWORD_HASH_ITERATIONS", "1000"),
                Map.of(TEST_LABEL, TEST_NAME)));
        docker.check(arguments.toArray(String[]::new));
        ipOf.put(pod, ip);
        NodeClient previous = clients.put(pod, new NodeClient(ip, GRPC_PORT, HTTP_PORT));
        if (previous != null) {
            previous.close();
        }
    }

    private void runLlm() {
        List<String> arguments = new ArrayList<>(List.of("run"));
        arguments.addAll(llmSpec.dockerRunArguments("boxoffice-llm", NAMESPACE, network, subnetPrefix + "5",
                List.of("boxoffice-llm", "boxoffice-llm." + NAMESPACE + ".svc.cluster.local"), Map.of(), Map.of(),
                Map.of(TEST_LABEL, TEST_NAME)));
        docker.check(arguments.toArray(String[]::new));
    }

    /** The container is what the chart asks for: user 185, read-only root and Secrets, no capabilities, a memory limit. */
    private void checkThePodRunsAsTheChartSays(String pod) {
        assertThat(docker.check("exec", pod, "id", "-u")).isEqualTo("185");
        assertThat(docker.check("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", pod)).isEqualTo("true");
        assertThat(docker.check("inspect", "--format", "{{range .Mounts}}{{.Destination}}={{.RW}} {{end}}", pod).split(" "))
                .contains("/etc/boxoffice/jwt=false", "/etc/boxoffice/peer=false", "/etc/boxoffice/admin=false",
                        "/var/lib/boxoffice=true");
        Commands.Result secretWrite = docker.run("exec", pod, "touch", "/etc/boxoffice/peer/x");
        assertThat(secretWrite.succeeded()).as("writing to the peer Secret").isFalse();
        assertThat(docker.check("exec", pod, "cat", "/proc/1/status")).containsPattern("CapEff:\\s+0000000000000000");
        assertThat(docker.check("inspect", "--format", "{{.HostConfig.Memory}}", pod)).isEqualTo(String.valueOf(768L * 1024 * 1024));
        assertThat(docker.check("inspect", "--format", "{{.State.Health.Status}}", pod)).isIn("starting", "healthy");
    }

    private void assertAssistantAnswersThrough(String pod, String token) throws InterruptedException {
        List<AskChunk> chunks = await("an answer from the assistant container through " + pod, Duration.ofSeconds(60),
                () -> attempt(() -> Operations.ask(clients.get(pod), token, "Can I get a refund if I cancel my booking?")));
        assertThat(chunks).anySatisfy(chunk -> assertThat(chunk.getAnswer().getText()).isNotBlank());
        assertThat(chunks.getLast().hasDone()).isTrue();
    }

    // ------------------------------------------------------------------ cluster views

    private String leader() throws InterruptedException {
        return await("a leader", Duration.ofSeconds(20), () -> leaderSeenBy(routableInOrder(), null));
    }

    /** For probes inside {@link #await}: the leader now, failing the probe (a gRPC error) when none is known. */
    private String currentLeader() {
        String leader = leaderSeenBy(routableInOrder(), null);
        if (leader == null) {
            throw new StatusRuntimeException(io.grpc.Status.UNAVAILABLE.withDescription("no leader known"));
        }
        return leader;
    }

    /**
     * The pod of the leader a member of {@code askable} reports and confirms itself, unless it is the pod
     * {@code excluded}; null if none. Pods, not member ids: a pod that joined after the others had formed the cluster
     * (a slow start on a busy machine) runs as member "{@code <pod>~<volume generation>}".
     */
    private String leaderSeenBy(List<String> askable, String excluded) {
        for (String pod : askable) {
            try {
                ClusterStatus status = clients.get(pod).clusterStatus(admin);
                String leader = status.getLeaderId();
                if (!leader.isEmpty() && !podOf(leader).equals(excluded) && status.getNodesList().stream()
                        .anyMatch(n -> n.getId().equals(leader) && n.getRole() == NodeRole.NODE_ROLE_LEADER)) {
                    return podOf(leader);
                }
            } catch (StatusRuntimeException e) {
                // Not reachable or electing: ask the next one.
            }
        }
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private List<String> routableInOrder() {
        return PODS.stream().filter(routable::contains).toList();
    }

    /** The member that runs in {@code pod} (its id is the pod's name, or "{@code <pod>~<generation>}"). */
    private static NodeStatus member(ClusterStatus status, String pod) {
        return status.getNodesList().stream().filter(node -> podOf(node.getId()).equals(pod)).findFirst()
                .orElseThrow(() -> new AssertionError(pod + " is not in the configuration: " + status));
    }

    private static String dnsName(String pod) {
        return pod + "." + HEADLESS + "." + NAMESPACE + ".svc.cluster.local";
    }

    private static String peerAddress(String pod) {
        return dnsName(pod) + ":7070";
    }

    // ------------------------------------------------------------------ load analysis and report

    /** When the first booking was answered whose request was first sent after {@code nanos}; null if none yet. */
    private static Long firstBookingStartedAfter(BookingLoad load, long nanos) {
        return load.acknowledged().stream().filter(a -> a.firstAttemptNanos() >= nanos).map(BookingLoad.Acknowledged::answeredNanos)
                .min(Long::compare).orElse(null);
    }

    private void report(BookingLoad load) throws IOException {
        StringBuilder text = new StringBuilder();
        numbers.forEach((what, value) -> text.append(TEST_NAME).append(": ").append(what).append(": ").append(value).append('\n'));
        Map<String, Integer> failedByOutcome = new TreeMap<>();
        load.failed().forEach(f -> failedByOutcome.merge(f.lastOutcome(), 1, Integer::sum));
        if (!failedByOutcome.isEmpty()) {
            text.append(TEST_NAME).append(": failed requests by last outcome: ").append(failedByOutcome).append('\n');
            load.failed().stream().limit(20).forEach(f -> text.append("  ").append(f.key()).append(": ").append(f.description()).append('\n'));
        }
        System.out.print(text);
        Files.writeString(logs.resolve("summary.txt"), text.toString());
    }

    /** Every attempt of the window that did not end in a booking: when (ms after the window opened), where, what. */
    private void reportAttempts(BookingLoad load, String window, long fromNanos, long toNanos, Map<String, Long> events)
            throws IOException {
        StringBuilder text = new StringBuilder(TEST_NAME + ": " + window + " events (ms after it opened):");
        new TreeMap<>(events).entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> text.append(' ').append(e.getKey()).append(" +").append(TimeUnit.NANOSECONDS.toMillis(e.getValue() - fromNanos)));
        text.append('\n');
        for (BookingLoad.Attempt attempt : load.attempts()) {
            if (!attempt.outcome().equals("OK") && attempt.startNanos() >= fromNanos && attempt.startNanos() < toNanos) {
                text.append(TEST_NAME).append(":   +").append(TimeUnit.NANOSECONDS.toMillis(attempt.startNanos() - fromNanos))
                        .append("..+").append(TimeUnit.NANOSECONDS.toMillis(attempt.endNanos() - fromNanos)).append(" ms ")
                        .append(attempt.member()).append(' ').append(attempt.outcome()).append(' ').append(attempt.description())
                        .append(" [").append(attempt.key()).append("]\n");
            }
        }
        System.out.print(text);
        Files.writeString(logs.resolve("summary.txt"), text.toString(), java.nio.file.StandardOpenOption.APPEND);
    }

    // ------------------------------------------------------------------ docker housekeeping

    /** docker rm, keeping the container's log first (the pod is recreated under the same name). */
    private void removeContainer(String pod) throws IOException {
        Commands.Result log = docker.run("logs", "--timestamps", pod);
        Files.writeString(logs.resolve(pod + "-run-" + runs.merge(pod, 1, Integer::sum) + ".log"), log.stdout() + log.stderr());
        docker.check("rm", pod);
    }

    private List<String> labelled(String... command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        arguments.addAll(List.of("--filter", "label=" + TEST_LABEL + "=" + TEST_NAME, "--format", "{{.Names}}"));
        String output = docker.check(arguments.toArray(String[]::new));
        return output.isBlank() ? List.of() : output.lines().toList();
    }

    /** Containers, network and volumes of this test, left by an earlier run that was killed, or by this one. */
    private void removeLeftovers() {
        List<String> containers = labelled("ps", "-a");
        if (!containers.isEmpty()) {
            docker.check(concat(List.of("rm", "-f", "-v"), containers));
        }
        String networks = docker.check("network", "ls", "--filter", "label=" + TEST_LABEL + "=" + TEST_NAME, "--format", "{{.Name}}");
        for (String name : networks.lines().filter(l -> !l.isBlank()).toList()) {
            docker.check("network", "rm", name);
        }
        String volumes = docker.check("volume", "ls", "--filter", "label=" + TEST_LABEL + "=" + TEST_NAME, "--format", "{{.Name}}");
        for (String name : volumes.lines().filter(l -> !l.isBlank()).toList()) {
            docker.check("volume", "rm", name);
        }
    }

    /** A 172.29.N.0/24 that no route of the host uses yet (another checkout's daemon may run beside this one). */
    private String freeSubnetPrefix() {
        String routes = Commands.run(root, Map.of(), Duration.ofSeconds(10), List.of("ip", "-4", "route", "show")).orFail().stdout();
        Matcher used = Pattern.compile("172\\.29\\.(\\d+)\\.").matcher(routes);
        Set<Integer> taken = new java.util.HashSet<>();
        while (used.find()) {
            taken.add(Integer.parseInt(used.group(1)));
        }
        for (int third = 40; third < 250; third++) {
            if (!taken.contains(third)) {
                return "172.29." + third + ".";
            }
        }
        throw new AssertionError("no free 172.29.N.0/24 for the test network: " + routes);
    }

    // ------------------------------------------------------------------ small helpers

    private static String[] concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all.toArray(String[]::new);
    }

    private static long millis(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    private static long seconds(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
    }

    /** The value, or null when the node answered with a gRPC error (still starting, electing, unreachable). */
    private static <T> T attempt(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            return null;
        }
    }

    private <T> T await(String what, Duration bound, Supplier<T> probe) throws InterruptedException {
        long until = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < until) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        StringBuilder tails = new StringBuilder();
        for (String container : labelled("ps", "-a")) {
            Commands.Result log = docker.run("logs", "--tail", "30", container);
            tails.append("\n---- ").append(container).append('\n').append(log.stdout()).append(log.stderr());
        }
        throw new AssertionError("timed out waiting for " + what + " (" + bound.toSeconds() + " s)" + tails);
    }
}
