package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;

/**
 * The cancellation rule of BRIEF §2 — a full refund up to a window before the show starts, none
 * after; admins can refund anything — applied with the window the booking node sends in the
 * facts ({@link Facts.Policy}), so the node's configuration stays its one definition. Same
 * boundary as the node: cancelling exactly at the deadline still refunds in full.
 */
public final class RefundPolicy {

    private RefundPolicy() {}

    public enum Outcome {
        /** Cancelling now refunds the whole amount. */
        FULL_REFUND,
        /** Less than the window before the show: cancelling refunds nothing. */
        NO_REFUND_TOO_LATE,
        /** The show has started (or is over): it can no longer be cancelled. */
        NO_REFUND_SHOW_STARTED,
        /** The booking is already cancelled or refunded. */
        ALREADY_CANCELLED
    }

    public static Instant refundDeadline(Instant showStartsAt, Duration fullRefundBeforeShow) {
        return showStartsAt.minus(fullRefundBeforeShow);
    }

    public static Outcome outcome(Facts.Booking booking, Instant now, Duration fullRefundBeforeShow) {
        if (booking.status() == Facts.BookingStatus.CANCELLED || booking.status() == Facts.BookingStatus.REFUNDED) {
            return Outcome.ALREADY_CANCELLED;
        }
        if (!now.isBefore(booking.showStartsAt())) {
            return Outcome.NO_REFUND_SHOW_STARTED;
        }
        if (now.isAfter(refundDeadline(booking.showStartsAt(), fullRefundBeforeShow))) {
            return Outcome.NO_REFUND_TOO_LATE;
        }
        return Outcome.FULL_REFUND;
    }

    /** What cancelling now refunds: the whole amount or nothing. */
    public static Money refund(Money amount, Outcome outcome) {
        return outcome == Outcome.FULL_REFUND ? amount : new Money(0, amount.currency());
    }
}
