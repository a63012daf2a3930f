package io.boxoffice.verifier.check;

import io.boxoffice.verifier.check.ClientOperation.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the replicas' final states against each other and against the history, once the faults have
 * healed and the cluster is quiet:
 * <ul>
 *   <li><b>replicas identical</b>: every node reports the same state hash once the cluster is quiet, and
 *   serves the same bookings, active holds and seat map of the show from its own state;</li>
 *   <li><b>no double booking</b>: on every node, no seat is in two confirmed bookings;</li>
 *   <li><b>acknowledged writes durable</b>: every acknowledged booking is on every node, confirmed unless a
 *   cancel of it was attempted (and cancelled if a cancel was acknowledged);</li>
 *   <li><b>holds expire</b>: no node keeps a hold active past its expiry plus {@code expiryGraceMillis}
 *   (the leader's expiry interval and a commit's latency), and no seat is shown held without an active
 *   hold;</li>
 *   <li><b>seat map matches records</b>: a node's seat map shows exactly the seats of its confirmed
 *   bookings as booked and of its active holds as held.</li>
 * </ul>
 * Pure.
 *
 * @param expiryGraceMillis how long after its expiry a hold may still be active in a quiet cluster
 */
public record InvariantChecker(long expiryGraceMillis) {

    public List<Violation> check(List<ClientOperation> history, List<ReplicaSnapshot> replicas) {
        List<Violation> violations = new ArrayList<>();
        violations.addAll(replicasIdentical(replicas));
        for (ReplicaSnapshot replica : replicas) {
            violations.addAll(noDoubleBooking(replica));
            violations.addAll(holdsExpire(replica));
            violations.addAll(seatMapMatchesRecords(replica));
        }
        violations.addAll(acknowledgedBookingsPresent(history, replicas));
        return violations;
    }

    /**
     * Every node reports the same state hash. Applied indexes may differ by entries that do not touch the
     * booking state (a new leader's no-op, configuration changes), so they are reported, not compared.
     */
    static List<Violation> replicasIdentical(List<ReplicaSnapshot> replicas) {
        Set<String> hashes = new TreeSet<>();
        StringBuilder seen = new StringBuilder();
        for (ReplicaSnapshot replica : replicas) {
            hashes.add(replica.stateHash());
            seen.append(' ').append(replica.nodeId()).append("@").append(replica.appliedIndex()).append('=')
                    .append(replica.stateHash().length() > 12 ? replica.stateHash().substring(0, 12) : replica.stateHash());
        }
        List<Violation> violations = new ArrayList<>();
        violations.addAll(sameViews(replicas));
        if (hashes.contains("")) {
            violations.add(new Violation(Violation.REPLICAS_IDENTICAL, "cluster",
                    "a node did not report its state hash:" + seen));
        } else if (hashes.size() > 1) {
            violations.add(new Violation(Violation.REPLICAS_IDENTICAL, "cluster",
                    "nodes report different state hashes after quiescence:" + seen));
        }
        return violations;
    }

    /** Every node's own view of the show (bookings, active holds, seat map) is the same as the first node's. */
    static List<Violation> sameViews(List<ReplicaSnapshot> replicas) {
        List<Violation> violations = new ArrayList<>();
        if (replicas.isEmpty()) {
            return violations;
        }
        ReplicaSnapshot first = replicas.getFirst();
        for (ReplicaSnapshot other : replicas.subList(1, replicas.size())) {
            for (String part : List.of("bookings", "active holds", "seat map")) {
                Object mine = view(first, part);
                Object theirs = view(other, part);
                if (!mine.equals(theirs)) {
                    violations.add(new Violation(Violation.REPLICAS_IDENTICAL, other.nodeId(), "its " + part
                            + " differ from " + first.nodeId() + "'s: " + theirs + " vs " + mine));
                }
            }
        }
        return violations;
    }

    private static Object view(ReplicaSnapshot replica, String part) {
        return switch (part) {
            case "bookings" -> new TreeMap<>(replica.bookings().stream().collect(
                    java.util.stream.Collectors.toMap(ReplicaSnapshot.BookingRecord::bookingId, b -> b)));
            case "active holds" -> new TreeMap<>(replica.activeHolds().stream().collect(
                    java.util.stream.Collectors.toMap(ReplicaSnapshot.HoldRecord::holdId, h -> h)));
            default -> new TreeMap<>(replica.seats().stream().collect(
                    java.util.stream.Collectors.toMap(ClientOperation.ObservedSeat::seatId, seat -> seat.status())));
        };
    }

