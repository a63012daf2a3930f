package io.boxoffice.booking.domain;

/**
 * The limits and durations of the booking rules. They are part of the replicated behaviour: every
 * node of a cluster must run with the same values (one config source, for example the Helm values),
 * or replicas would decide differently; {@code stateHash()} comparisons reveal a mismatch.
 *
 * @param holdDurationMillis how long a new or extended hold lasts
 * @param holdLifetimeMaxMillis the latest expiry of a hold, counted from its creation (extensions stop there)
 * @param seatsPerHoldMax the most seats one hold or booking may cover
 * @param activeHoldsPerUserMax the most active holds one user may have at a time
 * @param fullRefundBeforeShowMillis cancellations at least this long before the show get a full refund, later ones none
 * @param idempotencyRetentionMillis how long (state clock) a result stays remembered under its idempotency key
 * @param idempotencyPrunePerCommandMax the most expired idempotency records one command removes (bounds a command's work)
 * @param seatsPerRowMax the widest row a screen may have
 */
public record BookingLimits(
        long holdDurationMillis,
        long holdLifetimeMaxMillis,
        int seatsPerHoldMax,
        int activeHoldsPerUserMax,
        long fullRefundBeforeShowMillis,
        long idempotencyRetentionMillis,
        int idempotencyPrunePerCommandMax,
        int seatsPerRowMax) {

    /** 24 hours: the brief's lower bound on how long a retried request is recognised. */
    public static final long IDEMPOTENCY_RETENTION_MIN_MILLIS = 24L * 60 * 60 * 1000;

    /** Rows are lettered A..Z. */
    public static final int ROWS_MAX = 26;

    public BookingLimits {
        requirePositive("hold-duration-millis", holdDurationMillis);
        if (holdLifetimeMaxMillis < holdDurationMillis) {
            throw new IllegalArgumentException("hold-lifetime-max-millis (" + holdLifetimeMaxMillis
                    + ") must be at least hold-duration-millis (" + holdDurationMillis + ")");
        }
        requirePositive("seats-per-hold-max", seatsPerHoldMax);
        requirePositive("active-holds-per-user-max", activeHoldsPerUserMax);
        if (fullRefundBeforeShowMillis < 0) {
            throw new IllegalArgumentException("full-refund-before-show-millis must be 0 or more, was "
                    + fullRefundBeforeShowMillis);
        }
        if (idempotencyRetentionMillis < IDEMPOTENCY_RETENTION_MIN_MILLIS) {
            throw new IllegalArgumentException("idempotency-retention-millis must be at least "
                    + IDEMPOTENCY_RETENTION_MIN_MILLIS + " (24 h), was " + idempotencyRetentionMillis);
        }
        requirePositive("idempotency-prune-per-command-max", idempotencyPrunePerCommandMax);
        if (seatsPerRowMax < 1 || seatsPerRowMax > 200) {
            throw new IllegalArgumentException("seats-per-row-max must be in 1..200, was " + seatsPerRowMax);
        }
    }

    /** 10-minute holds extendable to 30 minutes, 10 seats per hold, full refund up to 2 h before the show. */
    public static BookingLimits defaults() {
        return new BookingLimits(10 * 60_000L, 30 * 60_000L, 10, 5, 2 * 3_600_000L,
                IDEMPOTENCY_RETENTION_MIN_MILLIS, 1_000, 60);
    }

    public BookingLimits withHoldDurationMillis(long value) {
        return new BookingLimits(value, Math.max(value, holdLifetimeMaxMillis), seatsPerHoldMax, activeHoldsPerUserMax,
                fullRefundBeforeShowMillis, idempotencyRetentionMillis, idempotencyPrunePerCommandMax, seatsPerRowMax);
    }

    public BookingLimits withHoldLifetimeMaxMillis(long value) {
        return new BookingLimits(holdDurationMillis, value, seatsPerHoldMax, activeHoldsPerUserMax,
                fullRefundBeforeShowMillis, idempotencyRetentionMillis, idempotencyPrunePerCommandMax, seatsPerRowMax);
    }

    public BookingLimits withActiveHoldsPerUserMax(int value) {
        return new BookingLimits(holdDurationMillis, holdLifetimeMaxMillis, seatsPerHoldMax, value,
                fullRefundBeforeShowMillis, idempotencyRetentionMillis, idempotencyPrunePerCommandMax, seatsPerRowMax);
    }

    public BookingLimits withIdempotencyPrunePerCommandMax(int value) {
        return new BookingLimits(holdDurationMillis, holdLifetimeMaxMillis, seatsPerHoldMax, activeHoldsPerUserMax,
                fullRefundBeforeShowMillis, idempotencyRetentionMillis, value, seatsPerRowMax);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
