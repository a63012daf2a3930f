package io.boxoffice.verifier.chaos;

import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.testkit.Eventually;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The booking cluster's side of scripts/benchmark.sh, on a 3-member cluster of real node processes (fsync
 * on, the default): confirmed bookings per second and latency at several client counts (each client a
 * blocking loop of one-seat BookSeats calls to the leader), failover time (SIGKILL the leader, then the
 * first booking acknowledged by the new leader), and what a graceful stop of the leader (SIGTERM:
 * leadership transfer first) costs clients that retry with their idempotency key.
 */
final class ClusterBenchmark {

    private static final int ROWS = 26;
    private static final int SEATS_PER_ROW = 60;
    private static final long DEADLINE_MILLIS = 5_000;
    /** Before each SIGKILL trial the cluster serves bookings for this long. */
    static final long FAILOVER_SERVING_MILLIS = 2_000;
    /** A leader counts as stable once seen for this long (no election under way). */
    private static final long STABLE_LEADER_NANOS = 1_000_000_000L;

    private final LocalCluster cluster;
    private final PrintStream out;
    private final List<String> tokens = new ArrayList<>();
    private final List<String> showIds = new ArrayList<>();
    private final AtomicLong nextSeat = new AtomicLong();
    private final AtomicLong nextKey = new AtomicLong();

