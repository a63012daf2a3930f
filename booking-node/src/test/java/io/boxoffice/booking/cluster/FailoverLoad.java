package io.boxoffice.booking.cluster;

import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared state of {@link ThreeNodeClusterIT}'s load: the show and its sellable seats, what every client
 * saw, and the timing of the leader's kill. Clients draw adjacent seats of random rows from the same seats,
 * so their requests collide.
 */
final class FailoverLoad {

    private static final int SEATS_PER_REQUEST_MAX = 3;
    private static final long CLIENT_THINK_MILLIS_MAX = 20;

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

    final String showId;
    final List<List<String>> rows;
    final int sellableSeats;
    private final Random random;
    final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    final AtomicInteger bookedCount = new AtomicInteger();
    final AtomicInteger bookedSeats = new AtomicInteger();
    final AtomicInteger bookedAfterDeath = new AtomicInteger();
    final AtomicInteger unknownCount = new AtomicInteger();
    private volatile long killNanos;
    /** Wall time once the killed JVM is gone: a commit stamped at or after it is the new leader's. */
    private volatile long deathWallMillis = Long.MAX_VALUE;

    FailoverLoad(String showId, List<List<String>> rows, Random random) {
        this.showId = showId;
        this.rows = rows;
        this.sellableSeats = rows.stream().mapToInt(List::size).sum();
        this.random = random;
    }

    void markKill() {
        killNanos = System.nanoTime();
    }

    void markDeath() {
        deathWallMillis = System.currentTimeMillis();
    }

    long killNanos() {
        return killNanos;
    }

    long deathWallMillis() {
        return deathWallMillis;
    }

    void record(Attempt attempt) {
        attempts.add(attempt);
        if (attempt.outcome() == Outcome.BOOKED) {
            bookedCount.incrementAndGet();
            bookedSeats.addAndGet(attempt.booking().getSeatsCount());
            if (attempt.booking().getCreatedAtMillis() >= deathWallMillis) {
                bookedAfterDeath.incrementAndGet();
            }
        } else if (attempt.outcome() == Outcome.UNKNOWN) {
            unknownCount.incrementAndGet();
        }
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Adjacent seats (1..3) of one random row. */
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
        return attempts.stream().filter(a -> a.outcome() == Outcome.BOOKED
                && a.booking().getCreatedAtMillis() >= deathWallMillis).mapToLong(Attempt::answeredNanos).min()
                .orElse(0);
    }

    long firstCommitAfterDeathMillis() {
        return attempts.stream().filter(a -> a.outcome() == Outcome.BOOKED
                && a.booking().getCreatedAtMillis() >= deathWallMillis)
                .mapToLong(a -> a.booking().getCreatedAtMillis() - deathWallMillis).min().orElse(-1);
    }
}
