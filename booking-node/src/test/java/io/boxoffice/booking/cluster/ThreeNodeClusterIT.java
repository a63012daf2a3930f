package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The issue's live 3-node test: three packaged booking nodes ({@code target/quarkus-app/quarkus-run.jar})
 * in their own JVMs on loopback, 50 concurrent clients booking overlapping seats of one demo show through
 * all three nodes (so followers forward to the leader), and the leader SIGKILLed in the middle of the load.
 *
 * <p>It shows: no seat is booked twice; every acknowledged booking is on every surviving replica (stale
 * reads per node once the applied indexes agree) and, after a restart from its data directory, on the
 * killed node too; all nodes hold the same bookings and the same state hash; a booking retried with its
 * idempotency key after the failover answers the original booking and books nothing new. It prints the
 * time from the SIGKILL to the first booking committed by the new leader (BRIEF §6: p50 ≤ 600 ms).
 *
 * <p>Runs in failsafe's {@code integration-test} phase, after {@code package} built the jar:
 * {@code ./mvnw -B verify -pl booking-node -Dit.test=ThreeNodeClusterIT}. Ports come from
 * {@code -Dboxoffice.it.port-base} (default 23100: peers +11..13, gRPC +21..23, HTTP +31..33); the work
 * directory with the node logs is kept after a failure or with {@code -Dboxoffice.it.keep=true}.
 */
class ThreeNodeClusterIT {

    private static final String LOG_PREFIX = "[ThreeNodeClusterIT] ";
    private static final int NODE_COUNT = 3;
    private static final int CLIENT_COUNT = 50;
    /** The leader is killed once this many bookings are acknowledged: the load is well under way. */
    private static final int BOOKINGS_BEFORE_KILL = 20;
    /** The load stops once the new leader committed this many bookings (or the show is sold out). */
    private static final int BOOKINGS_AFTER_KILL_MIN = 10;
    private static final int SEATS_PER_REQUEST_MAX = 3;
    private static final long CLIENT_THINK_MILLIS_MAX = 20;
    /** A client retries one request (same idempotency key) at most this long before it calls the outcome unknown. */
    private static final Duration REQUEST_RETRY_BOUND = Duration.ofSeconds(15);
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(6);
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(60);
    private static final Duration LOAD_BOUND = Duration.ofSeconds(40);
    private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(20);
    private static final String LOAD_PASSWORD = "load-password-1";
    private static final PaymentDetails CARD = PaymentDetails.newBuilder().setCardNumber("4242424242424242")
            .setExpiryMonth(12).setExpiryYear(2035).setCvc("123").setCardholderName("Cluster Test").build();
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> RETRY_AFTER_MILLIS =
            Metadata.Key.of("x-boxoffice-retry-after-millis", Metadata.ASCII_STRING_MARSHALLER);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path workDirectory;
    private static final List<NodeProcess> NODES = new ArrayList<>();
    private static volatile boolean failed = true;

