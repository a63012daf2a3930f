package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.LoopbackCluster;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.proto.v1.TransferLeadershipResponse;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.testkit.process.LogDirectory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling restarts of the leader as Kubernetes and {@code ./boxoffice stop} do them (BRIEF §4, §6 "leader pod
 * deleted gracefully → 0 failed client requests"), again and again under load: clients book continuously
 * through any member, each request with its own idempotency key, retrying UNAVAILABLE on another member with
 * the same key, as a client behind a Service does (and bookingctl). Nothing else is retried: a reset stream, an
 * UNKNOWN or a deadline is a failed request.
 *
 * <p>Each trial stops the current leader: odd trials as Kubernetes does (the preStop drain, {@code POST
 * /q/boxoffice/drain}, then SIGTERM), even ones with SIGTERM alone (the node hands leadership over itself).
 * Clients keep sending to the stopped node for a second (the Service's endpoints lag), then it restarts on its
 * data. No request may fail, and every acknowledged booking is on every node at the end.
 *
 * <p>{@code -Dboxoffice.graceful.trials=20} runs the proof (about 15 minutes on 2 busy cores); the test
 * command runs {@value #TRIALS_DEFAULT} trials, one of each kind.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class GracefulRestartIT {

    static final int TRIALS_DEFAULT = 2;
    private static final int TRIALS = Integer.getInteger("boxoffice.graceful.trials", TRIALS_DEFAULT);
    private static final int CLIENT_THREADS = 8;
    /** Pause between two bookings of one client thread: the load is the cluster's, the pause keeps it fair. */
    private static final long CLIENT_PAUSE_MILLIS = 20;
    /** One request (its first attempt and its retries on other members) must be answered within this. */
    private static final Duration REQUEST_RETRY_BOUND = Duration.ofSeconds(30);
    private static final long RETRY_PAUSE_MILLIS = 50;
    private static final long ATTEMPT_DEADLINE_MILLIS = 10_000;
    /** Bookings acknowledged in a trial before its stop: the load is under way. */
    private static final int LOAD_UNDER_WAY = 100;
    private static final int ROWS = 26;
    private static final int SEATS_PER_ROW = 60;
    /** Shows of seats for the whole run: more than the clients can book in a trial, times the trials. */
    private static final int SHOWS = Math.max(4, 3 * TRIALS);

    @TempDir
    Path dir;
    private LoopbackCluster cluster;

    @BeforeEach
    void cluster() {
        // Node output is kept after the run (CI can archive it): target/live-logs/GracefulRestartIT/.
        cluster = LoopbackCluster.builder(dir, LogDirectory.fresh("GracefulRestartIT"))
                .members("node-1", "node-2", "node-3")
                .processes(jvm -> jvm.heapMegabytes(256).jvmOptions("-Xss512k", "-XX:MaxMetaspaceSize=128m")).build();
    }

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void when_the_leader_is_stopped_gracefully_again_and_again_then_no_client_request_fails() throws Exception {
        List<String> ids = cluster.members().stream().map(Member::id).toList();
        cluster.startAll();
        for (Member member : cluster.members()) {
            cluster.within(Duration.ofSeconds(90)).until(member.id() + " ready", () -> member.client().ready());
        }
        NodeClient any = cluster.member("node-1").client();
        String admin = cluster.within(Duration.ofSeconds(30)).until("admin login", () -> any.login("admin", "admin123"));
        List<String> userTokens = List.of(any.login("user1", "password1"), any.login("user2", "password2"));
        Seats seats = new Seats(createShows(any, admin));

        transferLeadershipAnswersWithinItsDeadline(admin);

        Set<String> routable = ConcurrentHashMap.newKeySet();
        routable.addAll(ids);
        Load load = new Load(ids, seats, userTokens, routable);
        load.start();
        List<String> trialReports = new ArrayList<>();
        try {
            for (int trial = 1; trial <= TRIALS; trial++) {
                trialReports.add(trial(trial, trial % 2 == 1, admin, load, routable));
                assertThat(load.failures).as("failed client requests after trial " + trial).isEmpty();
            }
        } finally {
            load.stop();
        }

        long maxGapMillis = load.longestGapMillis(0);
        System.out.printf("GracefulRestartIT: %d trials, %d requests, %d booked, %d retries on another node, %d failed, "
                        + "%d refused; longest time without an answered booking %d ms%n",
                TRIALS, load.requests.get(), load.acknowledged.size(), load.retries.get(), load.failures.size(),
                load.businessAnswers.get(), maxGapMillis);
        trialReports.forEach(report -> System.out.println("GracefulRestartIT:   " + report));
        assertThat(load.failures).as("failed client requests").isEmpty();
        // Every request books a seat nobody else asks for: a "taken" answer would mean a retry booked twice.
        assertThat(load.businessAnswers).as("requests refused by the booking rules").hasValue(0);
        assertThat(seats.exhausted()).as("the seats lasted the whole run").isFalse();
        for (Member member : cluster.members()) {
            assertEveryAcknowledgedBookingIsOn(member, admin, load.acknowledged.keySet());
        }
        assertThat(maxGapMillis).as("longest time without an answered booking").isLessThan(5_000);
    }

    /**
     * One graceful stop of the current leader under the running load, then its restart. Returns the trial's
     * numbers for the summary.
     */
    private String trial(int trial, boolean preStopDrain, String admin, Load load, Set<String> routable)
            throws Exception {
        String leader = currentLeader(admin);
        Member stopped = cluster.member(leader);
        // The load routes by pod name; the leader's member id is "<pod>~<volume generation>" when that node joined
        // after the others had formed the cluster (a slow start on a busy machine).
        String stoppedPod = stopped.id();
        long trialNanos = System.nanoTime();
        int before = load.acknowledged.size();
        cluster.within(Duration.ofSeconds(60)).until("trial " + trial + ": the load under way",
                () -> load.acknowledged.size() >= before + LOAD_UNDER_WAY);

        long drainMillis = -1;
        if (preStopDrain) {
            long drainNanos = System.nanoTime();
            String drained = drain(stopped);
            drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainNanos);
            assertThat(drained).contains("\"wasLeader\":true").contains("\"stillLeader\":false");
        }
        long stopNanos = System.nanoTime();
        assertThat(stopped.process().terminate(Duration.ofSeconds(30))).as(leader + " exits on SIGTERM").isTrue();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNanos);
        // The endpoints controller's lag, modelled: for a second clients still try the stopped node (connection
        // refused) and retry elsewhere. A duration of the scenario, not a wait for something to happen.
        Thread.sleep(1_000);
        routable.remove(stoppedPod);
        int whileDown = load.acknowledged.size();
        cluster.within(Duration.ofSeconds(10)).until("trial " + trial + ": bookings while " + leader + " is down",
                () -> load.acknowledged.size() > whileDown + 10);
        String newLeader = currentLeader(admin);

        long restartNanos = System.nanoTime();
        stopped.start();
        cluster.within(Duration.ofSeconds(90)).until(leader + " ready again", () -> stopped.client().ready());
        long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
        routable.add(stoppedPod);
        cluster.within(Duration.ofSeconds(30)).until("trial " + trial + ": bookings answered through the restarted "
                + leader, () -> load.answeredVia(stoppedPod, restartNanos) >= 20);
        return String.format("trial %d (%s): stopped leader %s, new leader %s; %sSIGTERM to exit %d ms, restart to "
                        + "ready %d ms; longest time without an answered booking %d ms", trial,
                preStopDrain ? "preStop drain + SIGTERM" : "SIGTERM", leader, newLeader,
                preStopDrain ? "drain " + drainMillis + " ms, " : "", stopMillis, readyMillis,
                load.longestGapMillis(trialNanos));
    }

    /** A TransferLeadership with a short deadline answers within it, with the new leader. */
    private void transferLeadershipAnswersWithinItsDeadline(String admin) {
        String leader = currentLeader(admin);
        // Pods here, member ids in the request: a node that joined late runs as "<pod>~<volume generation>".
        Member leaderPod = cluster.member(leader);
        Member targetPod = cluster.members().stream().filter(member -> member != leaderPod).findFirst().orElseThrow();
        Member viaPod = cluster.members().stream().filter(member -> member != leaderPod && member != targetPod)
                .findFirst().orElseThrow();
        String target = targetPod.readiness().nodeId();
        long start = System.nanoTime();
        TransferLeadershipResponse moved = viaPod.client().cluster(admin, 2_500).transferLeadership(
                TransferLeadershipRequest.newBuilder().setTargetNodeId(target).build());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_500);
        assertThat(moved.getPreviousLeaderId()).isEqualTo(leader);
        assertThat(moved.getNewLeaderId()).isEqualTo(target);
    }

    private String currentLeader(String admin) {
        return cluster.within(Duration.ofSeconds(30)).until("a leader every running member agrees on", () -> {
            Set<String> seen = new HashSet<>();
            for (Member member : cluster.members()) {
                if (member.isAlive()) {
                    seen.add(leaderSeenBy(member, admin));
                }
            }
            return seen.size() == 1 && !seen.contains("") ? seen.iterator().next() : null;
        });
    }

    private static String leaderSeenBy(Member member, String admin) {
        try {
            ClusterStatus status = member.client().clusterStatus(admin);
            return status.getLeaderId();
        } catch (StatusRuntimeException e) {
            return "";
        }
    }

    /** Shows on one 26 x 60 screen, enough seats for every booking of the run. */
    private static List<String> createShows(NodeClient client, String admin) {
        Retrying retrying = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(Duration.ofSeconds(30));
        String screen = retrying.call(() -> client.admin(admin, 10_000).createScreen(CreateScreenRequest.newBuilder()
                .setName("Graceful").setIdempotencyKey("graceful-screen").setLayout(ScreenLayout.newBuilder()
                        .setRowCount(ROWS).setSeatsPerRow(SEATS_PER_ROW).addCategories(SeatCategory.newBuilder()
                                .setName("standard").setPrice(Money.newBuilder().setAmountMinor(900).setCurrency("EUR"))
                                .addAllRows(Arrays.stream("ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("")).toList())))
                .build())).getId();
        String movie = retrying.call(() -> client.admin(admin, 10_000).createMovie(CreateMovieRequest.newBuilder()
                .setTitle("Graceful").setDurationMinutes(100).setIdempotencyKey("graceful-movie").build())).getId();
        List<String> shows = new ArrayList<>();
        long firstStart = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(10);
        for (int show = 0; show < SHOWS; show++) {
            long startsAt = firstStart + TimeUnit.HOURS.toMillis(3) * show;
            String key = "graceful-show-" + show;
            shows.add(retrying.call(() -> client.admin(admin, 10_000).createShow(CreateShowRequest.newBuilder()
                    .setMovieId(movie).setScreenId(screen).setStartsAtMillis(startsAt).setIdempotencyKey(key)
                    .build())).getId());
        }
        return shows;
    }

    /** Pages through every booking in {@code member}'s own state and checks that none acknowledged is missing. */
    private void assertEveryAcknowledgedBookingIsOn(Member member, String admin, Set<String> acknowledged) {
        cluster.within(Duration.ofSeconds(60)).until("every acknowledged booking on " + member.id(), () -> {
            Set<String> present = new HashSet<>();
            String page = "";
            do {
                ListBookingsResponse response = member.client().admin(admin, 20_000).listAllBookings(
                        ListAllBookingsRequest.newBuilder().setConsistency(ReadConsistency.READ_CONSISTENCY_STALE)
                                .setPageSize(500).setPageToken(page).build());
                response.getBookingsList().forEach(booking -> present.add(booking.getId()));
                page = response.getNextPageToken();
            } while (!page.isEmpty());
            return present.containsAll(acknowledged) ? true : null;
        });
    }

    /** {@code POST /q/boxoffice/drain} from loopback, as the preStop hook's curl does; returns the JSON answer. */
    private static String drain(Member member) {
        HttpResponse<String> response = member.client().http("POST", "/q/boxoffice/drain", Duration.ofSeconds(15))
                .orElseThrow(() -> new AssertionError(member.id() + " did not answer the drain request"));
        assertThat(response.statusCode()).as("drain answer " + response.body()).isEqualTo(200);
        return response.body();
    }

    /** Seats of the run's shows, each handed out once. */
    private static final class Seats {
        private final List<String> shows;
        private final AtomicLong next = new AtomicLong();

        Seats(List<String> shows) {
            this.shows = shows;
        }

        /** {show id, seat id}, or null once every seat was handed out. */
        String[] next() {
            long seat = next.getAndIncrement();
            int perShow = ROWS * SEATS_PER_ROW;
            if (seat >= (long) perShow * shows.size()) {
                return null;
            }
            int inShow = (int) (seat % perShow);
            return new String[] {shows.get((int) (seat / perShow)),
                    (char) ('A' + inShow / SEATS_PER_ROW) + Integer.toString(inShow % SEATS_PER_ROW + 1)};
        }

        boolean exhausted() {
            return next.get() >= (long) ROWS * SEATS_PER_ROW * shows.size();
        }
    }

    /** Client threads booking one seat per request until stopped. */
    private final class Load {
        final List<String> ids;
        final Seats seats;
        final List<String> tokens;
        final Set<String> routable;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger businessAnswers = new AtomicInteger();
        /** Acknowledged booking id → the member that answered and when (System.nanoTime). */
        final ConcurrentHashMap<String, Answered> acknowledged = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final ExecutorService threads = Executors.newFixedThreadPool(CLIENT_THREADS);
        final List<Future<?>> workers = new ArrayList<>();
        /** Only UNAVAILABLE is retried, on the next routable member with the same key: what a stopping node says. */
        final Retrying retrying = Retrying.on(Retrying.UNAVAILABLE)
                .within(REQUEST_RETRY_BOUND).pausing(Duration.ofMillis(RETRY_PAUSE_MILLIS))
                .onRetry(e -> retries.incrementAndGet());

        record Answered(String via, long atNanos) {
        }

        Load(List<String> ids, Seats seats, List<String> tokens, Set<String> routable) {
            this.ids = ids;
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
            assertThat(threads.awaitTermination(90, TimeUnit.SECONDS)).as("client threads finish").isTrue();
            for (Future<?> future : workers) {
                future.get();
            }
        }

        long answeredVia(String member, long sinceNanos) {
            return acknowledged.values().stream().filter(a -> a.via().equals(member) && a.atNanos() > sinceNanos)
                    .count();
        }

        /** The longest time between two answered bookings after {@code sinceNanos}. */
        long longestGapMillis(long sinceNanos) {
            long[] answered = acknowledged.values().stream().mapToLong(Answered::atNanos).filter(t -> t > sinceNanos)
                    .sorted().toArray();
            long gap = 0;
            for (int i = 1; i < answered.length; i++) {
                gap = Math.max(gap, answered[i] - answered[i - 1]);
            }
            return TimeUnit.NANOSECONDS.toMillis(gap);
        }

        private void clientLoop(int thread) {
            int user = thread % tokens.size();
            int sequence = 0;
            while (running.get()) {
                String[] seat = seats.next();
                if (seat == null) {
                    return; // Every seat is sold: the run's assertions say so.
                }
                requests.incrementAndGet();
                bookWithRetries(thread, user, seat, "graceful-restart-it/" + thread + "/" + sequence++);
                try {
                    Thread.sleep(CLIENT_PAUSE_MILLIS); // The clients' pace, not a wait.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running.set(false);
                }
            }
        }

        /** One request: the same idempotency key on every attempt, on the next routable member after a failure. */
        private void bookWithRetries(int thread, int user, String[] seat, String key) {
            Retrying.Outcome<String, Booking> outcome = retrying.call(attempt -> {
                List<String> members = ids.stream().filter(routable::contains).toList();
                return members.get(Math.floorMod(thread + attempt, members.size()));
            }, id -> cluster.member(id).client().book(tokens.get(user), seat[0], seat[1], key, ATTEMPT_DEADLINE_MILLIS));
            if (outcome.succeeded()) {
                acknowledged.put(outcome.value().getId(), new Answered(outcome.target(), System.nanoTime()));
                return;
            }
            StatusRuntimeException failure = outcome.failure();
            Status.Code code = failure.getStatus().getCode();
            if (outcome.exhausted()) {
                failures.add(key + ": still UNAVAILABLE after " + REQUEST_RETRY_BOUND.toSeconds() + " s and "
                        + outcome.attempts() + " attempts: " + failure.getStatus());
            } else if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS) {
                businessAnswers.incrementAndGet();
                failures.add(key + " on " + outcome.target() + ": refused by the booking rules: " + failure.getStatus());
            } else {
                failures.add(key + " on " + outcome.target() + ": " + failure.getStatus());
            }
        }
    }
}
