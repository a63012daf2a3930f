package io.boxoffice.booking.domain.refunds;

/**
 * The customer cancellation policy: a full refund when cancelling at least
 * {@code fullRefundBeforeShowMillis} before the show starts (exactly at the boundary counts as in
 * time), nothing after. Admin refunds and show cancellations are not subject to it.
 */
public final class RefundPolicy {

    private RefundPolicy() {
    }

    /** The last moment (inclusive) a customer's cancellation is refunded in full. */
    public static long fullRefundUntilMillis(long showStartsAtMillis, long fullRefundBeforeShowMillis) {
        return showStartsAtMillis - fullRefundBeforeShowMillis;
    }

    /** The minor units to refund out of {@code refundableMinor} for a cancellation at {@code nowMillis}. */
    public static long customerRefundMinor(long refundableMinor, long showStartsAtMillis, long nowMillis,
            long fullRefundBeforeShowMillis) {
        return nowMillis <= fullRefundUntilMillis(showStartsAtMillis, fullRefundBeforeShowMillis) ? refundableMinor : 0;
    }
}