    // ------------------------------------------------------------------ cluster lifecycle

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    static void startCluster() throws Exception {
        Path jar = Path.of(System.getProperty("boxoffice.it.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            fail(jar + " is missing: the test runs the packaged node. Build it with ./mvnw -B package -pl "
                    + "booking-node -DskipTests, or run the test through ./mvnw -B verify -pl booking-node");
        }
        workDirectory = Files.createTempDirectory("boxoffice-3node-");
        Runtime.getRuntime().addShutdownHook(new Thread(ThreeNodeClusterIT::killAll, "kill-booking-nodes"));
        jar = privateCopyOfApp(jar.getParent(), workDirectory.resolve("quarkus-app")).resolve(jar.getFileName());
        Map<String, String> shared = sharedEnvironment(workDirectory);
        int portBase = Integer.getInteger("boxoffice.it.port-base", 23100);
        for (int i = 1; i <= NODE_COUNT; i++) {
            NODES.add(new NodeProcess("node" + i, jar, portBase + 10 + i, portBase + 20 + i, portBase + 30 + i,
                    workDirectory, shared));
        }
        for (NodeProcess node : NODES) {
            node.assertPortsFree();
        }
        shared.put("BOXOFFICE_PEERS", NODES.stream().map(n -> n.id + "=localhost:" + n.peerPort)
                .collect(Collectors.joining(",")));
        shared.put("BOXOFFICE_CLIENT_ENDPOINTS", NODES.stream().map(n -> n.id + "=localhost:" + n.grpcPort)
                .collect(Collectors.joining(",")));
        long startNanos = System.nanoTime();
        for (NodeProcess node : NODES) {
            node.start();
        }
        awaitAllReady(NODES, STARTUP_BOUND);
        awaitDemoData(STARTUP_BOUND);
        log("3 nodes ready with demo data in %d ms (work directory %s)", millisSince(startNanos), workDirectory);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        killAll();
        if (failed) {
            for (NodeProcess node : NODES) {
                log("---- last lines of %s (%s)\n%s", node.id, node.logFile, node.logTail(60));
            }
        }
        if (failed || Boolean.getBoolean("boxoffice.it.keep")) {
            log("kept %s (node logs and data) for diagnosis", workDirectory);
        } else if (workDirectory != null) {
            try (Stream<Path> paths = Files.walk(workDirectory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static synchronized void killAll() {
        for (NodeProcess node : NODES) {
            node.kill();
        }
    }

    /** Keys, the cluster credential and what every member shares; the process's own BOXOFFICE_* are not inherited. */
    private static Map<String, String> sharedEnvironment(Path directory) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path privateKey = Files.writeString(directory.resolve("jwt-private.pem"), pem("PRIVATE KEY",
                keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Path publicKey = Files.writeString(directory.resolve("jwt-public.pem"), pem("PUBLIC KEY",
                keys.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        Path peerToken = Files.writeString(directory.resolve("peer-token"), HexFormat.of().formatHex(token) + "\n");
        Map<String, String> environment = new HashMap<>();
        environment.put("BOXOFFICE_AUTH_PRIVATE_KEY_FILE", privateKey.toString());
        environment.put("BOXOFFICE_AUTH_PUBLIC_KEY_FILE", publicKey.toString());
        environment.put("BOXOFFICE_PEER_TOKEN_FILE", peerToken.toString());
        environment.put("BOXOFFICE_DEMO_DATA", "true");
        // 50 load users are created and log in: a cheap hash keeps that from dominating the run.
        environment.put("BOXOFFICE_AUTH_PASSWORD_HASH_ITERATIONS", "1000");
        // Snapshots and log compaction happen during the load, so the killed node's restart recovers from a
        // snapshot (its own or one the leader installs) rather than only replaying its log.
        environment.put("BOXOFFICE_RAFT_SNAPSHOT_INTERVAL_ENTRIES", "200");
        return environment;
    }

    /**
     * Every start and the restart run the same build: a private copy of the packaged app (hard links where
     * the file system allows), which a rebuild of {@code target/} during the run cannot change or remove.
     */
    private static Path privateCopyOfApp(Path app, Path copy) throws IOException {
        try (Stream<Path> paths = Files.walk(app)) {
            for (Path source : paths.toList()) {
                Path target = copy.resolve(app.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    continue;
                }
                try {
                    Files.createLink(target, source);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source, target);
                }
            }
        }
        return copy;
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    // ------------------------------------------------------------------ the scenario

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void when_the_leader_is_killed_mid_load_then_no_seat_is_sold_twice_and_no_acknowledged_booking_is_lost()
            throws Exception {
        String adminToken = login(NODES.get(0), "admin", "admin123");
        String showId = catalog(NODES.get(1), adminToken).listShows(ListShowsRequest.getDefaultInstance())
                .getShows(0).getId();
        List<List<String>> rows = sellableRows(catalog(NODES.get(2), adminToken)
                .getSeatMap(GetSeatMapRequest.newBuilder().setShowId(showId).build()));
        int sellableSeats = rows.stream().mapToInt(List::size).sum();
        List<LoadClient> clients = prepareClients(adminToken);

        LoadRun run = new LoadRun(showId, rows, sellableSeats, new Random(seed()));
        NodeProcess killed = runLoadAndKillLeader(run, clients, adminToken);
        List<NodeProcess> survivors = NODES.stream().filter(node -> node != killed).toList();

        List<Attempt> attempts = resolveUnknownOutcomes(run.attempts(), clients, survivors);
        assertThat(attempts.stream().filter(a -> a.outcome == Outcome.UNEXPECTED).map(Attempt::describe).toList())
                .as("requests that failed with a status other than FAILED_PRECONDITION (seats taken) or a "
                        + "retried UNAVAILABLE / DEADLINE_EXCEEDED").isEmpty();
        List<Attempt> booked = attempts.stream().filter(a -> a.outcome == Outcome.BOOKED).toList();
        report(run, attempts, killed);
        assertThat(attempts.stream().filter(a -> a.outcome == Outcome.SEATS_TAKEN).count())
                .as("clients competed for the same seats").isPositive();
        assertAcknowledgedBookingsAreDisjoint(booked);
        assertThat(run.firstBookingAfterDeathNanos()).as("a booking committed by the new leader after the SIGKILL")
                .isPositive();
        assertThat(booked.stream().filter(a -> a.booking.getCreatedAtMillis() < run.deathWallMillis()
                && !a.answeredBy.equals(killed.id)).count())
                .as("bookings a follower forwarded to the leader before the kill").isPositive();

        awaitConverged(survivors, CONVERGENCE_BOUND);
        Map<String, Booking> agreed = assertReplicasAgree(survivors, adminToken, showId, booked, sellableSeats);

        assertRetryAfterFailoverReturnsTheOriginal(booked, run.deathWallMillis(), clients, survivors, adminToken,
                showId);

        long restartNanos = System.nanoTime();
        killed.start();
        awaitAllReady(NODES, STARTUP_BOUND);
        awaitConverged(NODES, CONVERGENCE_BOUND);
        log("%s restarted from its data directory and caught up in %d ms; snapshot index per node: %s", killed.id,
                millisSince(restartNanos), NODES.stream().map(n -> n.id + "=" + n.snapshotIndex()).toList());
        Map<String, Booking> afterRestart = assertReplicasAgree(NODES, adminToken, showId, booked, sellableSeats);
        assertThat(afterRestart).as("bookings after the restart of " + killed.id).isEqualTo(agreed);
        assertStateHashesEqual(adminToken);
        failed = false;
    }

    // ------------------------------------------------------------------ load

    /** One client per user, so no user hits the per-user hold limit; clients are spread over the nodes. */
    private static List<LoadClient> prepareClients(String adminToken) throws Exception {
        List<LoadClient> clients = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LoadClient>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENT_COUNT; i++) {
                int index = i;
                futures.add(executor.submit(() -> prepareClient(index, adminToken)));
            }
            for (Future<LoadClient> future : futures) {
                clients.add(future.get(60, TimeUnit.SECONDS));
            }
        }
        return clients;
    }

    private static LoadClient prepareClient(int index, String adminToken) {
        NodeProcess home = NODES.get(index % NODE_COUNT);
        return switch (index) {
            case 0 -> new LoadClient(index, "user1", home, login(home, "user1", "password1"));
            case 1 -> new LoadClient(index, "user2", home, login(home, "user2", "password2"));
            default -> {
                String username = String.format("load-%02d", index);
                retrying(() -> as(AdminServiceGrpc.newBlockingStub(home.channel()), adminToken)
                        .createUser(CreateUserRequest.newBuilder().setUsername(username).setPassword(LOAD_PASSWORD)
                                .setIdempotencyKey("it-create-" + username).build()));
                yield new LoadClient(index, username, home, login(home, username, LOAD_PASSWORD));
            }
        };
    }

    /**
     * Starts the clients, SIGKILLs the leader once {@link #BOOKINGS_BEFORE_KILL} bookings are acknowledged,
     * and stops the load once the new leader committed {@link #BOOKINGS_AFTER_KILL_MIN} bookings or the show
     * is sold out. Returns the killed node.
     */
    private static NodeProcess runLoadAndKillLeader(LoadRun run, List<LoadClient> clients, String adminToken)
            throws Exception {
        NodeProcess leader;
        long loadStartNanos = System.nanoTime();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (LoadClient client : clients) {
                executor.submit(() -> client.run(run));
            }
            awaitCondition("" + BOOKINGS_BEFORE_KILL + " acknowledged bookings before the kill", LOAD_BOUND,
                    () -> run.bookedCount.get() >= BOOKINGS_BEFORE_KILL);
            leader = leader(adminToken);
            run.markKill();
            leader.kill();
            run.markDeath();
            log("SIGKILLed leader %s after %d bookings, %d ms into the load", leader.id, run.bookedCount.get(),
                    millisSince(loadStartNanos));
            awaitCondition("bookings committed by the new leader", LOAD_BOUND, () -> run.bookedAfterDeath.get()
                    >= BOOKINGS_AFTER_KILL_MIN || run.bookedSeats.get() >= run.sellableSeats);
            run.stop.set(true);
        }
        log("load ran %d ms", millisSince(loadStartNanos));
        return leader;
    }

    /** The leader as the cluster reports it, asked through every node until one answers. */
    private static NodeProcess leader(String adminToken) {
        return retrying(() -> {
            for (NodeProcess node : NODES) {
                if (!node.isAlive()) {
                    continue;
                }
                try {
                    ClusterStatus status = cluster(node, adminToken).getClusterStatus(
                            GetClusterStatusRequest.getDefaultInstance());
                    if (!status.getLeaderId().isEmpty()) {
                        return node(status.getLeaderId());
                    }
                } catch (StatusRuntimeException e) {
                    // Try the next node; the retry loop around bounds the search.
                }
            }
            throw Status.UNAVAILABLE.withDescription("no node reports a leader").asRuntimeException();
        });
    }

    /**
     * Outcomes that stayed unknown (retries exhausted during the failover) are settled the way a real client
     * would: the same request with the same key, now that the cluster is stable. The key makes this safe.
     */
    private static List<Attempt> resolveUnknownOutcomes(List<Attempt> attempts, List<LoadClient> clients,
                                                        List<NodeProcess> survivors) {
        List<Attempt> resolved = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (attempt.outcome != Outcome.UNKNOWN) {
                resolved.add(attempt);
                continue;
            }
            LoadClient client = clients.get(attempt.client);
            Attempt settled = client.book(attempt.request, survivors.get(0), survivors);
            log("settled unknown outcome of %s: %s", attempt.request.getIdempotencyKey(), settled.describe());
            assertThat(settled.outcome).as("outcome of " + attempt.request.getIdempotencyKey() + " once stable")
                    .isIn(Outcome.BOOKED, Outcome.SEATS_TAKEN);
            resolved.add(settled);
        }
        return resolved;
    }

    // ------------------------------------------------------------------ checks

    private static void assertAcknowledgedBookingsAreDisjoint(List<Attempt> booked) {
        Map<String, String> bookingBySeat = new TreeMap<>();
        for (Attempt attempt : booked) {
            Booking booking = attempt.booking;
            assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
            assertThat(seatIds(booking)).as("seats of " + booking.getId())
                    .isEqualTo(new TreeSet<>(attempt.request.getSeatIdsList()));
            for (String seat : seatIds(booking)) {
                String other = bookingBySeat.put(seat, booking.getId());
                assertThat(other == null || other.equals(booking.getId()))
                        .as("seat " + seat + " acknowledged to two bookings: " + other + " and " + booking.getId())
                        .isTrue();
            }
        }
    }

    /**
     * Stale reads on every node in {@code nodes}: the same bookings everywhere, each acknowledged one among
     * them, no seat in two confirmed bookings, and the seat map agrees. Returns the agreed bookings.
     */
    private static Map<String, Booking> assertReplicasAgree(List<NodeProcess> nodes, String adminToken, String showId,
                                                           List<Attempt> booked, int sellableSeats) {
        Map<String, Booking> reference = null;
        for (NodeProcess node : nodes) {
            Map<String, Booking> bookings = staleBookings(node, adminToken, showId);
            for (Attempt attempt : booked) {
                Booking stored = bookings.get(attempt.booking.getId());
                assertThat(stored).as("acknowledged booking " + attempt.booking.getId() + " on " + node.id).isNotNull();
                assertThat(stored.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
                assertThat(seatIds(stored)).isEqualTo(seatIds(attempt.booking));
                assertThat(stored.getUserId()).isEqualTo(attempt.booking.getUserId());
            }
            Set<String> bookedSeats = assertNoSeatSoldTwice(node, bookings.values());
            assertSeatMapMatches(node, adminToken, showId, bookedSeats, sellableSeats);
            Booking sample = booked.get(booked.size() / 2).booking;
            assertThat(booking(node, adminToken).getBooking(GetBookingRequest.newBuilder()
                    .setBookingId(sample.getId()).setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build())
                    .getAuditList()).as("audit trail of " + sample.getId() + " on " + node.id).isNotEmpty();
            if (reference == null) {
                reference = bookings;
            } else {
                assertThat(bookings).as("bookings on " + node.id + " and on " + nodes.get(0).id).isEqualTo(reference);
            }
        }
        log("%s agree on %d bookings of the show (%d acknowledged to clients)",
                nodes.stream().map(n -> n.id).toList(), reference.size(), booked.size());
        return reference;
    }

    private static Set<String> assertNoSeatSoldTwice(NodeProcess node, Iterable<Booking> bookings) {
        Map<String, String> bookingBySeat = new TreeMap<>();
        for (Booking booking : bookings) {
            if (booking.getStatus() != BookingStatus.BOOKING_STATUS_CONFIRMED) {
                continue;
            }
            for (String seat : seatIds(booking)) {
                String other = bookingBySeat.put(seat, booking.getId());
                assertThat(other).as("seat " + seat + " on " + node.id + " is in " + other + " and " + booking.getId())
                        .isNull();
            }
        }
        return bookingBySeat.keySet();
    }

    private static void assertSeatMapMatches(NodeProcess node, String adminToken, String showId,
                                             Set<String> bookedSeats, int sellableSeats) {
        SeatMap map = catalog(node, adminToken).getSeatMap(GetSeatMapRequest.newBuilder().setShowId(showId)
                .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build());
        Map<SeatState, Set<String>> byState = new TreeMap<>();
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                byState.computeIfAbsent(seat.getState(), state -> new TreeSet<>()).add(seat.getId());
            }
        }
        assertThat(byState.getOrDefault(SeatState.SEAT_STATE_BOOKED, Set.of())).as("booked seats on " + node.id)
                .isEqualTo(bookedSeats);
        assertThat(byState.getOrDefault(SeatState.SEAT_STATE_HELD, Set.of()))
                .as("seats left held on " + node.id + " (BookSeats books or holds nothing)").isEmpty();
        assertThat(bookedSeats.size() + byState.getOrDefault(SeatState.SEAT_STATE_FREE, Set.of()).size())
                .isEqualTo(sellableSeats);
    }

    /**
     * Step 5: a booking acknowledged by the killed leader and one by its successor, each retried with its
     * own idempotency key through a survivor, answer their original booking and change nothing.
     */
    private static void assertRetryAfterFailoverReturnsTheOriginal(List<Attempt> booked, long deathWallMillis,
                                                                   List<LoadClient> clients,
                                                                   List<NodeProcess> survivors, String adminToken,
                                                                   String showId) {
        List<Attempt> retried = new ArrayList<>();
        booked.stream().filter(a -> a.booking.getCreatedAtMillis() < deathWallMillis).findFirst().ifPresent(retried::add);
        booked.stream().filter(a -> a.booking.getCreatedAtMillis() >= deathWallMillis).findFirst().ifPresent(retried::add);
        assertThat(retried).as("bookings from before and after the failover").hasSize(2);
        int bookingsBefore = countAllBookings(survivors.get(0), adminToken);
        SeatMap seatsBefore = linearizableSeatMap(survivors.get(1), adminToken, showId);
        for (int i = 0; i < retried.size(); i++) {
            Attempt original = retried.get(i);
            LoadClient client = clients.get(original.client);
            NodeProcess via = survivors.get(i % survivors.size());
            Booking again = booking(via, client.token).bookSeats(original.request);
            assertThat(again.getId()).as("retry of " + original.request.getIdempotencyKey() + " via " + via.id)
                    .isEqualTo(original.booking.getId());
            assertThat(seatIds(again)).isEqualTo(seatIds(original.booking));
        }
        assertThat(countAllBookings(survivors.get(1), adminToken)).as("bookings after the retries")
                .isEqualTo(bookingsBefore);
        assertThat(linearizableSeatMap(survivors.get(0), adminToken, showId).getRowsList())
                .as("seat map after the retries").isEqualTo(seatsBefore.getRowsList());
        log("retried %s after the failover: original bookings returned, still %d bookings",
                retried.stream().map(a -> a.request.getIdempotencyKey()).toList(), bookingsBefore);
    }

    /**
     * GetClusterStatus fills state_hash for the answering node only (the leader), so leadership is moved
     * to each node in turn and each reports its own hash; no write happens meanwhile.
     */
    private static void assertStateHashesEqual(String adminToken) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (NodeProcess target : NODES) {
            NodeProcess current = leader(adminToken);
            if (current != target) {
                retrying(() -> cluster(current, adminToken).transferLeadership(TransferLeadershipRequest.newBuilder()
                        .setTargetNodeId(target.id).build()));
            }
            ClusterStatus status = retrying(() -> {
                ClusterStatus answer = cluster(target, adminToken).getClusterStatus(
                        GetClusterStatusRequest.getDefaultInstance());
                if (!answer.getReportingNodeId().equals(target.id) || !answer.getLeaderId().equals(target.id)) {
                    throw Status.UNAVAILABLE.withDescription(target.id + " does not lead yet").asRuntimeException();
                }
                return answer;
            });
            NodeStatus own = status.getNodesList().stream().filter(n -> n.getId().equals(target.id)).findFirst()
                    .orElseThrow();
            assertThat(own.getStateHash()).as("state hash reported by " + target.id).isNotEmpty();
            hashes.put(target.id + "@" + own.getAppliedIndex(), own.getStateHash());
        }
        log("state hashes: %s", hashes);
        assertThat(new TreeSet<>(hashes.values())).as("state hashes per node " + hashes).hasSize(1);
    }

    // ------------------------------------------------------------------ reads

    private static Map<String, Booking> staleBookings(NodeProcess node, String adminToken, String showId) {
        Map<String, Booking> bookings = new TreeMap<>();
        String pageToken = "";
        do {
            ListBookingsResponse page = as(AdminServiceGrpc.newBlockingStub(node.channel()), adminToken)
                    .listAllBookings(ListAllBookingsRequest.newBuilder().setShowId(showId).setPageSize(500)
                            .setPageToken(pageToken).setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build());
            page.getBookingsList().forEach(b -> bookings.put(b.getId(), b));
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        return bookings;
    }

    private static int countAllBookings(NodeProcess node, String adminToken) {
        int count = 0;
        String pageToken = "";
        do {
            ListBookingsResponse page = as(AdminServiceGrpc.newBlockingStub(node.channel()), adminToken)
                    .listAllBookings(ListAllBookingsRequest.newBuilder().setPageSize(500).setPageToken(pageToken)
                            .build());
            count += page.getBookingsCount();
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        return count;
    }

    private static SeatMap linearizableSeatMap(NodeProcess node, String adminToken, String showId) {
        return catalog(node, adminToken).getSeatMap(GetSeatMapRequest.newBuilder().setShowId(showId).build());
    }

    /** Seats that can be sold, per row in seat order (blocked seats left out). */
    private static List<List<String>> sellableRows(SeatMap map) {
        List<List<String>> rows = new ArrayList<>();
        for (SeatRow row : map.getRowsList()) {
            rows.add(row.getSeatsList().stream().filter(seat -> seat.getState() == SeatState.SEAT_STATE_FREE)
                    .map(Seat::getId).toList());
        }
        return rows;
    }

    private static Set<String> seatIds(Booking booking) {
        return booking.getSeatsList().stream().map(SeatLine::getSeatId).collect(Collectors.toCollection(TreeSet::new));
    }

    // ------------------------------------------------------------------ waiting

    private static void awaitAllReady(List<NodeProcess> nodes, Duration bound) throws InterruptedException {
        awaitCondition("every node ready (/q/health/ready) with the same leader", bound, () -> {
            List<Readiness> states = nodes.stream().map(NodeProcess::readiness).toList();
            return states.stream().allMatch(Readiness::up)
                    && states.stream().map(Readiness::leaderId).distinct().count() == 1;
        });
    }

    private static void awaitDemoData(Duration bound) throws InterruptedException {
        awaitCondition("demo users and shows", bound, () -> {
            try {
                String token = login(NODES.get(0), "user1", "password1");
                return catalog(NODES.get(0), token).listShows(ListShowsRequest.getDefaultInstance()).getShowsCount() > 0;
            } catch (StatusRuntimeException e) {
                return false;
            }
        });
    }

    /** Every node in {@code nodes} ready, with one leader and one applied index equal to every commit index. */
    private static void awaitConverged(List<NodeProcess> nodes, Duration bound) throws InterruptedException {
        AtomicInteger stableRounds = new AtomicInteger();
        awaitCondition("applied indexes of " + nodes.stream().map(n -> n.id).toList() + " to converge", bound, () -> {
            List<Readiness> states = nodes.stream().map(NodeProcess::readiness).toList();
            boolean converged = states.stream().allMatch(Readiness::up)
                    && states.stream().map(Readiness::leaderId).distinct().count() == 1
                    && states.stream().flatMap(s -> Stream.of(s.appliedIndex(), s.commitIndex())).distinct().count() == 1;
            if (!converged) {
                stableRounds.set(0);
                return false;
            }
            // Followers learn the commit index with the next heartbeat: agreement must hold for a moment.
            return stableRounds.incrementAndGet() >= 3;
        });
    }

    private static void awaitCondition(String what, Duration bound, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            for (NodeProcess node : NODES) {
                if (node.exitedUnexpectedly()) {
                    fail(node.id + " exited with status " + node.exitValue() + " while waiting for " + what
                            + "; its log:\n" + node.logTail(40));
                }
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + bound.toMillis() + " ms waiting for " + what + "; readiness: "
                        + NODES.stream().map(n -> n.id + "=" + n.readiness()).toList());
            }
            Thread.sleep(50);
        }
    }

    /** Runs {@code call} until it stops answering UNAVAILABLE or DEADLINE_EXCEEDED, for at most 20 s. */
    private static <T> T retrying(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                if (!retriable(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                sleepMillis(100);
            }
        }
    }

    private static boolean retriable(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    // ------------------------------------------------------------------ stubs

    private static String login(NodeProcess node, String username, String password) {
        return retrying(() -> AuthServiceGrpc.newBlockingStub(node.channel())
                .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build()).getToken());
    }

    private static <S extends AbstractStub<S>> S as(S stub, String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static CatalogServiceGrpc.CatalogServiceBlockingStub catalog(NodeProcess node, String token) {
        return as(CatalogServiceGrpc.newBlockingStub(node.channel()), token);
    }

    private static BookingServiceGrpc.BookingServiceBlockingStub booking(NodeProcess node, String token) {
        return as(BookingServiceGrpc.newBlockingStub(node.channel()), token);
    }

    private static ClusterServiceGrpc.ClusterServiceBlockingStub cluster(NodeProcess node, String token) {
        return as(ClusterServiceGrpc.newBlockingStub(node.channel()), token);
    }

    private static NodeProcess node(String id) {
        return NODES.stream().filter(n -> n.id.equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("unknown node id " + id));
    }

    // ------------------------------------------------------------------ reporting

    private static void report(LoadRun run, List<Attempt> attempts, NodeProcess killed) {
        Map<Outcome, Long> byOutcome = attempts.stream().collect(Collectors.groupingBy(a -> a.outcome, TreeMap::new,
                Collectors.counting()));
        long retried = attempts.stream().filter(a -> a.tries > 1).count();
        Map<String, Long> bookedVia = attempts.stream().filter(a -> a.outcome == Outcome.BOOKED).collect(
                Collectors.groupingBy(Attempt::answeredBy, TreeMap::new, Collectors.counting()));
        log("%d requests by %d clients: %s; %d needed retries (same key), %d were settled after the load",
                attempts.size(), CLIENT_COUNT, byOutcome, retried, run.unknownCount.get());
        log("%d of %d seats sold; bookings answered via %s; %d committed by the new leader", run.bookedSeats.get(),
                run.sellableSeats, bookedVia, run.bookedAfterDeath.get());
        log("FAILOVER: leader %s SIGKILLed -> first booking committed by the new leader: acknowledged after %d ms "
                        + "(commit stamped %d ms after the killed JVM was gone)", killed.id,
                (run.firstBookingAfterDeathNanos() - run.killNanos) / 1_000_000, run.firstCommitAfterDeathMillis());
    }

    private static long seed() {
        long seed = Long.getLong("boxoffice.it.seed", System.nanoTime());
        log("seat choice seed %d (-Dboxoffice.it.seed=%d repeats the choices, not the interleaving)", seed, seed);
        return seed;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void log(String format, Object... arguments) {
        System.out.println(LOG_PREFIX + String.format(format, arguments));
    }

    // ------------------------------------------------------------------ types

    enum Outcome { BOOKED, SEATS_TAKEN, UNKNOWN, UNEXPECTED }

    /** One BookSeats request as its client saw it in the end, after its retries. */
    record Attempt(int client, BookSeatsRequest request, Outcome outcome, Booking booking, String answeredBy,
                   long answeredNanos, int tries, String error) {
        String describe() {
            return request.getIdempotencyKey() + " " + request.getSeatIdsList() + " → " + outcome
                    + (booking != null ? " " + booking.getId() : "") + (error != null ? " (" + error + ")" : "")
                    + " after " + tries + " tries";
        }
    }

    /** The shared state of one load run: the show, what clients saw, and the kill's timing. */
    static final class LoadRun {
        final String showId;
        final List<List<String>> rows;
        final int sellableSeats;
        final Random random;
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        final AtomicInteger bookedCount = new AtomicInteger();
        final AtomicInteger bookedSeats = new AtomicInteger();
        final AtomicInteger bookedAfterDeath = new AtomicInteger();
        final AtomicInteger unknownCount = new AtomicInteger();
        volatile long killNanos;
        /** Wall time once the killed JVM is gone: a commit stamped at or after it is the new leader's. */
        volatile long deathWallMillis = Long.MAX_VALUE;

        LoadRun(String showId, List<List<String>> rows, int sellableSeats, Random random) {
            this.showId = showId;
            this.rows = rows;
            this.sellableSeats = sellableSeats;
            this.random = random;
        }

        void markKill() {
            killNanos = System.nanoTime();
        }

        void markDeath() {
            deathWallMillis = System.currentTimeMillis();
        }

        long deathWallMillis() {
            return deathWallMillis;
        }

        void record(Attempt attempt) {
            attempts.add(attempt);
            if (attempt.outcome == Outcome.BOOKED) {
                bookedCount.incrementAndGet();
                bookedSeats.addAndGet(attempt.booking.getSeatsCount());
                if (attempt.booking.getCreatedAtMillis() >= deathWallMillis) {
                    bookedAfterDeath.incrementAndGet();
                }
            } else if (attempt.outcome == Outcome.UNKNOWN) {
                unknownCount.incrementAndGet();
            }
        }

        List<Attempt> attempts() {
            return List.copyOf(attempts);
        }

        /** Adjacent seats (1..3) of one random row: every client draws from the same seats, so requests collide. */
        synchronized List<String> randomSeats() {
            List<String> row = rows.get(random.nextInt(rows.size()));
            int count = Math.min(row.size(), 1 + random.nextInt(SEATS_PER_REQUEST_MAX));
            int first = random.nextInt(row.size() - count + 1);
            return row.subList(first, first + count);
        }

        synchronized long thinkMillis() {
            return random.nextLong(CLIENT_THINK_MILLIS_MAX + 1);
        }

        /** When the first booking the new leader committed was acknowledged (0 if none). */
        long firstBookingAfterDeathNanos() {
            return attempts.stream().filter(a -> a.outcome == Outcome.BOOKED
                    && a.booking.getCreatedAtMillis() >= deathWallMillis).mapToLong(Attempt::answeredNanos).min()
                    .orElse(0);
        }

        long firstCommitAfterDeathMillis() {
            return attempts.stream().filter(a -> a.outcome == Outcome.BOOKED
                    && a.booking.getCreatedAtMillis() >= deathWallMillis)
                    .mapToLong(a -> a.booking.getCreatedAtMillis() - deathWallMillis).min().orElse(-1);
        }
    }

    /** One user booking in a loop, starting at its home node and moving to the next node when one fails. */
    static final class LoadClient {
        final int index;
        final String username;
        final NodeProcess home;
        final String token;
        private int sequence;

        LoadClient(int index, String username, NodeProcess home, String token) {
            this.index = index;
            this.username = username;
            this.home = home;
            this.token = token;
        }

        void run(LoadRun run) {
            while (!run.stop.get()) {
                BookSeatsRequest request = BookSeatsRequest.newBuilder().setShowId(run.showId)
                        .addAllSeatIds(run.randomSeats()).setPayment(CARD)
                        .setIdempotencyKey("it-" + username + "-" + (++sequence)).build();
                run.record(book(request, home, NODES));
                sleepMillis(run.thinkMillis());
            }
        }

        /**
         * Books with retries: UNAVAILABLE and DEADLINE_EXCEEDED are retried with the same request (same
         * idempotency key) on the next node, bounded by {@link #REQUEST_RETRY_BOUND}.
         */
        Attempt book(BookSeatsRequest request, NodeProcess first, List<NodeProcess> nodes) {
            long deadline = System.nanoTime() + REQUEST_RETRY_BOUND.toNanos();
            int nodeIndex = Math.max(0, nodes.indexOf(first));
            int tries = 0;
            while (true) {
                tries++;
                NodeProcess node = nodes.get(nodeIndex % nodes.size());
                try {
                    Booking booking = booking(node, token).bookSeats(request);
                    return new Attempt(index, request, Outcome.BOOKED, booking, node.id, System.nanoTime(), tries,
                            null);
                } catch (StatusRuntimeException e) {
                    String error = node.id + ": " + e.getStatus();
                    if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                        return new Attempt(index, request, Outcome.SEATS_TAKEN, null, node.id, System.nanoTime(), tries,
                                error);
                    }
                    if (!retriable(e)) {
                        return new Attempt(index, request, Outcome.UNEXPECTED, null, node.id, System.nanoTime(), tries,
                                error);
                    }
                    if (System.nanoTime() > deadline) {
                        return new Attempt(index, request, Outcome.UNKNOWN, null, node.id, System.nanoTime(), tries,
                                error);
                    }
                    sleepMillis(retryAfterMillis(e));
                    nodeIndex++;
                }
            }
        }

        private static long retryAfterMillis(StatusRuntimeException e) {
            String hint = e.getTrailers() == null ? null : e.getTrailers().get(RETRY_AFTER_MILLIS);
            try {
                return hint == null ? 50 : Math.min(500, Long.parseLong(hint));
            } catch (NumberFormatException malformed) {
                return 50;
            }
        }
    }

    record Readiness(boolean up, String leaderId, long commitIndex, long appliedIndex) {
        static final Readiness DOWN = new Readiness(false, "", -1, -1);
    }

    /** One booking node JVM with its ports, data directory, log file and a client channel. */
    static final class NodeProcess {
        private static final Pattern NUMBER_FIELD = Pattern.compile("\"(commitIndex|appliedIndex)\"\\s*:\\s*(\\d+)");
        private static final Pattern SNAPSHOT_INDEX =
                Pattern.compile("(?m)^boxoffice_raft_snapshot_index(?:\\{[^}]*\\})? ([0-9.eE+]+)");
        private static final Pattern LEADER_FIELD = Pattern.compile("\"leaderId\"\\s*:\\s*\"([^\"]*)\"");

        final String id;
        final int peerPort;
        final int grpcPort;
        final int httpPort;
        final Path logFile;
        private final Path jar;
        private final Path dataDirectory;
        private final Map<String, String> sharedEnvironment;
        private Process process;
        private ManagedChannel channel;
        private volatile boolean killedOnPurpose;

        NodeProcess(String id, Path jar, int peerPort, int grpcPort, int httpPort, Path workDirectory,
                    Map<String, String> sharedEnvironment) {
            this.id = id;
            this.jar = jar;
            this.peerPort = peerPort;
            this.grpcPort = grpcPort;
            this.httpPort = httpPort;
            this.dataDirectory = workDirectory.resolve(id);
            this.logFile = workDirectory.resolve(id + ".log");
            this.sharedEnvironment = sharedEnvironment;
        }

        void assertPortsFree() {
            for (int port : new int[] {peerPort, grpcPort, httpPort}) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    fail("port " + port + " for " + id + " is in use; pick another range with "
                            + "-Dboxoffice.it.port-base=<n> (uses n+11..n+33)");
                }
            }
        }

        /** Starts (or restarts, on the same data directory) the JVM. */
        synchronized void start() throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", jar.toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(key -> key.startsWith("BOXOFFICE_") || key.startsWith("QUARKUS_"));
            environment.putAll(sharedEnvironment);
            environment.put("BOXOFFICE_NODE_ID", id);
            environment.put("BOXOFFICE_PEER_PORT", String.valueOf(peerPort));
            environment.put("BOXOFFICE_GRPC_PORT", String.valueOf(grpcPort));
            environment.put("BOXOFFICE_HTTP_PORT", String.valueOf(httpPort));
            environment.put("BOXOFFICE_DATA_DIR", dataDirectory.toString());
            killedOnPurpose = false;
            process = builder.start();
            if (channel != null) {
                channel.shutdownNow(); // A fresh channel, not one sitting in reconnect backoff.
            }
            channel = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
        }

