package io.boxoffice.booking.app.views;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.EventKind;
import java.time.Instant;

/**
 * Words for audit events. The state stores each fact once, as structured fields; people read it as a
 * sentence, which is written here when the event is shown (so the wording can improve without touching
 * what is stored).
 */
public final class AuditSentences {

    private AuditSentences() {
    }

    /** The public kind name ("HELD", "BOOKED", ...). */
    public static String kind(EventKind kind) {
        return switch (kind) {
            case EVENT_KIND_HELD -> "HELD";
            case EVENT_KIND_EXTENDED -> "EXTENDED";
            case EVENT_KIND_HOLD_RELEASED -> "RELEASED";
            case EVENT_KIND_HOLD_EXPIRED -> "EXPIRED";
            case EVENT_KIND_BOOKED -> "BOOKED";
            case EVENT_KIND_PAYMENT_DECLINED -> "PAYMENT_DECLINED";
            case EVENT_KIND_PAYMENT_REFUNDED -> "PAYMENT_REFUNDED";
            case EVENT_KIND_PAYMENT_VOIDED -> "PAYMENT_VOIDED";
            case EVENT_KIND_CANCELLED -> "CANCELLED";
            case EVENT_KIND_REFUNDED -> "REFUNDED";
            default -> "UNKNOWN";
        };
    }

    public static String sentence(AuditEventRecord event) {
        String seats = String.join(", ", event.getSeatIdsList());
        return switch (event.getKind()) {
            case EVENT_KIND_HELD -> "seats " + seats + " held by hold " + event.getHoldId() + " until "
                    + Instant.ofEpochMilli(event.getUntilMillis());
            case EVENT_KIND_EXTENDED -> "hold " + event.getHoldId() + " extended until "
                    + Instant.ofEpochMilli(event.getUntilMillis());
            case EVENT_KIND_HOLD_RELEASED -> "hold " + event.getHoldId() + " released (" + event.getReason()
                    + "): seats " + seats + " free again";
            case EVENT_KIND_HOLD_EXPIRED -> "hold " + event.getHoldId() + " expired at "
                    + Instant.ofEpochMilli(event.getAtMillis()) + ": seats " + seats + " free again";
            case EVENT_KIND_BOOKED -> "seats " + seats + " booked as " + event.getBookingId()
                    + (event.getHoldId().isEmpty() ? "" : " from hold " + event.getHoldId()) + "; payment "
                    + event.getPaymentId() + " of " + money(event) + " captured";
            case EVENT_KIND_PAYMENT_DECLINED -> "payment " + event.getPaymentId() + " declined ("
                    + event.getDeclineCode() + ")";
            case EVENT_KIND_PAYMENT_REFUNDED -> "payment " + event.getPaymentId() + " of " + money(event)
                    + " refunded: " + event.getReason();
            case EVENT_KIND_PAYMENT_VOIDED -> "authorization " + event.getPaymentId() + " of " + money(event)
                    + " voided, nothing charged: " + event.getReason();
            case EVENT_KIND_CANCELLED -> "booking " + event.getBookingId() + " cancelled (" + event.getReason()
                    + "): seats " + seats + " free again";
            case EVENT_KIND_REFUNDED -> "refund " + event.getRefundId() + " of " + money(event) + ": "
                    + event.getReason();
            default -> "event " + event.getKind();
        };
    }

    private static String money(AuditEventRecord event) {
        return event.hasAmount() ? Moneys.format(event.getAmount()) : "?";
    }
}
