package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.cluster.FailoverLoad.Attempt;
import io.boxoffice.booking.cluster.FailoverLoad.Outcome;
import io.boxoffice.booking.testing.LoopbackCluster;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.testkit.client.Retrying;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live 3-node test: three packaged booking nodes ({@code target/quarkus-app/quarkus-run.jar})
 * in their own JVMs on loopback, 50 concurrent clients ({@link FailoverClient}) booking overlapping seats of
 * one demo show through all three nodes (so followers forward to the leader), and the leader SIGKILLed in the
 * middle of the load.
 *
 * <p>It shows ({@link ReplicaAgreement}): no seat is booked twice; every acknowledged booking is on every
 * surviving replica (stale reads per node once the applied indexes agree) and, after a restart from its data
 * directory, on the killed node too; all nodes hold the same bookings and the same state hash; a booking
 * retried with its idempotency key after the failover answers the original booking and books nothing new. It
 * prints the time from the SIGKILL to the first booking committed by the new leader (BRIEF §6: p50 ≤ 600 ms).
 *
 * <p>Runs in failsafe's {@code integration-test} phase, after {@code package} built the jar:
 * {@code ./mvnw -B verify -pl booking-node -am -Dit.test=ThreeNodeClusterIT}. Ports come from
 * {@code -Dboxoffice.it.port-base} (default 23100: peers +11..13, gRPC +21..23, HTTP +31..33); the work
 * directory with the node logs is kept after a failure or with {@code -Dboxoffice.it.keep=true}.
 */
class ThreeNodeClusterIT {

    private static final String LOG_PREFIX = "[ThreeNodeClusterIT] ";
    private static final int CLIENT_COUNT = 50;
    /** The leader is killed once this many bookings are acknowledged: the load is well under way. */
    private static final int BOOKINGS_BEFORE_KILL = 20;
    /** The load stops once the new leader committed this many bookings (or the show is sold out). */
    private static final int BOOKINGS_AFTER_KILL_MIN = 10;
    private static final long CALL_DEADLINE_MILLIS = 6_000;
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(60);
    private static final Duration LOAD_BOUND = Duration.ofSeconds(40);
    private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(20);
    private static final String LOAD_PASSWORD = "load-password-1";
    /** Set-up calls get through elections: UNAVAILABLE and DEADLINE_EXCEEDED are retried for 20 s. */
    private static final Retrying SETUP = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(Duration.ofSeconds(20));

    private static Path workDirectory;
    private static LoopbackCluster cluster;
    private static volatile boolean failed = true;

