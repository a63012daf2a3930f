package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.BookingNodeJvm;
import io.boxoffice.booking.testing.LiveClient;
import io.boxoffice.booking.testing.TestKeys;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.Show;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of the leader as Kubernetes does it (BRIEF §4, §6 "leader pod deleted gracefully → 0
 * failed client requests"): clients book continuously through any member, each request with its own
 * idempotency key, retrying UNAVAILABLE on another member with the same key, as a client behind a Service
 * does. The leader is drained ({@code POST /q/boxoffice/drain}, the preStop hook), stopped with SIGTERM and
 * started again on its data. No request may fail, leadership must have moved before the old leader stopped,
 * and every acknowledged booking must be on the restarted node.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class GracefulRestartIT {

    private static final int NODES = 3;
    private static final int CLIENT_THREADS = 6;
    /** Pause between two bookings of one client thread: about 30 bookings/s in all, so seats last the run. */
    private static final long CLIENT_PAUSE_MILLIS = 150;
    /** Attempts of one request (the first and its retries on other members) before it counts as failed. */
    private static final int ATTEMPTS_MAX = 200;
    private static final long RETRY_PAUSE_MILLIS = 50;

    @TempDir
    Path dir;
    /** Node output, kept after the run (CI can archive it): target/live-logs/<test>/. */
    private final Path logs = BookingNodeJvm.logDirectory("GracefulRestartIT");

    private final List<String> ids = List.of("node-1", "node-2", "node-3");
    private final Map<String, Integer> peerPorts = new HashMap<>();
    private final Map<String, Integer> grpcPorts = new HashMap<>();
    private final Map<String, Integer> httpPorts = new HashMap<>();
    private final Map<String, BookingNodeJvm> nodes = new ConcurrentHashMap<>();
    private final Map<String, LiveClient> clients = new HashMap<>();
    private Map<String, String> common;

    @BeforeEach
    void ports() throws Exception {
        BookingNodeJvm.jar();
        for (String id : ids) {
            peerPorts.put(id, freePort());
            grpcPorts.put(id, freePort());
            httpPorts.put(id, freePort());
        }
        Path[] keys = TestKeys.write(TestKeys.generate(), dir, "jwt");
        Path token = dir.resolve("peer-token");
        Files.writeString(token, "graceful-restart-it-0123456789abcdef01234567\n");
        common = new HashMap<>();
        common.put("BOXOFFICE_PEERS", ids.stream().map(id -> id + "=localhost:" + peerPorts.get(id))
                .collect(Collectors.joining(",")));
        common.put("BOXOFFICE_CLIENT_ENDPOINTS", ids.stream().map(id -> id + "=localhost:" + grpcPorts.get(id))
                .collect(Collectors.joining(",")));
        common.put("BOXOFFICE_PEER_TOKEN_FILE", token.toString());
        common.put("BOXOFFICE_AUTH_PRIVATE_KEY_FILE", keys[0].toString());
        common.put("BOXOFFICE_AUTH_PUBLIC_KEY_FILE", keys[1].toString());
        common.put("BOXOFFICE_AUTH_PASSWORD_HASH_ITERATIONS", "1000");
        common.put("BOXOFFICE_DEMO_DATA", "true");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (BookingNodeJvm node : nodes.values()) {
            node.close();
        }
        clients.values().forEach(LiveClient::close);
    }

    @Test
    void when_the_leader_is_drained_and_restarted_then_leadership_moves_first_and_no_client_request_fails()
            throws Exception {
        ids.forEach(this::start);
        for (String id : ids) {
            await(id + " ready", Duration.ofSeconds(60), () -> clients.get(id).ready() ? id : null);
        }
        LiveClient any = clients.get("node-1");
        String admin = await("admin login", Duration.ofSeconds(20), () -> attempt(() -> any.login("admin", "admin123")));
        List<String> userTokens = List.of(any.login("user1", "password1"), any.login("user2", "password2"));
        List<Show> shows = await("the demo shows", Duration.ofSeconds(20), () -> attempt(() -> {
            List<Show> all = any.shows(userTokens.getFirst());
            return all.size() >= 6 ? all : null;
        }));
        Queue<String[]> seats = new ConcurrentLinkedQueue<>();
        for (Show show : shows) {
            for (char row = 'A'; row <= 'H'; row++) {
                for (int number = 1; number <= 12; number++) {
                    if (!(row == 'A' && (number == 1 || number == 12))) {
                        seats.add(new String[] {show.getId(), row + String.valueOf(number)});
                    }
                }
            }
        }
        String leader = any.clusterStatus(admin).getLeaderId();
        assertThat(leader).isIn(ids);

        // Clients behind a Service. The Service drops a pod that fails readiness only after its endpoints
        // controller noticed; here the drained leader stays in the rotation until its process exited (the slow
        // end), so clients meet both a draining node and a closed port, and retry elsewhere with the same key.
        Set<String> routable = ConcurrentHashMap.newKeySet();
        routable.addAll(ids);
        Load load = new Load(seats, userTokens, routable);
        load.start();
        Thread.sleep(3_000);

        // preStop: drain the leader, which hands its leadership over and fails readiness.
        long drainNanos = System.nanoTime();
        String drained = drain(leader);
        long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainNanos);
        assertThat(drained).contains("\"wasLeader\":true").contains("\"stillLeader\":false");
        String other = ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        ClusterStatus afterDrain = clients.get(other).clusterStatus(admin);
        assertThat(afterDrain.getLeaderId()).as("leader after the drain, before SIGTERM").isNotEqualTo(leader)
                .isNotEmpty();
        assertThat(nodes.get(leader).isAlive()).isTrue();

        // Then SIGTERM, as Kubernetes sends once preStop returned; clients keep booking meanwhile.
        long stopNanos = System.nanoTime();
        assertThat(nodes.get(leader).terminate(Duration.ofSeconds(20))).as(leader + " exits on SIGTERM").isTrue();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNanos);
        Thread.sleep(1_000); // Clients still try the stopped pod for a moment: connection refused, retried elsewhere.
        routable.remove(leader);
        int beforeRestart = load.successes.size();
        Thread.sleep(3_000);
        assertThat(load.successes.size()).as("bookings committed while " + leader + " was down")
                .isGreaterThan(beforeRestart);

        // The pod comes back with its volume and rejoins the rotation once ready.
        long restartNanos = System.nanoTime();
        start(leader);
        await(leader + " ready again", Duration.ofSeconds(60), () -> clients.get(leader).ready() ? leader : null);
        long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
        routable.add(leader);
        Thread.sleep(3_000);
        load.stop();

        List<Long> answeredAt = new ArrayList<>(load.answeredAtNanos);
        Collections.sort(answeredAt);
        long maxGapMillis = 0;
        for (int i = 1; i < answeredAt.size(); i++) {
            maxGapMillis = Math.max(maxGapMillis, TimeUnit.NANOSECONDS.toMillis(answeredAt.get(i) - answeredAt.get(i - 1)));
        }
        System.out.printf("GracefulRestartIT: %d requests, %d booked, %d business answers, %d retries on another "
                        + "node, %d failed; drain of leader %s took %d ms (new leader %s), SIGTERM to exit %d ms, "
                        + "restart to ready %d ms; unavailability window (max gap between answered commits) %d ms%n",
                load.requests.get(), load.successes.size(), load.businessAnswers.get(), load.retries.get(),
                load.failures.size(), leader,
                drainMillis, afterDrain.getLeaderId(), stopMillis, readyMillis, maxGapMillis);
        List<String> failures = load.failures;
        assertThat(failures).as("failed client requests").isEmpty();
        // Every request books a seat nobody else asks for: a "taken" answer would mean a retry booked twice.
        assertThat(load.businessAnswers).as("requests refused by the booking rules").hasValue(0);
        assertThat(load.successes).hasSizeGreaterThan(50);
        // Every acknowledged booking is in the restarted node's state.
        LiveClient restarted = clients.get(leader);
        for (Acknowledged booking : load.successes) {
            String token = userTokens.get(booking.user());
            await(booking.id() + " on the restarted " + leader, Duration.ofSeconds(20),
                    () -> attempt(() -> restarted.bookingStale(token, booking.id()).orElse(null)));
        }
        assertThat(maxGapMillis).as("unavailability window").isLessThan(5_000);
    }

    private void start(String id) {
        Map<String, String> environment = new HashMap<>(common);
        environment.put("BOXOFFICE_NODE_ID", id);
        environment.put("BOXOFFICE_PEER_PORT", String.valueOf(peerPorts.get(id)));
        environment.put("BOXOFFICE_GRPC_PORT", String.valueOf(grpcPorts.get(id)));
        environment.put("BOXOFFICE_HTTP_PORT", String.valueOf(httpPorts.get(id)));
        environment.put("BOXOFFICE_DATA_DIR", dir.resolve(id).toString());
        nodes.put(id, BookingNodeJvm.start(id, List.of(), environment, 192, logs.resolve(id + ".log")));
        clients.computeIfAbsent(id, key -> new LiveClient("localhost", grpcPorts.get(id), httpPorts.get(id)));
    }

    /** {@code POST /q/boxoffice/drain} from loopback, as the preStop hook's curl does; returns the JSON answer. */
    private String drain(String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(id)
                + "/q/boxoffice/drain")).timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("drain answer " + response.body()).isEqualTo(200);
        return response.body();
    }

    private record Acknowledged(String id, int user) {
    }

    /** Client threads booking one seat per request until stopped. */
    private final class Load {
        final Queue<String[]> seats;
        final List<String> tokens;
        final Set<String> routable;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger businessAnswers = new AtomicInteger();
        final List<Acknowledged> successes = new CopyOnWriteArrayList<>();
        final List<Long> answeredAtNanos = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final ExecutorService threads = Executors.newFixedThreadPool(CLIENT_THREADS);
        final List<Future<?>> workers = new ArrayList<>();

        Load(Queue<String[]> seats, List<String> tokens, Set<String> routable) {
            this.seats = seats;
            this.tokens = tokens;
            this.routable = routable;
        }

        void start() {
            for (int thread = 0; thread < CLIENT_THREADS; thread++) {
                int number = thread;
                workers.add(threads.submit(() -> clientLoop(number)));
            }
        }

        void stop() throws Exception {
            running.set(false);
            threads.shutdown();
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).as("client threads finish").isTrue();
            for (Future<?> future : workers) {
                future.get();
            }
        }

        private void clientLoop(int thread) {
            int user = thread % tokens.size();
            int sequence = 0;
            while (running.get()) {
                String[] seat = seats.poll();
                if (seat == null) {
                    return; // Every seat is sold: the run has enough data.
                }
                requests.incrementAndGet();
                bookWithRetries(thread, user, seat, "graceful-restart-it/" + thread + "/" + sequence++);
                sleep(CLIENT_PAUSE_MILLIS);
            }
        }

        /** One request: the same idempotency key on every attempt, on the next routable member after UNAVAILABLE. */
        private void bookWithRetries(int thread, int user, String[] seat, String key) {
            int member = thread;
            StatusRuntimeException last = null;
            for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
                List<String> members = ids.stream().filter(routable::contains).toList();
                String id = members.get(Math.floorMod(member++, members.size()));
                try {
                    Booking booking = clients.get(id).book(tokens.get(user), seat[0], seat[1], key, 10_000);
                    successes.add(new Acknowledged(booking.getId(), user));
                    answeredAtNanos.add(System.nanoTime());
                    return;
                } catch (StatusRuntimeException e) {
                    last = e;
                    Status.Code code = e.getStatus().getCode();
                    // A stream the stopping server reset (grpc-java reports INTERNAL "RST_STREAM …") is a transport
                    // failure, not an answer from the node: like UNAVAILABLE, retry elsewhere with the same key.
                    boolean streamReset = code == Status.Code.INTERNAL && e.getStatus().getDescription() != null
                            && e.getStatus().getDescription().startsWith("RST_STREAM");
                    if (code == Status.Code.UNAVAILABLE || streamReset) {
                        retries.incrementAndGet();
                        sleep(RETRY_PAUSE_MILLIS);
                        continue;
                    }
                    if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS) {
                        businessAnswers.incrementAndGet(); // A definite answer from the booking rules.
                        answeredAtNanos.add(System.nanoTime());
                        failures.add(key + " on " + id + ": refused by the booking rules: " + e.getStatus());
                        return;
                    }
                    failures.add(key + " on " + id + ": " + e.getStatus());
                    return;
                }
            }
            failures.add(key + ": still UNAVAILABLE after " + ATTEMPTS_MAX + " attempts: " + last.getStatus());
        }

        private void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

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
            Thread.sleep(200);
        }
        StringBuilder tails = new StringBuilder();
        nodes.forEach((id, node) -> tails.append("\n---- ").append(id).append(node.isAlive() ? " (running)" : " (exited)")
                .append("\n").append(node.logTail(40)));
        throw new AssertionError("timed out waiting for " + what + tails);
    }
}
