package io.boxoffice.booking.cluster;

import io.boxoffice.booking.cluster.FailoverLoad.Attempt;
import io.boxoffice.booking.cluster.FailoverLoad.Outcome;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Retrying;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;

/** One user of {@link ThreeNodeClusterIT} booking in a loop, starting at its home node. */
final class FailoverClient {

    /** A request is retried (same idempotency key) at most this long before its outcome counts as unknown. */
    private static final Duration REQUEST_RETRY_BOUND = Duration.ofSeconds(15);
    private static final long CALL_DEADLINE_MILLIS = 6_000;
    /**
     * UNAVAILABLE and DEADLINE_EXCEEDED are retried with the same request on the next node, after the pause
     * the node hints at (at most 500 ms).
     */
    private static final Retrying RETRYING = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(REQUEST_RETRY_BOUND)
            .pausingAsHinted(Duration.ofMillis(50), Duration.ofMillis(500));

    final int index;
    final String username;
    final Member home;
    final String token;
    private final List<Member> nodes;
    private int sequence;

    FailoverClient(int index, String username, Member home, String token, List<Member> nodes) {
        this.index = index;
        this.username = username;
        this.home = home;
        this.token = token;
        this.nodes = nodes;
    }

    void run(FailoverLoad load) {
        while (!load.stop.get()) {
            BookSeatsRequest request = BookSeatsRequest.newBuilder().setShowId(load.showId)
                    .addAllSeatIds(load.randomSeats()).setPayment(NodeClient.CARD)
                    .setIdempotencyKey("it-" + username + "-" + (++sequence)).build();
            load.record(book(request, home, nodes));
            sleepMillis(load.thinkMillis());
        }
    }

    /** Books through {@code first}, moving to the next of {@code candidates} after each retried failure. */
    Attempt book(BookSeatsRequest request, Member first, List<Member> candidates) {
        int firstIndex = Math.max(0, candidates.indexOf(first));
        Retrying.Outcome<Member, Booking> outcome = RETRYING.call(
                attempt -> candidates.get((firstIndex + attempt) % candidates.size()),
                node -> node.client().booking(token, CALL_DEADLINE_MILLIS).bookSeats(request));
        long answered = System.nanoTime();
        String via = outcome.target().id();
        if (outcome.succeeded()) {
            return new Attempt(index, request, Outcome.BOOKED, outcome.value(), via, answered, outcome.attempts(), null);
        }
        String error = via + ": " + outcome.failure().getStatus();
        Outcome kind = outcome.failure().getStatus().getCode() == Status.Code.FAILED_PRECONDITION ? Outcome.SEATS_TAKEN
                : outcome.exhausted() ? Outcome.UNKNOWN : Outcome.UNEXPECTED;
        return new Attempt(index, request, kind, null, via, answered, outcome.attempts(), error);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