    // ------------------------------------------------------------------ cluster lifecycle

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    static void startCluster() throws Exception {
        workDirectory = Files.createTempDirectory("boxoffice-3node-");
        cluster = LoopbackCluster.builder(workDirectory, workDirectory).members("node1", "node2", "node3")
                .portBase(Integer.getInteger("boxoffice.it.port-base", 23100))
                // Snapshots and log compaction happen during the load, so the killed node's restart recovers
                // from a snapshot (its own or one the leader installs) rather than only replaying its log.
                .setting("boxoffice.raft.snapshot-interval-entries", "200")
                .setting("boxoffice.raft.snapshot-min-log-ratio", "0").build();
        cluster.assertPortsFree("pick another range with -Dboxoffice.it.port-base=<n> (uses n+11..n+33)");
        long startNanos = System.nanoTime();
        cluster.startAll();
        cluster.awaitAllReady(cluster.members(), STARTUP_BOUND);
        cluster.within(STARTUP_BOUND).until("demo users and shows", () -> {
            String token = cluster.get(0).client().login("user1", "password1");
            return cluster.get(0).client().shows(token).size() > 0;
        });
        log("3 nodes ready with demo data in %d ms (work directory %s)", millisSince(startNanos), workDirectory);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.killAll();
            if (failed) {
                for (Member node : cluster.members()) {
                    log("---- last lines of %s (%s)\n%s", node.id(), node.process().logFile(),
                            node.process().logTail(60));
                }
            }
            cluster.close();
        }
        if (failed || Boolean.getBoolean("boxoffice.it.keep")) {
            log("kept %s (node logs and data) for diagnosis", workDirectory);
        } else if (workDirectory != null) {
            try (Stream<Path> paths = Files.walk(workDirectory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    // ------------------------------------------------------------------ the scenario

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void when_the_leader_is_killed_mid_load_then_no_seat_is_sold_twice_and_no_acknowledged_booking_is_lost()
            throws Exception {
        String adminToken = login(cluster.get(0), "admin", "admin123");
        String showId = cluster.get(1).client().catalog(adminToken, CALL_DEADLINE_MILLIS)
                .listShows(ListShowsRequest.getDefaultInstance()).getShows(0).getId();
        List<List<String>> rows = ReplicaAgreement.sellableRows(cluster.get(2).client()
                .catalog(adminToken, CALL_DEADLINE_MILLIS).getSeatMap(GetSeatMapRequest.newBuilder().setShowId(showId)
                        .build()));
        List<FailoverClient> clients = prepareClients(adminToken);

        FailoverLoad load = new FailoverLoad(showId, rows, new Random(seed()));
        Member killed = runLoadAndKillLeader(load, clients, adminToken);
        List<Member> survivors = cluster.members().stream().filter(node -> node != killed).toList();

        List<Attempt> attempts = resolveUnknownOutcomes(load.attempts(), clients, survivors);
        assertThat(attempts.stream().filter(a -> a.outcome() == Outcome.UNEXPECTED).map(Attempt::describe).toList())
                .as("requests that failed with a status other than FAILED_PRECONDITION (seats taken) or a "
                        + "retried UNAVAILABLE / DEADLINE_EXCEEDED").isEmpty();
        List<Attempt> booked = attempts.stream().filter(a -> a.outcome() == Outcome.BOOKED).toList();
        report(load, attempts, killed);
        assertThat(attempts.stream().filter(a -> a.outcome() == Outcome.SEATS_TAKEN).count())
                .as("clients competed for the same seats").isPositive();
        ReplicaAgreement.assertAcknowledgedBookingsAreDisjoint(booked);
        assertThat(load.firstBookingAfterDeathNanos()).as("a booking committed by the new leader after the SIGKILL")
                .isPositive();
        assertThat(booked.stream().filter(a -> a.booking().getCreatedAtMillis() < load.deathWallMillis()
                && !a.answeredBy().equals(killed.id())).count())
                .as("bookings a follower forwarded to the leader before the kill").isPositive();

        ReplicaAgreement replicas = new ReplicaAgreement(cluster, adminToken, showId,
                message -> log("%s", message));
        cluster.awaitConverged(survivors, CONVERGENCE_BOUND);
        Map<String, Booking> agreed = replicas.assertReplicasAgree(survivors, booked, load.sellableSeats);

        replicas.assertRetryAfterFailoverReturnsTheOriginal(booked, load.deathWallMillis(), clients, survivors);

        long restartNanos = System.nanoTime();
        killed.start();
        cluster.awaitAllReady(cluster.members(), STARTUP_BOUND);
        cluster.awaitConverged(cluster.members(), CONVERGENCE_BOUND);
        log("%s restarted from its data directory and caught up in %d ms; snapshot index per node: %s", killed.id(),
                millisSince(restartNanos), cluster.members().stream().map(n -> n.id() + "="
                        + (long) n.client().metric("boxoffice_raft_snapshot_index").orElse(-1)).toList());
        Map<String, Booking> afterRestart = replicas.assertReplicasAgree(cluster.members(), booked, load.sellableSeats);
        assertThat(afterRestart).as("bookings after the restart of " + killed.id()).isEqualTo(agreed);
        replicas.assertStateHashesEqual();
        failed = false;
    }

    // ------------------------------------------------------------------ load

    /** One client per user, so no user hits the per-user hold limit; clients are spread over the nodes. */
    private static List<FailoverClient> prepareClients(String adminToken) throws Exception {
        List<FailoverClient> clients = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<FailoverClient>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENT_COUNT; i++) {
                int index = i;
                futures.add(executor.submit(() -> prepareClient(index, adminToken)));
            }
            for (Future<FailoverClient> future : futures) {
                clients.add(future.get(60, TimeUnit.SECONDS));
            }
        }
        return clients;
    }

    private static FailoverClient prepareClient(int index, String adminToken) {
        Member home = cluster.get(index % cluster.members().size());
        return switch (index) {
            case 0 -> new FailoverClient(index, "user1", home, login(home, "user1", "password1"), cluster.members());
            case 1 -> new FailoverClient(index, "user2", home, login(home, "user2", "password2"), cluster.members());
            default -> {
                String username = String.format("load-%02d", index);
                SETUP.call(() -> home.client().admin(adminToken, CALL_DEADLINE_MILLIS).createUser(
                        CreateUserRequest.newBuilder().setUsername(username).setPassword(LOAD_PASSWORD)
                                .setIdempotencyKey("it-create-" + username).build()));
                yield new FailoverClient(index, username, home, login(home, username, LOAD_PASSWORD),
                        cluster.members());
            }
        };
    }

    /**
     * Starts the clients, SIGKILLs the leader once {@link #BOOKINGS_BEFORE_KILL} bookings are acknowledged,
     * and stops the load once the new leader committed {@link #BOOKINGS_AFTER_KILL_MIN} bookings or the show
     * is sold out. Returns the killed node.
     */
    private static Member runLoadAndKillLeader(FailoverLoad load, List<FailoverClient> clients, String adminToken) {
        Member leader;
        long loadStartNanos = System.nanoTime();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (FailoverClient client : clients) {
                executor.submit(() -> client.run(load));
            }
            cluster.within(LOAD_BOUND).until(BOOKINGS_BEFORE_KILL + " acknowledged bookings before the kill",
                    () -> load.bookedCount.get() >= BOOKINGS_BEFORE_KILL);
            leader = cluster.leader(adminToken);
            load.markKill();
            leader.process().kill();
            load.markDeath();
            log("SIGKILLed leader %s after %d bookings, %d ms into the load", leader.id(), load.bookedCount.get(),
                    millisSince(loadStartNanos));
            cluster.within(LOAD_BOUND).until("bookings committed by the new leader", () -> load.bookedAfterDeath.get()
                    >= BOOKINGS_AFTER_KILL_MIN || load.bookedSeats.get() >= load.sellableSeats);
            load.stop.set(true);
        }
        log("load ran %d ms", millisSince(loadStartNanos));
        return leader;
    }

