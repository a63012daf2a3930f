package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.cluster.FailoverLoad.Attempt;
import io.boxoffice.booking.testing.LoopbackCluster;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.testkit.client.Retrying;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What {@link ThreeNodeClusterIT} checks of the replicas once the load stopped: every acknowledged booking
 * on every node, no seat sold twice, the seat maps agree, a keyed retry answers the original, and every node
 * reaches the same state hash. Reads are stale (each node's own state) unless said otherwise.
 */
final class ReplicaAgreement {

    private static final long CALL_DEADLINE_MILLIS = 6_000;
    private static final Retrying RETRYING = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(Duration.ofSeconds(20));

    private final LoopbackCluster cluster;
    private final String adminToken;
    private final String showId;
    private final Consumer<String> log;

    ReplicaAgreement(LoopbackCluster cluster, String adminToken, String showId, Consumer<String> log) {
        this.cluster = cluster;
        this.adminToken = adminToken;
        this.showId = showId;
        this.log = log;
    }

    static void assertAcknowledgedBookingsAreDisjoint(List<Attempt> booked) {
        Map<String, String> bookingBySeat = new TreeMap<>();
        for (Attempt attempt : booked) {
            Booking booking = attempt.booking();
            assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
            assertThat(seatIds(booking)).as("seats of " + booking.getId())
                    .isEqualTo(new TreeSet<>(attempt.request().getSeatIdsList()));
            for (String seat : seatIds(booking)) {
                String other = bookingBySeat.put(seat, booking.getId());
                assertThat(other == null || other.equals(booking.getId()))
                        .as("seat " + seat + " acknowledged to two bookings: " + other + " and " + booking.getId())
                        .isTrue();
            }
        }
    }

    /**
     * Every node in {@code nodes}: the same bookings everywhere, each acknowledged one among them, no seat in
     * two confirmed bookings, and the seat map agrees. Returns the agreed bookings.
     */
    Map<String, Booking> assertReplicasAgree(List<Member> nodes, List<Attempt> booked, int sellableSeats) {
        Map<String, Booking> reference = null;
        for (Member node : nodes) {
            Map<String, Booking> bookings = staleBookings(node);
            for (Attempt attempt : booked) {
                Booking stored = bookings.get(attempt.booking().getId());
                assertThat(stored).as("acknowledged booking " + attempt.booking().getId() + " on " + node.id())
                        .isNotNull();
                assertThat(stored.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
                assertThat(seatIds(stored)).isEqualTo(seatIds(attempt.booking()));
                assertThat(stored.getUserId()).isEqualTo(attempt.booking().getUserId());
            }
            Set<String> bookedSeats = assertNoSeatSoldTwice(node, bookings.values());
            assertSeatMapMatches(node, bookedSeats, sellableSeats);
            Booking sample = booked.get(booked.size() / 2).booking();
            assertThat(node.client().booking(adminToken, CALL_DEADLINE_MILLIS).getBooking(GetBookingRequest.newBuilder()
                    .setBookingId(sample.getId()).setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build())
                    .getAuditList()).as("audit trail of " + sample.getId() + " on " + node.id()).isNotEmpty();
            if (reference == null) {
                reference = bookings;
            } else {
                assertThat(bookings).as("bookings on " + node.id() + " and on " + nodes.get(0).id()).isEqualTo(reference);
            }
        }
        log.accept(String.format("%s agree on %d bookings of the show (%d acknowledged to clients)", nodes,
                reference.size(), booked.size()));
        return reference;
    }

    private static Set<String> assertNoSeatSoldTwice(Member node, Iterable<Booking> bookings) {
        Map<String, String> bookingBySeat = new TreeMap<>();
        for (Booking booking : bookings) {
            if (booking.getStatus() != BookingStatus.BOOKING_STATUS_CONFIRMED) {
                continue;
            }
            for (String seat : seatIds(booking)) {
                String other = bookingBySeat.put(seat, booking.getId());
                assertThat(other).as("seat " + seat + " on " + node.id() + " is in " + other + " and " + booking.getId())
                        .isNull();
            }
        }
        return bookingBySeat.keySet();
    }

    private void assertSeatMapMatches(Member node, Set<String> bookedSeats, int sellableSeats) {
        SeatMap map = node.client().catalog(adminToken, CALL_DEADLINE_MILLIS).getSeatMap(GetSeatMapRequest.newBuilder()
                .setShowId(showId).setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build());
        Map<SeatState, Set<String>> byState = new TreeMap<>();
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                byState.computeIfAbsent(seat.getState(), state -> new TreeSet<>()).add(seat.getId());
            }
        }
        assertThat(byState.getOrDefault(SeatState.SEAT_STATE_BOOKED, Set.of())).as("booked seats on " + node.id())
                .isEqualTo(bookedSeats);
        assertThat(byState.getOrDefault(SeatState.SEAT_STATE_HELD, Set.of()))
                .as("seats left held on " + node.id() + " (BookSeats books or holds nothing)").isEmpty();
        assertThat(bookedSeats.size() + byState.getOrDefault(SeatState.SEAT_STATE_FREE, Set.of()).size())
                .isEqualTo(sellableSeats);
    }

    /**
     * A booking acknowledged by the killed leader and one by its successor, each retried with its own
     * idempotency key through a survivor, answer their original booking and change nothing.
     */
    void assertRetryAfterFailoverReturnsTheOriginal(List<Attempt> booked, long deathWallMillis,
                                                    List<FailoverClient> clients, List<Member> survivors) {
        List<Attempt> retried = new ArrayList<>();
        booked.stream().filter(a -> a.booking().getCreatedAtMillis() < deathWallMillis).findFirst()
                .ifPresent(retried::add);
        booked.stream().filter(a -> a.booking().getCreatedAtMillis() >= deathWallMillis).findFirst()
                .ifPresent(retried::add);
        assertThat(retried).as("bookings from before and after the failover").hasSize(2);
        int bookingsBefore = countAllBookings(survivors.get(0));
        SeatMap seatsBefore = linearizableSeatMap(survivors.get(1));
        for (int i = 0; i < retried.size(); i++) {
            Attempt original = retried.get(i);
            FailoverClient client = clients.get(original.client());
            Member via = survivors.get(i % survivors.size());
            Booking again = via.client().booking(client.token, CALL_DEADLINE_MILLIS).bookSeats(original.request());
            assertThat(again.getId()).as("retry of " + original.request().getIdempotencyKey() + " via " + via.id())
                    .isEqualTo(original.booking().getId());
            assertThat(seatIds(again)).isEqualTo(seatIds(original.booking()));
        }
        assertThat(countAllBookings(survivors.get(1))).as("bookings after the retries").isEqualTo(bookingsBefore);
        assertThat(linearizableSeatMap(survivors.get(0)).getRowsList()).as("seat map after the retries")
                .isEqualTo(seatsBefore.getRowsList());
        log.accept(String.format("retried %s after the failover: original bookings returned, still %d bookings",
                retried.stream().map(a -> a.request().getIdempotencyKey()).toList(), bookingsBefore));
    }

    /**
     * GetClusterStatus fills state_hash for the answering node only (the leader), so leadership is moved to
     * each node in turn and each reports its own hash; no write happens meanwhile.
     */
    void assertStateHashesEqual() {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Member target : cluster.members()) {
            Member current = cluster.leader(adminToken);
            if (current != target) {
                RETRYING.call(() -> current.client().cluster(adminToken, CALL_DEADLINE_MILLIS).transferLeadership(
                        TransferLeadershipRequest.newBuilder().setTargetNodeId(target.id()).build()));
            }
            ClusterStatus status = RETRYING.call(() -> {
                ClusterStatus answer = target.client().cluster(adminToken, CALL_DEADLINE_MILLIS)
                        .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
                if (!answer.getReportingNodeId().equals(target.id()) || !answer.getLeaderId().equals(target.id())) {
                    throw Status.UNAVAILABLE.withDescription(target.id() + " does not lead yet").asRuntimeException();
                }
                return answer;
            });
            NodeStatus own = status.getNodesList().stream().filter(n -> n.getId().equals(target.id())).findFirst()
                    .orElseThrow();
            assertThat(own.getStateHash()).as("state hash reported by " + target.id()).isNotEmpty();
            hashes.put(target.id() + "@" + own.getAppliedIndex(), own.getStateHash());
        }
        log.accept("state hashes: " + hashes);
        assertThat(new TreeSet<>(hashes.values())).as("state hashes per node " + hashes).hasSize(1);
    }

    // ------------------------------------------------------------------ reads

    private Map<String, Booking> staleBookings(Member node) {
        Map<String, Booking> bookings = new TreeMap<>();
        String pageToken = "";
        do {
            ListBookingsResponse page = node.client().admin(adminToken, CALL_DEADLINE_MILLIS).listAllBookings(
                    ListAllBookingsRequest.newBuilder().setShowId(showId).setPageSize(500).setPageToken(pageToken)
                            .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build());
            page.getBookingsList().forEach(b -> bookings.put(b.getId(), b));
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        return bookings;
    }

    private int countAllBookings(Member node) {
        int count = 0;
        String pageToken = "";
        do {
            ListBookingsResponse page = node.client().admin(adminToken, CALL_DEADLINE_MILLIS).listAllBookings(
                    ListAllBookingsRequest.newBuilder().setPageSize(500).setPageToken(pageToken).build());
            count += page.getBookingsCount();
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        return count;
    }

    private SeatMap linearizableSeatMap(Member node) {
        return node.client().catalog(adminToken, CALL_DEADLINE_MILLIS).getSeatMap(GetSeatMapRequest.newBuilder()
                .setShowId(showId).build());
    }

    /** Seats that can be sold, per row in seat order (blocked seats left out). */
    static List<List<String>> sellableRows(SeatMap map) {
        List<List<String>> rows = new ArrayList<>();
        for (SeatRow row : map.getRowsList()) {
            rows.add(row.getSeatsList().stream().filter(seat -> seat.getState() == SeatState.SEAT_STATE_FREE)
                    .map(Seat::getId).toList());
        }
        return rows;
    }

    static Set<String> seatIds(Booking booking) {
        return booking.getSeatsList().stream().map(SeatLine::getSeatId).collect(Collectors.toCollection(TreeSet::new));
    }
}