        synchronized ManagedChannel channel() {
            return channel;
        }

        /** SIGKILL ({@link Process#destroyForcibly()}) and wait until the process is gone. */
        synchronized void kill() {
            if (process == null || !process.isAlive()) {
                return;
            }
            killedOnPurpose = true;
            process.destroyForcibly();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(id + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized boolean isAlive() {
            return process != null && process.isAlive();
        }

        synchronized boolean exitedUnexpectedly() {
            return process != null && !process.isAlive() && !killedOnPurpose;
        }

        synchronized int exitValue() {
            return process.exitValue();
        }

        Readiness readiness() {
            if (!isAlive()) {
                return Readiness.DOWN;
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                                + httpPort + "/q/health/ready")).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                Map<String, Long> numbers = new HashMap<>();
                Matcher matcher = NUMBER_FIELD.matcher(response.body());
                while (matcher.find()) {
                    numbers.put(matcher.group(1), Long.parseLong(matcher.group(2)));
                }
                Matcher leader = LEADER_FIELD.matcher(response.body());
                return new Readiness(response.statusCode() == 200, leader.find() ? leader.group(1) : "",
                        numbers.getOrDefault("commitIndex", -1L), numbers.getOrDefault("appliedIndex", -1L));
            } catch (IOException e) {
                return Readiness.DOWN; // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Readiness.DOWN;
            }
        }

        /** {@code boxoffice_raft_snapshot_index} from the node's metrics, -1 when unreadable. */
        long snapshotIndex() {
            try {
                String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort
                        + "/q/metrics")).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher matcher = SNAPSHOT_INDEX.matcher(metrics);
                return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : -1;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e + ")";
            }
        }
    }
}