    /**
     * Outcomes that stayed unknown (retries exhausted during the failover) are settled the way a real client
     * would: the same request with the same key, now that the cluster is stable. The key makes this safe.
     */
    private static List<Attempt> resolveUnknownOutcomes(List<Attempt> attempts, List<FailoverClient> clients,
                                                        List<Member> survivors) {
        List<Attempt> resolved = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (attempt.outcome() != Outcome.UNKNOWN) {
                resolved.add(attempt);
                continue;
            }
            FailoverClient client = clients.get(attempt.client());
            Attempt settled = client.book(attempt.request(), survivors.get(0), survivors);
            log("settled unknown outcome of %s: %s", attempt.request().getIdempotencyKey(), settled.describe());
            assertThat(settled.outcome()).as("outcome of " + attempt.request().getIdempotencyKey() + " once stable")
                    .isIn(Outcome.BOOKED, Outcome.SEATS_TAKEN);
            resolved.add(settled);
        }
        return resolved;
    }

    // ------------------------------------------------------------------ helpers

    private static String login(Member node, String username, String password) {
        return SETUP.call(() -> node.client().login(username, password));
    }

    private static void report(FailoverLoad load, List<Attempt> attempts, Member killed) {
        Map<Outcome, Long> byOutcome = attempts.stream().collect(Collectors.groupingBy(Attempt::outcome, TreeMap::new,
                Collectors.counting()));
        long retried = attempts.stream().filter(a -> a.tries() > 1).count();
        Map<String, Long> bookedVia = attempts.stream().filter(a -> a.outcome() == Outcome.BOOKED).collect(
                Collectors.groupingBy(Attempt::answeredBy, TreeMap::new, Collectors.counting()));
        log("%d requests by %d clients: %s; %d needed retries (same key), %d were settled after the load",
                attempts.size(), CLIENT_COUNT, byOutcome, retried, load.unknownCount.get());
        log("%d of %d seats sold; bookings answered via %s; %d committed by the new leader", load.bookedSeats.get(),
                load.sellableSeats, bookedVia, load.bookedAfterDeath.get());
        log("FAILOVER: leader %s SIGKILLed -> first booking committed by the new leader: acknowledged after %d ms "
                        + "(commit stamped %d ms after the killed JVM was gone)", killed.id(),
                (load.firstBookingAfterDeathNanos() - load.killNanos()) / 1_000_000, load.firstCommitAfterDeathMillis());
    }

    private static long seed() {
        long seed = Long.getLong("boxoffice.it.seed", System.nanoTime());
        log("seat choice seed %d (-Dboxoffice.it.seed=%d repeats the choices, not the interleaving)", seed, seed);
        return seed;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void log(String format, Object... arguments) {
        System.out.println(LOG_PREFIX + String.format(format, arguments));
    }
}
