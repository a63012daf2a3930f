package io.boxoffice.verifier.check;

import java.util.Objects;

/**
 * The model's value of one seat: free, held by a hold, or booked by a booking. A held seat carries the
 * bounds of its hold's expiry: exact for an acknowledged hold, a range when the client never saw the hold
 * (a lost answer, or the hold half of BookSeats).
 *
 * @param status            free, held or booked
 * @param reference         the hold id (held) or booking id (booked); for an operation whose answer was
 *                          lost, a reference derived from its idempotency key; empty when free
 * @param ownerUserId       user who holds or booked the seat; empty when free
 * @param expiresAtLowMillis  earliest wall-clock time the hold can expire (held only)
 * @param expiresAtHighMillis latest wall-clock time the hold's expiry can be set to; {@link Long#MAX_VALUE}
 *                          when unknown (held only)
 */
public record SeatValue(SeatStatus status, String reference, String ownerUserId, long expiresAtLowMillis,
                        long expiresAtHighMillis) {

    public static final SeatValue FREE = new SeatValue(SeatStatus.FREE, "", "", 0, 0);

    public SeatValue {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(ownerUserId, "ownerUserId");
        if (status == SeatStatus.FREE && (!reference.isEmpty() || !ownerUserId.isEmpty())) {
            throw new IllegalArgumentException("a free seat has no reference or owner");
        }
        if (status == SeatStatus.HELD && expiresAtLowMillis > expiresAtHighMillis) {
            throw new IllegalArgumentException("hold expiry bounds inverted: " + expiresAtLowMillis + " > "
                    + expiresAtHighMillis);
        }
    }

    public static SeatValue held(String holdReference, String ownerUserId, long expiresAtLowMillis,
                                 long expiresAtHighMillis) {
        return new SeatValue(SeatStatus.HELD, holdReference, ownerUserId, expiresAtLowMillis, expiresAtHighMillis);
    }

    public static SeatValue booked(String bookingReference, String ownerUserId) {
        return new SeatValue(SeatStatus.BOOKED, bookingReference, ownerUserId, 0, 0);
    }

    public boolean isHeldBy(String holdReference) {
        return status == SeatStatus.HELD && reference.equals(holdReference);
    }

    public boolean isBookedAs(String bookingReference) {
        return status == SeatStatus.BOOKED && reference.equals(bookingReference);
    }

    @Override
    public String toString() {
        return switch (status) {
            case FREE -> "FREE";
            case HELD -> "HELD(" + reference + " by " + ownerUserId + ", expires "
                    + (expiresAtLowMillis == expiresAtHighMillis ? String.valueOf(expiresAtLowMillis)
                    : expiresAtLowMillis + ".." + (expiresAtHighMillis == Long.MAX_VALUE ? "?" : expiresAtHighMillis))
                    + ")";
            case BOOKED -> "BOOKED(" + reference + " by " + ownerUserId + ")";
        };
    }
}