    static List<Violation> noDoubleBooking(ReplicaSnapshot replica) {
        Map<String, String> bookingBySeat = new HashMap<>();
        List<Violation> violations = new ArrayList<>();
        for (ReplicaSnapshot.BookingRecord booking : replica.bookings()) {
            if (!booking.confirmed()) {
                continue;
            }
            for (String seat : booking.seatIds()) {
                String other = bookingBySeat.putIfAbsent(booking.showId() + "/" + seat, booking.bookingId());
                if (other != null) {
                    violations.add(new Violation(Violation.NO_DOUBLE_BOOKING, booking.showId() + "/" + seat,
                            "node " + replica.nodeId() + " has seat in confirmed bookings " + other + " and "
                                    + booking.bookingId()));
                }
            }
        }
        return violations;
    }

    List<Violation> holdsExpire(ReplicaSnapshot replica) {
        List<Violation> violations = new ArrayList<>();
        for (ReplicaSnapshot.HoldRecord hold : replica.activeHolds()) {
            if (hold.expiresAtMillis() + expiryGraceMillis < replica.observedAtWallMillis()) {
                violations.add(new Violation(Violation.HOLDS_EXPIRE, hold.holdId(), "node " + replica.nodeId()
                        + " still has the hold active " + (replica.observedAtWallMillis() - hold.expiresAtMillis())
                        + " ms after its expiry"));
            }
        }
        return violations;
    }

    static List<Violation> seatMapMatchesRecords(ReplicaSnapshot replica) {
        Map<String, SeatStatus> expected = new TreeMap<>();
        for (ReplicaSnapshot.BookingRecord booking : replica.bookings()) {
            if (booking.confirmed()) {
                booking.seatIds().forEach(seat -> expected.put(seat, SeatStatus.BOOKED));
            }
        }
        for (ReplicaSnapshot.HoldRecord hold : replica.activeHolds()) {
            hold.seatIds().forEach(seat -> expected.put(seat, SeatStatus.HELD));
        }
        List<Violation> violations = new ArrayList<>();
        for (ClientOperation.ObservedSeat seat : replica.seats()) {
            SeatStatus want = expected.getOrDefault(seat.seatId(), SeatStatus.FREE);
            if (seat.status() != want) {
                violations.add(new Violation(Violation.SEAT_MAP_MATCHES_RECORDS, seat.seatId(), "node "
                        + replica.nodeId() + " shows the seat " + seat.status() + " but its bookings and holds say "
                        + want));
            }
        }
        return violations;
    }

    static List<Violation> acknowledgedBookingsPresent(List<ClientOperation> history, List<ReplicaSnapshot> replicas) {
        Set<String> cancelAttempted = new HashSet<>();
        Set<String> cancelAcknowledged = new HashSet<>();
        List<String> acknowledged = new ArrayList<>();
        for (ClientOperation operation : history) {
            if (operation.type() == Type.CANCEL_BOOKING) {
                cancelAttempted.add(operation.bookingId());
                if (operation.isOk()) {
                    cancelAcknowledged.add(operation.bookingId());
                }
            }
            if (operation.isOk() && (operation.type() == Type.BOOK_SEATS || operation.type() == Type.CONFIRM_HOLD)) {
                acknowledged.add(operation.bookingId());
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (ReplicaSnapshot replica : replicas) {
            Map<String, ReplicaSnapshot.BookingRecord> byId = new HashMap<>();
            replica.bookings().forEach(booking -> byId.put(booking.bookingId(), booking));
            for (String bookingId : new TreeSet<>(acknowledged)) {
                ReplicaSnapshot.BookingRecord booking = byId.get(bookingId);
                if (booking == null) {
                    violations.add(new Violation(Violation.ACKNOWLEDGED_WRITES_DURABLE, bookingId,
                            "acknowledged booking is missing on node " + replica.nodeId()));
                } else if (booking.confirmed() && cancelAcknowledged.contains(bookingId)) {
                    violations.add(new Violation(Violation.ACKNOWLEDGED_WRITES_DURABLE, bookingId,
                            "acknowledged cancel is missing on node " + replica.nodeId()));
                } else if (!booking.confirmed() && !cancelAttempted.contains(bookingId)) {
                    violations.add(new Violation(Violation.ACKNOWLEDGED_WRITES_DURABLE, bookingId,
                            "booking nobody cancelled is not confirmed on node " + replica.nodeId()));
                }
            }
        }
        return violations;
    }
}
