package io.boxoffice.verifier.check;

import java.util.List;
import java.util.Objects;

/**
 * What one node reported about its own applied state after the faults healed (stale reads served by that
 * node alone, so every replica is seen as it is, not through the leader).
 *
 * @param nodeId           the node
 * @param appliedIndex     its applied index
 * @param stateHash        SHA-256 of its booking state as the node reports it (ClusterService NodeStatus)
 * @param observedAtWallMillis wall clock when the snapshot was taken
 * @param bookings         every booking of the checked show
 * @param activeHolds      every active hold of the checked show's users
 * @param seats            the checked show's seat map
 */
public record ReplicaSnapshot(String nodeId, long appliedIndex, String stateHash, long observedAtWallMillis,
                              List<BookingRecord> bookings, List<HoldRecord> activeHolds,
                              List<ClientOperation.ObservedSeat> seats) {

    public ReplicaSnapshot {
        Objects.requireNonNull(nodeId, "nodeId");
        stateHash = Objects.requireNonNullElse(stateHash, "");
        bookings = List.copyOf(bookings);
        activeHolds = List.copyOf(activeHolds);
        seats = List.copyOf(seats);
    }

    /** A booking as a node stores it. */
    public record BookingRecord(String bookingId, String userId, String showId, List<String> seatIds, boolean confirmed) {
        public BookingRecord {
            seatIds = List.copyOf(seatIds);
        }
    }

    /** An active hold as a node stores it. */
    public record HoldRecord(String holdId, String userId, String showId, List<String> seatIds, long expiresAtMillis) {
        public HoldRecord {
            seatIds = List.copyOf(seatIds);
        }
    }
}
