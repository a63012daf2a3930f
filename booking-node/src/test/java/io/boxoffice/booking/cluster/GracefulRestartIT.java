package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.LoopbackCluster;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.testkit.process.LogDirectory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    private static final int CLIENT_THREADS = 6;
    /** Bookings acknowledged before the drain (the load is under way), and a quarter of it after the restart. */
    private static final int LOAD_UNDER_WAY = 40;
    /** Pause between two bookings of one client thread: about 30 bookings/s in all, so seats last the run. */
    private static final long CLIENT_PAUSE_MILLIS = 150;
    /** Attempts of one request (the first and its retries on other members) before it counts as failed. */
    private static final int ATTEMPTS_MAX = 200;
    private static final long RETRY_PAUSE_MILLIS = 50;

    @TempDir
    Path dir;
    private LoopbackCluster cluster;

    @BeforeEach
    void cluster() {
        // Node output is kept after the run (CI can archive it): target/live-logs/GracefulRestartIT/.
        cluster = LoopbackCluster.builder(dir, LogDirectory.fresh("GracefulRestartIT"))
                .members("node-1", "node-2", "node-3")
                .processes(jvm -> jvm.heapMegabytes(192).jvmOptions("-Xss512k", "-XX:MaxMetaspaceSize=128m")).build();
    }

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void when_the_leader_is_drained_and_restarted_then_leadership_moves_first_and_no_client_request_fails()
            throws Exception {
        List<String> ids = cluster.members().stream().map(Member::id).toList();
        cluster.startAll();
        for (Member member : cluster.members()) {
            cluster.within(Duration.ofSeconds(60)).until(member.id() + " ready", () -> member.client().ready());
        }
        NodeClient any = cluster.member("node-1").client();
        String admin = cluster.within(Duration.ofSeconds(20)).until("admin login", () -> any.login("admin", "admin123"));
        List<String> userTokens = List.of(any.login("user1", "password1"), any.login("user2", "password2"));
        List<Show> shows = cluster.within(Duration.ofSeconds(20)).until("the demo shows", () -> {
            List<Show> all = any.shows(userTokens.getFirst());
            return all.size() >= 6 ? all : null;
        });
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
        Load load = new Load(ids, seats, userTokens, routable);
        load.start();
        cluster.within(Duration.ofSeconds(30)).until("the load under way (" + LOAD_UNDER_WAY + " bookings)",
                () -> load.successes.size() >= LOAD_UNDER_WAY);

        // preStop: drain the leader, which hands its leadership over and fails readiness.
        long drainNanos = System.nanoTime();
        String drained = drain(cluster.member(leader));
        long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainNanos);
        assertThat(drained).contains("\"wasLeader\":true").contains("\"stillLeader\":false");
        String other = ids.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        ClusterStatus afterDrain = cluster.member(other).client().clusterStatus(admin);
        assertThat(afterDrain.getLeaderId()).as("leader after the drain, before SIGTERM").isNotEqualTo(leader)
                .isNotEmpty();
        assertThat(cluster.member(leader).isAlive()).isTrue();

        // Then SIGTERM, as Kubernetes sends once preStop returned; clients keep booking meanwhile.
        long stopNanos = System.nanoTime();
        assertThat(cluster.member(leader).process().terminate(Duration.ofSeconds(20))).as(leader + " exits on SIGTERM")
                .isTrue();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNanos);
        // The endpoints controller's lag, modelled: for a second clients still try the stopped pod (connection
        // refused) and retry elsewhere. A duration of the scenario, not a wait for something to happen.
        Thread.sleep(1_000);
        routable.remove(leader);
        int beforeRestart = load.successes.size();
        cluster.within(Duration.ofSeconds(3)).until("bookings committed while " + leader + " was down",
                () -> load.successes.size() > beforeRestart);

        // The pod comes back with its volume and rejoins the rotation once ready.
        long restartNanos = System.nanoTime();
        cluster.member(leader).start();
        cluster.within(Duration.ofSeconds(60)).until(leader + " ready again",
                () -> cluster.member(leader).client().ready());
        long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
        routable.add(leader);
        // The load goes on with the restarted pod in the rotation, until it served its share (or every seat is
        // sold: the pool lasts about 20 s at this pace, and a slow restart can use most of it).
        cluster.within(Duration.ofSeconds(20)).until("bookings answered through the restarted " + leader,
                () -> seats.isEmpty() || load.successes.stream().filter(booking -> booking.via().equals(leader)
                        && booking.answeredNanos() > restartNanos).count() >= LOAD_UNDER_WAY / 4);
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
        NodeClient restarted = cluster.member(leader).client();
        for (Acknowledged booking : load.successes) {
            String token = userTokens.get(booking.user());
            cluster.within(Duration.ofSeconds(20)).untilPresent(booking.id() + " on the restarted " + leader,
                    () -> restarted.bookingStale(token, booking.id()));
        }
        assertThat(maxGapMillis).as("unavailability window").isLessThan(5_000);
    }

    /** {@code POST /q/boxoffice/drain} from loopback, as the preStop hook's curl does; returns the JSON answer. */
    private static String drain(Member member) {
        HttpResponse<String> response = member.client().http("POST", "/q/boxoffice/drain", Duration.ofSeconds(15))
                .orElseThrow(() -> new AssertionError(member.id() + " did not answer the drain request"));
        assertThat(response.statusCode()).as("drain answer " + response.body()).isEqualTo(200);
        return response.body();
    }

    private record Acknowledged(String id, int user, String via, long answeredNanos) {
    }

    /** Client threads booking one seat per request until stopped. */
    private final class Load {
        final List<String> ids;
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
        /** A transport failure is retried on the next routable member with the same key. */
        final Retrying retrying = Retrying.on(Retrying.TRANSPORT_FAILURE).attemptsMax(ATTEMPTS_MAX)
                .pausing(Duration.ofMillis(RETRY_PAUSE_MILLIS)).onRetry(e -> retries.incrementAndGet());

        Load(List<String> ids, Queue<String[]> seats, List<String> tokens, Set<String> routable) {
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
            }, id -> cluster.member(id).client().book(tokens.get(user), seat[0], seat[1], key, 10_000));
            if (outcome.succeeded()) {
                long now = System.nanoTime();
                successes.add(new Acknowledged(outcome.value().getId(), user, outcome.target(), now));
                answeredAtNanos.add(now);
                return;
            }
            StatusRuntimeException failure = outcome.failure();
            Status.Code code = failure.getStatus().getCode();
            if (outcome.exhausted()) {
                failures.add(key + ": still failing after " + ATTEMPTS_MAX + " attempts: " + failure.getStatus());
            } else if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS) {
                businessAnswers.incrementAndGet(); // A definite answer from the booking rules.
                answeredAtNanos.add(System.nanoTime());
                failures.add(key + " on " + outcome.target() + ": refused by the booking rules: " + failure.getStatus());
            } else {
                failures.add(key + " on " + outcome.target() + ": " + failure.getStatus());
            }
        }
    }
}
