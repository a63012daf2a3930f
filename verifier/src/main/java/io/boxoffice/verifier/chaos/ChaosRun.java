package io.boxoffice.verifier.chaos;

import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.testkit.node.MemberIds;
import io.boxoffice.verifier.check.CheckReport;
import io.boxoffice.verifier.check.ClientOperation;
import io.boxoffice.verifier.check.HistoryChecker;
import io.boxoffice.verifier.check.InvariantChecker;
import io.boxoffice.verifier.check.ReplicaSnapshot;
import io.boxoffice.verifier.check.Violation;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chaos run: start a cluster, create a show with a few hot seats and one user per client, run the
 * clients and the nemesis for the duration, heal every fault, wait until the replicas are quiet and the
 * last holds have expired, then check the history (linearizability per seat) and the replicas' final states
 * (invariants), and write the report. The run directory keeps the history, the nemesis log, the report and
 * the node logs; the nodes' data directories are deleted when the run passes (unless asked to keep them).
 */
public final class ChaosRun {

    /** How far the leader's time stamps and the clients' wall clock may disagree (same machine). */
    static final long CLOCK_SKEW_MILLIS = 50;
    /** Per-seat search budget; a partition that needs more is reported inconclusive (and fails the run). */
    static final long SEARCH_STEPS_MAX_PER_SEAT = 200_000_000L;
    /** How long after a client gave up its lost write may still take effect (see SeatProjection). */
    static final long UNKNOWN_EFFECT_HORIZON_MILLIS = 30_000;
    private static final long ADMIN_DEADLINE_MILLIS = 5_000;

    private final ChaosOptions options;
    private final PrintStream out;