    ClusterBenchmark(LocalCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    /** Shows enough for {@code seats} one-seat bookings, and one user per client. */
    void prepare(int users, int shows) {
        String admin = cluster.adminToken();
        int leader = awaitStable();
        var client = cluster.client(leader);
        var screen = client.admin(admin, DEADLINE_MILLIS).createScreen(CreateScreenRequest.newBuilder()
                .setName("Bench").setIdempotencyKey("bench-screen").setLayout(ScreenLayout.newBuilder()
                        .setRowCount(ROWS).setSeatsPerRow(SEATS_PER_ROW).addCategories(SeatCategory.newBuilder()
                                .setName("standard").setPrice(Money.newBuilder().setAmountMinor(1200).setCurrency("EUR"))
                                .addAllRows(Arrays.stream("ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("")).toList()))).build());
        var movie = client.admin(admin, DEADLINE_MILLIS).createMovie(CreateMovieRequest.newBuilder().setTitle("Bench")
                .setDurationMinutes(100).setIdempotencyKey("bench-movie").build());
        for (int show = 0; show < shows; show++) {
            showIds.add(client.admin(admin, DEADLINE_MILLIS).createShow(CreateShowRequest.newBuilder()
                    .setMovieId(movie.getId()).setScreenId(screen.getId())
                    .setStartsAtMillis(System.currentTimeMillis() + Duration.ofDays(30 + show).toMillis())
                    .setIdempotencyKey("bench-show-" + show).build()).getId());
        }
        for (int user = 0; user < users; user++) {
            String name = "bench-u" + user;
            client.admin(admin, DEADLINE_MILLIS).createUser(CreateUserRequest.newBuilder().setUsername(name)
                    .setPassword("password-" + name).addRoles("user").setIdempotencyKey(name).build());
            tokens.add(client.auth(DEADLINE_MILLIS).login(LoginRequest.newBuilder().setUsername(name)
                    .setPassword("password-" + name).build()).getToken());
        }
    }

    private BookSeatsRequest nextBooking() {
        long seat = nextSeat.getAndIncrement();
        int perShow = ROWS * SEATS_PER_ROW;
        int show = (int) (seat / perShow % showIds.size());
        int inShow = (int) (seat % perShow);
        String seatId = (char) ('A' + inShow / SEATS_PER_ROW) + Integer.toString(inShow % SEATS_PER_ROW + 1);
        return BookSeatsRequest.newBuilder().setShowId(showIds.get(show)).addSeatIds(seatId)
                .setPayment(ChaosClient.GOOD_CARD).setIdempotencyKey("bench-" + nextKey.incrementAndGet()).build();
    }

    /** Unmeasured load on the leader (JIT warm-up); returns the bookings made. */
    long warmUp(int clients, Duration duration) {
        return load(clients, awaitStable(), duration, null, null);
    }

    /** Bookings per second and latency with {@code clients} blocking loops against the leader. */
    String throughput(int clients, Duration warmup, Duration measured) {
        int leader = awaitStable();
        load(clients, leader, warmup, null, null);
        Recorder latency = new Recorder(3);
        java.util.concurrent.ConcurrentHashMap<String, AtomicLong> errors = new java.util.concurrent.ConcurrentHashMap<>();
        long bookings = load(clients, leader, measured, latency, errors);
        Histogram histogram = latency.getIntervalHistogram();
        long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
        return String.format("booking clients=%d bookings=%d per_second=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d%s",
                clients, bookings, bookings / (measured.toMillis() / 1000.0), histogram.getValueAtPercentile(50) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6, errorCount, errorCount == 0 ? "" : " error_codes=" + errors);
    }

    private long load(int clients, int slot, Duration duration, Recorder latency,
                      java.util.Map<String, AtomicLong> errors) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            String token = tokens.get(client % tokens.size());
            threads.add(Thread.ofPlatform().start(() -> {
                var stub = cluster.client(slot);
                while (!stop.get()) {
                    long start = System.nanoTime();
                    try {
                        stub.booking(token, DEADLINE_MILLIS).bookSeats(nextBooking());
                        if (!stop.get()) {
                            done.incrementAndGet();
                            if (latency != null) {
                                latency.recordValue(System.nanoTime() - start);
                            }
                        }
                    } catch (StatusRuntimeException e) {
                        if (errors != null) {
                            errors.computeIfAbsent(e.getStatus().getCode().name(), code -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                }
            }));
        }
        LocalCluster.sleep(duration.toMillis());
        stop.set(true);
        threads.forEach(ClusterBenchmark::join);
        return done.get();
    }

    /**
     * SIGKILL the leader of a serving cluster; probes on the other nodes book continuously (200 ms deadlines); the
     * failover time is from the kill to the first booking sent after it and acknowledged. Returns milliseconds
     * per trial.
     */
    List<Long> failover(int trials) {
        List<Long> millis = new ArrayList<>();
        for (int trial = 0; trial < trials; trial++) {
            int stable = awaitStable();
            // A leader fails in a cluster that is serving: bookings through every member for a moment first, so
            // the node restarted by the previous trial has caught up and run its follower path (a JVM seconds
            // old, idle since its start, answers its first appends and fsyncs several times slower).
            serve(FAILOVER_SERVING_MILLIS);
            int leader = cluster.leaderSlot().equals(Optional.of(stable)) ? stable : awaitStable();
            List<Integer> survivors = cluster.slots().stream().filter(slot -> slot != leader).toList();
            AtomicLong firstAckNanos = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean stop = new AtomicBoolean();
            java.time.Instant killedWallClock = java.time.Instant.now();
            long killedAt = System.nanoTime();
            cluster.node(leader).kill();
            killedAt = (killedAt + System.nanoTime()) / 2;
            long kill = killedAt;
            List<Thread> probes = new ArrayList<>();
            // Attempts that took long or ended the trial, as "node:+startMs/durationMs CODE", to see where a slow
            // failover spent its time (detection, election, or calls stuck until their deadline).
            List<String> notable = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int probe = 0; probe < 4; probe++) {
                int slot = survivors.get(probe % survivors.size());
                String token = tokens.get(probe);
                probes.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get() && System.nanoTime() - kill < 30_000_000_000L) {
                        long sent = System.nanoTime();
                        String outcome;
                        try {
                            cluster.client(slot).booking(token, 200).bookSeats(nextBooking());
                            outcome = "OK";
                            if (sent >= kill) {
                                firstAckNanos.accumulateAndGet(System.nanoTime(), Math::min);
                                stop.set(true);
                            }
                        } catch (StatusRuntimeException e) {
                            outcome = e.getStatus().getCode().name();
                            LocalCluster.sleep(2);
                        }
                        long durationMillis = (System.nanoTime() - sent) / 1_000_000;
                        if (durationMillis >= 50 || outcome.equals("OK")) {
                            notable.add(cluster.node(slot).nodeId() + ":+" + (sent - kill) / 1_000_000 + "/"
                                    + durationMillis + " " + outcome);
                        }
                    }
                }));
            }
            probes.forEach(ClusterBenchmark::join);
            long elapsed = firstAckNanos.get() == Long.MAX_VALUE ? -1 : (firstAckNanos.get() - kill) / 1_000_000;
            millis.add(elapsed);
            // The wall-clock time of the kill lines the trial up with the survivors' logs (role changes, commits).
            out.printf("  failover trial %d: killed %s at %s, first booking after %d ms%n", trial + 1,
                    cluster.node(leader).nodeId(), killedWallClock, elapsed);
            out.printf("    slow or successful probe calls (node:+start/duration ms): %s%n", notable);
            cluster.node(leader).start();
        }
        awaitStable();
        return millis;
    }

    /** Books through every member, one client each, for {@code durationMillis}; failures are ignored. */
    private void serve(long durationMillis) {
        long until = System.nanoTime() + durationMillis * 1_000_000;
        List<Thread> clients = new ArrayList<>();
        for (int slot : cluster.slots()) {
            String token = tokens.get(slot % tokens.size());
            clients.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < until) {
                    try {
                        cluster.client(slot).booking(token, 1_000).bookSeats(nextBooking());
                    } catch (StatusRuntimeException e) {
                        LocalCluster.sleep(10);
                    }
                }
            }));
        }
        clients.forEach(ClusterBenchmark::join);
    }

    /** Result of one graceful stop of the leader under load. */
    record GracefulTrial(long attemptsFailed, long operationsFailed, long operationsDone, long longestGapMillis) {
    }

    /**
     * Clients that retry with the same idempotency key on another node book continuously; the leader gets
     * SIGTERM (readiness off, leadership transfer, stop). Counts failed attempts, failed operations, and the
     * longest time no booking was acknowledged.
     */
    List<GracefulTrial> gracefulStop(int trials, int clients) {
        List<GracefulTrial> results = new ArrayList<>();
        for (int trial = 0; trial < trials; trial++) {
            int leader = awaitStable();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong attemptsFailed = new AtomicLong();
            AtomicLong operationsFailed = new AtomicLong();
            AtomicLong done = new AtomicLong();
            List<Long> acks = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                String token = tokens.get(client);
                SplittableRandom random = new SplittableRandom(client);
                threads.add(Thread.ofPlatform().start(() -> {
                    List<Integer> slots = cluster.slots();
                    int slot = slots.get(random.nextInt(slots.size()));
                    while (!stop.get()) {
                        BookSeatsRequest request = nextBooking();
                        boolean ok = false;
                        for (int attempt = 0; attempt < 10 && !ok; attempt++) {
                            try {
                                cluster.client(slot).booking(token, 1_000).bookSeats(request);
                                ok = true;
                            } catch (StatusRuntimeException e) {
                                attemptsFailed.incrementAndGet();
                                if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                                    break;
                                }
                                slot = slots.get(random.nextInt(slots.size()));
                                LocalCluster.sleep(20);
                            }
                        }
                        if (ok) {
                            done.incrementAndGet();
                            acks.add(System.nanoTime());
                        } else {
                            operationsFailed.incrementAndGet();
                        }
                    }
                }));
            }
            LocalCluster.sleep(2_000);
            cluster.node(leader).terminate(15);
            LocalCluster.sleep(3_000);
            stop.set(true);
            threads.forEach(ClusterBenchmark::join);
            List<Long> sorted = new ArrayList<>(acks);
            sorted.sort(null);
            long gap = 0;
            for (int i = 1; i < sorted.size(); i++) {
                gap = Math.max(gap, sorted.get(i) - sorted.get(i - 1));
            }
            GracefulTrial result = new GracefulTrial(attemptsFailed.get(), operationsFailed.get(), done.get(),
                    gap / 1_000_000);
            out.printf("  graceful trial %d: stopped %s; %s%n", trial + 1, cluster.node(leader).nodeId(), result);
            results.add(result);
            cluster.node(leader).start();
        }
        awaitStable();
        return results;
    }

    /** Waits until every node runs and is ready and one leader has been known for a second; its slot. */
    private int awaitStable() {
        cluster.awaitReady(Duration.ofSeconds(120));
        AtomicReference<Optional<Integer>> seen = new AtomicReference<>(Optional.empty());
        long[] seenSinceNanos = {0};
        return Eventually.within(Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(100))
                .until("one leader for a second once every node is ready", () -> {
                    Optional<Integer> leader = cluster.leaderSlot();
                    if (leader.isEmpty() || !leader.equals(seen.get())) {
                        seen.set(leader);
                        seenSinceNanos[0] = System.nanoTime();
                        return null;
                    }
                    return System.nanoTime() - seenSinceNanos[0] >= STABLE_LEADER_NANOS ? leader.get() : null;
                });
    }

    static long percentile(List<Long> values, double percentile) {
        List<Long> sorted = values.stream().filter(v -> v >= 0).sorted().toList();
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
