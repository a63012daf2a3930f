package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;

/**
 * The cancellation rule of BRIEF §2, which the shipped policy text states in words: a full refund
 * up to 2 hours before the show starts, none after; admins can refund anything.
 */
public final class RefundPolicy {

    public static final Duration FULL_REFUND_CUTOFF = Duration.ofHours(2);

    private RefundPolicy() {}

    public enum Outcome {
        /** Cancelling now refunds the whole amount. */
        FULL_REFUND,
        /** Less than the cutoff before the show: cancelling refunds nothing. */
        NO_REFUND_TOO_LATE,
        /** The show has started (or is over): cancelling refunds nothing. */
        NO_REFUND_SHOW_STARTED,
        /** The booking is already cancelled or refunded. */
        ALREADY_CANCELLED
    }

    public static Instant refundDeadline(Instant showStartsAt) {
        return showStartsAt.minus(FULL_REFUND_CUTOFF);
    }

    public static Outcome outcome(Facts.Booking booking, Instant now) {
        if (booking.status() == Facts.BookingStatus.CANCELLED || booking.status() == Facts.BookingStatus.REFUNDED) {
            return Outcome.ALREADY_CANCELLED;
        }
        if (!now.isBefore(booking.showStartsAt())) {
            return Outcome.NO_REFUND_SHOW_STARTED;
        }
        if (now.isAfter(refundDeadline(booking.showStartsAt()))) {
            return Outcome.NO_REFUND_TOO_LATE;
        }
        return Outcome.FULL_REFUND;
    }
}