    public ChaosRun(ChaosOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Users and show created for the run. */
    private record Fixture(String showId, List<String> seatIds, List<String> userIds, List<String> tokens) {
    }

    public ChaosResult run() {
        String runId = Instant.now().toString().replace(":", "").replace(".", "-") + "-seed" + options.seed();
        Path directory = options.outputDirectory().resolve(runId);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        out.printf("chaos run %s: %d members, %d clients, %s, seed %d%n  directory %s%n", runId, options.members(),
                options.clients(), options.duration(), options.seed(), directory);
        LocalCluster.Settings settings = new LocalCluster.Settings(options.members(), options.subnet(), directory,
                options.nodeJar(), options.javaExecutable(), options.holdDurationMillis(),
                options.expireHoldsIntervalMillis(), options.nodeHeapMegabytes(), false);
        try (LocalCluster cluster = new LocalCluster(settings)) {
            cluster.start();
            cluster.awaitReady(Duration.ofSeconds(180));
            out.println("  cluster ready");
            Fixture fixture = createFixture(cluster);
            out.printf("  show %s with seats %s; %d users%n", fixture.showId(), fixture.seatIds(),
                    fixture.userIds().size());
            Workload workload = runWorkload(cluster, fixture, directory);
            out.printf("  workload done: %d operations, %d faults; healing and waiting for quiet%n",
                    workload.history().size(), workload.faults().size());
            Membership settled = new Membership();
            List<ReplicaSnapshot> replicas = quiesceAndSnapshot(cluster, fixture, settled);
            CheckReport report = check(workload.history(), replicas);
            for (LabNode node : cluster.nodes()) {
                String exit = node.takeUnexpectedExit();
                if (exit != null) {
                    report = report.withViolations(List.of(new Violation(Violation.NODES_STAY_UP, node.nodeId(), exit)));
                }
            }
            for (String unfinished : workload.unfinishedReplacements()) {
                report = report.withViolations(List.of(new Violation(Violation.MEMBERS_REPLACED,
                        unfinished.split(":")[0], unfinished)));
            }
            report = report.withViolations(settled.violations());
            for (String crash : workload.crashes()) {
                report = report.withViolations(List.of(new Violation(Violation.NODES_STAY_UP, crash.split(" ")[0],
                        crash)));
            }
            ChaosResult result = new ChaosResult(options, runId, directory, workload.history(), workload.faults(),
                    replicas, report, workload.nemesisFailure());
            ChaosReport.write(result);
            if (result.passed() && !options.keepData()) {
                LabNode.deleteRecursively(directory.resolve("data"));
            }
            out.println(report.summary());
            out.println("  report: " + directory.resolve("report.md"));
            return result;
        }
    }

    // ---------------------------------------------------------------- fixture

    private Fixture createFixture(LocalCluster cluster) {
        String admin = cluster.adminToken();
        String prefix = "chaos-" + Long.toHexString(options.seed() & 0xffffff);
        var screen = retry(cluster, slot -> cluster.client(slot).admin(admin, ADMIN_DEADLINE_MILLIS).createScreen(
                CreateScreenRequest.newBuilder().setName("Chaos screen").setIdempotencyKey(prefix + "-screen")
                        .setLayout(ScreenLayout.newBuilder().setRowCount(1).setSeatsPerRow(options.hotSeats())
                                .addCategories(SeatCategory.newBuilder().setName("standard").addRows("A")
                                        .setPrice(Money.newBuilder().setAmountMinor(1200).setCurrency("EUR"))))
                        .build()));
        var movie = retry(cluster, slot -> cluster.client(slot).admin(admin, ADMIN_DEADLINE_MILLIS).createMovie(
                CreateMovieRequest.newBuilder().setTitle("Chaos").setDescription("Many clients, one row.")
                        .setDurationMinutes(100).setAgeRating("PG").setIdempotencyKey(prefix + "-movie").build()));
        var show = retry(cluster, slot -> cluster.client(slot).admin(admin, ADMIN_DEADLINE_MILLIS).createShow(
                CreateShowRequest.newBuilder().setMovieId(movie.getId()).setScreenId(screen.getId())
                        .setStartsAtMillis(System.currentTimeMillis() + Duration.ofDays(30).toMillis())
                        .setIdempotencyKey(prefix + "-show").build()));
        List<String> seats = new ArrayList<>();
        for (int seat = 1; seat <= options.hotSeats(); seat++) {
            seats.add("A" + seat);
        }
        List<String> userIds = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int client = 1; client <= options.clients(); client++) {
            String username = prefix + "-u" + client;
            String password = "password-" + username;
            retry(cluster, slot -> cluster.client(slot).admin(admin, ADMIN_DEADLINE_MILLIS).createUser(
                    CreateUserRequest.newBuilder().setUsername(username).setPassword(password).addRoles("user")
                            .setIdempotencyKey(username).build()));
            LoginResponse login = retry(cluster, slot -> cluster.client(slot).auth(ADMIN_DEADLINE_MILLIS)
                    .login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build()));
            userIds.add(login.getUserId());
            tokens.add(login.getToken());
        }
        return new Fixture(show.getId(), seats, userIds, tokens);
    }

    /** Set-up calls go to the leader when one is known, else round the nodes; 20 attempts, 500 ms apart. */
    private static final Retrying SETUP = Retrying.on(Retrying.ANY_FAILURE).attemptsMax(20)
            .pausing(Duration.ofMillis(500));

    private static <T> T retry(LocalCluster cluster, java.util.function.IntFunction<T> call) {
        Retrying.Outcome<Integer, T> outcome = SETUP.call(
                attempt -> cluster.leaderSlot().orElse(cluster.slots().get(attempt % cluster.slots().size())),
                call::apply);
        if (!outcome.succeeded()) {
            throw new IllegalStateException("setup call kept failing: " + outcome.failure().getStatus(),
                    outcome.failure());
        }
        return outcome.value();
    }

    // ---------------------------------------------------------------- workload

    private record Workload(List<ClientOperation> history, List<FaultRecord> faults, String nemesisFailure,
                            List<String> crashes, List<String> unfinishedReplacements) {
    }

    private Workload runWorkload(LocalCluster cluster, Fixture fixture, Path directory) {
        AtomicBoolean stop = new AtomicBoolean();
        ChaosClient.Limits limits = new ChaosClient.Limits(3, 2_000, 20);
        try (HistoryRecorder recorder = new HistoryRecorder(directory.resolve("history.jsonl"))) {
            Nemesis nemesis = new Nemesis(cluster, options.schedule().plan(), recorder, stop,
                    directory.resolve("nemesis.jsonl"));
            List<Thread> threads = new ArrayList<>();
            for (int client = 0; client < options.clients(); client++) {
                ChaosClient worker = new ChaosClient(client + 1, fixture.userIds().get(client),
                        fixture.tokens().get(client), fixture.showId(), fixture.seatIds(), cluster, recorder,
                        options.seed() * 1_000_003L + client, limits, stop);
                threads.add(Thread.ofPlatform().name("chaos-client-" + (client + 1)).start(worker));
            }
            Thread nemesisThread = Thread.ofPlatform().name("chaos-nemesis").start(nemesis);
            long endNanos = System.nanoTime() + options.duration().toNanos();
            long nextProgressNanos = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < endNanos) {
                LocalCluster.sleep(Math.max(1, Math.min(1000, (endNanos - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() >= nextProgressNanos) {
                    out.printf("  ... %d s: %d operations, %d faults%n",
                            recorder.nowNanos() / 1_000_000_000L, recorder.operations().size(),
                            nemesis.records().size());
                    nextProgressNanos += 10_000_000_000L;
                }
            }
            stop.set(true);
            for (Thread thread : threads) {
                join(thread);
            }
            join(nemesisThread);
            nemesis.healEverything();
            return new Workload(recorder.operations(), nemesis.records(),
                    nemesis.failure().map(Throwable::toString).orElse(""), nemesis.crashes(),
                    nemesis.unfinishedReplacements());
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(120));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + thread.getName(), e);
        }
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop within 120 s");
        }
    }

    // ---------------------------------------------------------------- final state

    /**
     * Waits until every node runs and is ready, the last holds have expired and every follower has caught
     * up with the leader's log; then takes each node's view of the show with stale (local) reads, and each
     * node's state hash by making it the leader in turn (the cluster status reports the hash of the node
     * that answers, and followers hand that call to the leader).
     */
    private List<ReplicaSnapshot> quiesceAndSnapshot(LocalCluster cluster, Fixture fixture, Membership settled) {
        cluster.awaitReady(Duration.ofSeconds(180));
        // The last holds expire at times the leader stamped; their expiry is then applied within a few expiry
        // intervals. A known span of cluster time, so a pause rather than a poll.
        LocalCluster.sleep(options.holdDurationMillis() + 3 * options.expireHoldsIntervalMillis() + 1_000);
        awaitCaughtUp(cluster, settled);
        List<ReplicaSnapshot> views = new ArrayList<>();
        for (int slot : cluster.slots()) {
            String memberId = cluster.memberId(slot);
            try {
                views.add(snapshot(cluster, slot, memberId, fixture));
            } catch (StatusRuntimeException e) {
                // A member that cannot answer for the show has not converged: it is checked with no data,
                // so every acknowledged booking counts as missing on it.
                out.println("  " + memberId + " cannot show its state: " + e.getStatus());
                views.add(new ReplicaSnapshot(memberId, -1, "", System.currentTimeMillis(), List.of(), List.of(),
                        List.of()));
            }
        }
        List<ReplicaSnapshot> replicas = new ArrayList<>();
        for (ReplicaSnapshot view : views) {
            NodeStatus self = statusAsLeader(cluster, view.nodeId());
            replicas.add(new ReplicaSnapshot(view.nodeId(), self == null ? -1 : self.getAppliedIndex(),
                    self == null ? "" : self.getStateHash(), view.observedAtWallMillis(), view.bookings(),
                    view.activeHolds(), view.seats()));
        }
        return replicas;
    }

    /** Whether the membership settled after healing, and what was seen if it did not. */
    private static final class Membership {
        private volatile String unsettled = "";

        List<Violation> violations() {
            return unsettled.isEmpty() ? List.of() : List.of(new Violation(Violation.MEMBERSHIP_SETTLES, "cluster",
                    unsettled));
        }
    }

    /**
     * Until the leader sees one member per pod, every one a voter, reachable, with nothing left to replicate
     * (bounded wait). A pod whose volume was lost must by then be in the configuration once, under its new
     * member id; a membership that does not settle is a violation.
     */
    private void awaitCaughtUp(LocalCluster cluster, Membership settled) {
        String[] last = {"no leader answered"};
        Optional<Boolean> caughtUp = Eventually.within(Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(500))
                .poll("every member caught up", () -> {
                    Optional<ClusterStatus> status = cluster.leaderSlot().flatMap(leader -> cluster.status(leader, 10_000));
                    if (status.isEmpty()) {
                        return false;
                    }
                    last[0] = status.get().getNodesList().stream().map(node -> node.getId() + " " + node.getRole()
                            + (node.getVoter() ? "" : " (learner)") + " lag " + node.getLag())
                            .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
                    java.util.Set<String> pods = status.get().getNodesList().stream()
                            .map(node -> MemberIds.podOf(node.getId())).collect(java.util.stream.Collectors.toSet());
                    return status.get().getNodesCount() == cluster.slots().size()
                            && pods.size() == cluster.slots().size() && status.get().getNodesList()
                            .stream().allMatch(node -> node.getLag() == 0 && node.getVoter()
                                    && node.getRole() != NodeRole.NODE_ROLE_UNREACHABLE
                                    && node.getRole() != NodeRole.NODE_ROLE_LEARNER);
                });
        if (caughtUp.isEmpty()) {
            settled.unsettled = "120 s after healing the leader does not list one caught-up voter per pod ("
                    + cluster.slots().size() + "): " + last[0];
            out.println("  " + settled.unsettled);
        }
    }

    /** Makes member {@code nodeId} the leader and returns its own status entry (applied index, state hash), or null. */
    private NodeStatus statusAsLeader(LocalCluster cluster, String nodeId) {
        int slot = cluster.slotOf(nodeId).orElseThrow();
        String lastFailure = "no leader";
        for (int attempt = 0; attempt < 10; attempt++) {
            var leader = cluster.leaderSlot();
            if (leader.isPresent() && leader.get() == slot) {
                var status = cluster.status(slot, 10_000);
                if (status.isPresent() && status.get().getReportingNodeId().equals(nodeId)) {
                    for (NodeStatus node : status.get().getNodesList()) {
                        if (node.getId().equals(nodeId)) {
                            return node;
                        }
                    }
                }
            } else if (leader.isPresent()) {
                try {
                    cluster.client(leader.get()).cluster(cluster.adminToken(), 2_000)
                            .transferLeadership(TransferLeadershipRequest.newBuilder().setTargetNodeId(nodeId).build());
                } catch (StatusRuntimeException e) {
                    // The transfer may still complete; the poll below sees it.
                    lastFailure = "TransferLeadership answered " + e.getStatus().getCode();
                }
                Eventually.within(Duration.ofSeconds(3)).pollingEvery(Duration.ofMillis(100))
                        .poll(nodeId + " leading", () -> cluster.leaderSlot().equals(Optional.of(slot)));
                continue;
            }
            LocalCluster.sleep(500);
        }
        out.println("  could not make " + nodeId + " the leader to read its state hash (" + lastFailure + ")");
        return null;
    }

    private ReplicaSnapshot snapshot(LocalCluster cluster, int slot, String memberId, Fixture fixture) {
        NodeClient client = cluster.client(slot);
        String admin = cluster.adminToken();
        long observedAt = System.currentTimeMillis();
        List<ReplicaSnapshot.BookingRecord> bookings = new ArrayList<>();
        String pageToken = "";
        do {
            ListBookingsResponse page = client.admin(admin, ADMIN_DEADLINE_MILLIS).listAllBookings(
                    ListAllBookingsRequest.newBuilder().setConsistency(ReadConsistency.READ_CONSISTENCY_STALE)
                            .setShowId(fixture.showId()).setPageSize(500).setPageToken(pageToken).build());
            for (Booking booking : page.getBookingsList()) {
                bookings.add(new ReplicaSnapshot.BookingRecord(booking.getId(), booking.getUserId(),
                        booking.getShowId(), booking.getSeatsList().stream().map(SeatLine::getSeatId).toList(),
                        booking.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED));
            }
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        List<ReplicaSnapshot.HoldRecord> holds = new ArrayList<>();
        for (String token : fixture.tokens()) {
            for (Hold hold : client.booking(token, ADMIN_DEADLINE_MILLIS).listMyHolds(ListMyHoldsRequest.newBuilder()
                    .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build()).getHoldsList()) {
                if (hold.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE && hold.getShowId().equals(fixture.showId())) {
                    holds.add(new ReplicaSnapshot.HoldRecord(hold.getId(), hold.getUserId(), hold.getShowId(),
                            hold.getSeatsList().stream().map(SeatLine::getSeatId).toList(), hold.getExpiresAtMillis()));
                }
            }
        }
        var seatMap = client.catalog(admin, ADMIN_DEADLINE_MILLIS).getSeatMap(GetSeatMapRequest.newBuilder()
                .setShowId(fixture.showId()).setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build());
        return new ReplicaSnapshot(memberId, -1, "", observedAt, bookings, holds,
                ChaosClient.observe(seatMap));
    }

    private CheckReport check(List<ClientOperation> history, List<ReplicaSnapshot> replicas) {
        out.println("  checking " + history.size() + " operations");
        CheckReport report = HistoryChecker.of(options.holdDurationMillis(), CLOCK_SKEW_MILLIS,
                UNKNOWN_EFFECT_HORIZON_MILLIS, SEARCH_STEPS_MAX_PER_SEAT).check(history);
        List<Violation> invariants = new InvariantChecker(3 * options.expireHoldsIntervalMillis() + 2_000)
                .check(history, replicas);
        return report.withViolations(invariants);
    }
}
