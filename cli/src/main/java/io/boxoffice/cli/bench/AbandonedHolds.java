package io.boxoffice.cli.bench;

/**
 * The holds one bench user has abandoned and the cluster still counts as active. A node refuses a new hold
 * once a user has {@code boxoffice.limits.active-holds-per-user-max} active holds (RESOURCE_EXHAUSTED, an
 * error for the bench), and an abandoned hold stays active until the leader's expiry sweep ends it. So a
 * user abandons a hold only into a free slot, and a slot frees itself once the hold's lifetime (as the node
 * reported it) plus a slack ({@link #EXPIRY_SLACK_NANOS} in real runs) has passed on this machine's clock.
 *
 * <p>Thread-safe: the workers that share a user share its ledger. Time is passed in, so tests pin it.
 */
final class AbandonedHolds {

    /**
     * Time allowed after a hold's expiry for the node to end it: the leader sweeps every
     * {@code boxoffice.limits.expire-holds-interval-millis} (1 s by default), and under full load the sweep
     * waits in the Raft queue behind client commands.
     */
    static final long EXPIRY_SLACK_NANOS = 10_000_000_000L;

    private static final long FREE = Long.MIN_VALUE;
    private static final long RESERVED = Long.MAX_VALUE;

    /** Per slot: {@link #FREE}, {@link #RESERVED} while its hold call runs, else when it frees (nanos). */
    private final long[] slots;
    private final long expirySlackNanos;

    AbandonedHolds(int slotsMax, long expirySlackNanos) {
        if (slotsMax < 1) {
            throw new IllegalArgumentException("a user needs at least one slot for abandoned holds, got " + slotsMax);
        }
        this.expirySlackNanos = expirySlackNanos;
        slots = new long[slotsMax];
        java.util.Arrays.fill(slots, FREE);
    }

    /** Takes a free slot for a hold about to be made: its index, or -1 when every slot is in use. */
    synchronized int reserve(long nowNanos) {
        for (int index = 0; index < slots.length; index++) {
            if (slots[index] == FREE || (slots[index] != RESERVED && slots[index] - nowNanos <= 0)) {
                slots[index] = RESERVED;
                return index;
            }
        }
        return -1;
    }

    /**
     * The hold of a reserved slot was made: the slot frees once the hold has expired on the node.
     *
     * @param receivedNanos when the node's answer arrived (this machine's clock)
     * @param lifetimeMillis the hold's expiry minus its creation time, as the node reported them
     */
    synchronized void held(int index, long receivedNanos, long lifetimeMillis) {
        requireReserved(index);
        slots[index] = receivedNanos + Math.max(0, lifetimeMillis) * 1_000_000L + expirySlackNanos;
    }

    /** The hold of a reserved slot was not made (seats taken, call failed): the slot is free again. */
    synchronized void notHeld(int index) {
        requireReserved(index);
        slots[index] = FREE;
    }

    /** Slots in use at {@code nowNanos}: reserved, or holding a hold that may still be active on the node. */
    synchronized int inUse(long nowNanos) {
        int count = 0;
        for (long slot : slots) {
            if (slot == RESERVED || (slot != FREE && slot - nowNanos > 0)) {
                count++;
            }
        }
        return count;
    }

    private void requireReserved(int index) {
        if (slots[index] != RESERVED) {
            throw new IllegalStateException("slot " + index + " of the abandoned-hold ledger was not reserved");
        }
    }
}
