package io.boxoffice.deploy.live.support;

import io.boxoffice.proto.v1.Booking;
import io.boxoffice.testkit.client.NodeClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Clients booking one seat per request, continuously, through whichever members a Service would route to. Each
 * request has its own idempotency key; a transport failure (UNAVAILABLE, DEADLINE_EXCEEDED, or a stream the
 * stopping server reset: INTERNAL "RST_STREAM ...") is retried on the next member with the same key, as bookingctl
 * does, so a retried request can never book twice. Every attempt is recorded with its time and outcome, so a test
 * can tell what happened inside each window (a crash, a graceful stop) after the run.
 */
public final class BookingLoad {

    /** One call to one member: the gRPC code it ended with ("OK" for a booking). */
    public record Attempt(String key, String member, long startNanos, long endNanos, String outcome, String description) {
    }

    /** A request that ended in a booking, and when its first attempt started. */
    public record Acknowledged(String key, String bookingId, String showId, String seatId, long firstAttemptNanos,
            long answeredNanos) {
    }

    /** A request that did not end in a booking: after the retry budget, or with an answer that is not retried. */
    public record Failed(String key, long firstAttemptNanos, String lastOutcome, String description) {
    }

    private final int threads;
    private final long pauseMillis;
    private final long attemptDeadlineMillis;
    private final long requestBudgetMillis;
    private final Queue<String[]> seats;
    private final List<String> tokens;
    private final Supplier<List<String>> routable;
    private final Function<String, NodeClient> clientOf;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
    private final List<Failed> failed = new CopyOnWriteArrayList<>();
    private final List<Future<?>> workers = new ArrayList<>();
    private ExecutorService pool;

    /**
     * @param seats          {showId, seatId} pairs, each booked by at most one request
     * @param tokens         user tokens, one per client thread in turn
     * @param routable       the members a Service routes to now (ids)
     * @param clientOf       the client of a member id (its current address)
     */
    public BookingLoad(int threads, long pauseMillis, long attemptDeadlineMillis, long requestBudgetMillis, Queue<String[]> seats,
            List<String> tokens, Supplier<List<String>> routable, Function<String, NodeClient> clientOf) {
        this.threads = threads;
        this.pauseMillis = pauseMillis;
        this.attemptDeadlineMillis = attemptDeadlineMillis;
        this.requestBudgetMillis = requestBudgetMillis;
        this.seats = seats;
        this.tokens = tokens;
        this.routable = routable;
        this.clientOf = clientOf;
    }

    public void start() {
        pool = Executors.newFixedThreadPool(threads);
        for (int thread = 0; thread < threads; thread++) {
            int number = thread;
            workers.add(pool.submit(() -> clientLoop(number)));
        }
    }

    /** Stops the clients after their current request (bounded by the request budget) and rethrows a client's error. */
    public void stop() throws Exception {
        running.set(false);
        pool.shutdown();
        if (!pool.awaitTermination(requestBudgetMillis + 30_000, TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            throw new AssertionError("the booking clients did not finish");
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
    }

    public int requests() {
        return requests.get();
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged);
    }

    public List<Failed> failed() {
        return List.copyOf(failed);
    }

    /** Bookings answered at or after {@code nanos}. */
    public long acknowledgedSince(long nanos) {
        return acknowledged.stream().filter(a -> a.answeredNanos() >= nanos).count();
    }

    /** Attempts that started in [fromNanos, toNanos), counted by outcome. */
    public Map<String, Integer> outcomesBetween(long fromNanos, long toNanos) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Attempt attempt : attempts) {
            if (attempt.startNanos() >= fromNanos && attempt.startNanos() < toNanos) {
                counts.merge(attempt.outcome(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private void clientLoop(int thread) {
        String token = tokens.get(thread % tokens.size());
        int sequence = 0;
        while (running.get()) {
            String[] seat = seats.poll();
            if (seat == null) {
                return; // Every seat is sold.
            }
            requests.incrementAndGet();
            book(thread, token, seat, "container-it/" + thread + "/" + sequence++);
            pause(pauseMillis);
        }
    }

    private void book(int thread, String token, String[] seat, String key) {
        long firstNanos = System.nanoTime();
        long budgetEnd = firstNanos + TimeUnit.MILLISECONDS.toNanos(requestBudgetMillis);
        int member = thread;
        Attempt last = null;
        while (System.nanoTime() < budgetEnd) {
            List<String> members = routable.get();
            if (members.isEmpty()) {
                pause(50);
                continue;
            }
            String id = members.get(Math.floorMod(member++, members.size()));
            long startNanos = System.nanoTime();
            try {
                Booking booking = clientOf.apply(id).book(token, seat[0], seat[1], key, attemptDeadlineMillis);
                long now = System.nanoTime();
                attempts.add(new Attempt(key, id, startNanos, now, "OK", ""));
                acknowledged.add(new Acknowledged(key, booking.getId(), seat[0], seat[1], firstNanos, now));
                return;
            } catch (StatusRuntimeException e) {
                String outcome = outcome(e.getStatus());
                last = new Attempt(key, id, startNanos, System.nanoTime(), outcome, String.valueOf(e.getStatus().getDescription()));
                attempts.add(last);
                if (!retried(outcome)) {
                    failed.add(new Failed(key, firstNanos, outcome, id + ": " + e.getStatus()));
                    return;
                }
                pause(50);
            }
        }
        failed.add(new Failed(key, firstNanos, last == null ? "NO_MEMBER" : last.outcome(),
                "no booking within " + requestBudgetMillis + " ms" + (last == null ? "" : ", last: " + last.member() + " "
                        + last.outcome() + " " + last.description())));
    }

    /** The gRPC code, with a reset stream told apart from other INTERNAL answers. */
    static String outcome(Status status) {
        String description = status.getDescription();
        if (status.getCode() == Status.Code.INTERNAL && description != null && description.startsWith("RST_STREAM")) {
            return "INTERNAL_RST_STREAM";
        }
        return status.getCode().name();
    }

    /** Transport conditions a client retries with the same key; anything else is an answer. */
    public static boolean retried(String outcome) {
        return outcome.equals("UNAVAILABLE") || outcome.equals("DEADLINE_EXCEEDED") || outcome.equals("INTERNAL_RST_STREAM");
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }
}
