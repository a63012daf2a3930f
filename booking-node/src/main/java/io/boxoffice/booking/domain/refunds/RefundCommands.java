package io.boxoffice.booking.domain.refunds;

import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.domain.Context;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.booking.domain.audit.AuditLog;
import io.boxoffice.booking.domain.bookings.Bookings;
import io.boxoffice.booking.domain.catalog.Catalog;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.booking.domain.holds.HoldCommands;
import io.boxoffice.booking.domain.payments.Payments;
import io.boxoffice.booking.domain.seats.Occupancy;
import io.boxoffice.proto.replicated.v1.AdminRefund;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import io.boxoffice.proto.replicated.v1.CancelBooking;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.PaymentRecord;
import io.boxoffice.proto.replicated.v1.PaymentState;
import io.boxoffice.proto.replicated.v1.RefundKind;
import io.boxoffice.proto.replicated.v1.RefundRecord;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import java.time.Instant;

/**
 * Cancellations and refunds. A customer's cancellation frees the seats and refunds by the policy (all of
 * it up to {@code full-refund-before-show-millis} before the show, nothing after); an admin may refund any
 * booking, any part of what is not refunded yet; a cancelled show refunds everything left. Nothing is
 * deleted: bookings and payments change state and gain refunds.
 */
public final class RefundCommands {

    private final Bookings bookings;
    private final Payments payments;
    private final Catalog catalog;
    private final Occupancy occupancy;
    private final AuditLog audit;
    private final BookingLimits limits;

    public RefundCommands(Bookings bookings, Payments payments, Catalog catalog, Occupancy occupancy, AuditLog audit,
                          BookingLimits limits) {
        this.bookings = bookings;
        this.payments = payments;
        this.catalog = catalog;
        this.occupancy = occupancy;
        this.audit = audit;
        this.limits = limits;
    }

    public CommandOutcome cancelBooking(Context context, CancelBooking command) {
        context.requireUser();
        String refundId = context.newEntityId("ref_");
        requireReason(command.getReason(), false);
        BookingRecord booking = requireVisible(context, command.getBookingId());
        if (booking.getState() != BookingState.BOOKING_STATE_CONFIRMED) {
            throw RejectedException.failedPrecondition("booking " + booking.getId() + " is already cancelled");
        }
        ShowRecord show = catalog.show(booking.getShowId()).orElseThrow();
        if (context.nowMillis() >= show.getStartsAtMillis()) {
            throw RejectedException.failedPrecondition("the show started at "
                    + Instant.ofEpochMilli(show.getStartsAtMillis()) + "; the booking can no longer be cancelled");
        }
        long refund = RefundPolicy.customerRefundMinor(refundableMinor(booking), show.getStartsAtMillis(),
                context.nowMillis(), limits.fullRefundBeforeShowMillis());
        String reason = command.getReason().isEmpty() ? "cancelled by " + context.actorUserId() : command.getReason();
        if (refund == 0) {
            reason += "; less than " + (limits.fullRefundBeforeShowMillis() / 60_000) + " minutes before the show:"
                    + " no refund";
        }
        BookingRecord result = refundAndCancel(context, booking, refund, RefundKind.REFUND_KIND_CANCELLATION, reason,
                refundId);
        return CommandOutcome.of(ResultKind.RESULT_KIND_BOOKING, result);
    }

    public CommandOutcome adminRefund(Context context, AdminRefund command) {
        context.requireAdmin("refund bookings");
        String refundId = context.newEntityId("ref_");
        requireReason(command.getReason(), true);
        BookingRecord booking = requireVisible(context, command.getBookingId());
        long refundable = refundableMinor(booking);
        boolean wholeRest = !command.hasAmount()
                || (command.getAmount().getAmountMinor() == 0 && command.getAmount().getCurrency().isEmpty());
        if (!wholeRest) {
            MoneyRecord amount = command.getAmount();
            if (!amount.getCurrency().equals(booking.getAmount().getCurrency())) {
                throw RejectedException.invalidArgument("amount.currency", "the booking was paid in "
                        + booking.getAmount().getCurrency() + ", not '" + FieldLimits.echo(amount.getCurrency()) + "'");
            }
            if (amount.getAmountMinor() < 1 || (refundable > 0 && amount.getAmountMinor() > refundable)) {
                throw RejectedException.invalidArgument("amount.amount_minor", "refund must be 1.." + refundable
                        + " minor units (what is not refunded yet), was " + amount.getAmountMinor());
            }
        }
        if (refundable == 0) {
            throw RejectedException.failedPrecondition("booking " + booking.getId() + " is refunded in full already");
        }
        long refund = wholeRest ? refundable : command.getAmount().getAmountMinor();
        BookingRecord result = refundAndCancel(context, booking, refund, RefundKind.REFUND_KIND_ADMIN,
                command.getReason(), refundId);
        return CommandOutcome.of(ResultKind.RESULT_KIND_BOOKING, result);
    }

    /** Cancels every confirmed booking of a cancelled show with a full refund of what is left. */
    public void cancelAllOfShow(Context context, String showId) {
        int refundNumber = 0;
        for (BookingRecord booking : bookings.confirmedOfShow(showId)) {
            refundNumber++;
            refundAndCancel(context, booking, refundableMinor(booking), RefundKind.REFUND_KIND_SHOW_CANCELLED,
                    "show cancelled", context.newEntityId("ref_") + "_" + refundNumber);
        }
    }

    private static long refundableMinor(BookingRecord booking) {
        return booking.getAmount().getAmountMinor() - booking.getRefunded().getAmountMinor();
    }

    /**
     * Records a refund of {@code refundMinor} (none when 0) and cancels the booking if it is still
     * confirmed, freeing its seats.
     */
    private BookingRecord refundAndCancel(Context context, BookingRecord booking, long refundMinor, RefundKind kind,
            String reason, String refundId) {
        BookingRecord.Builder updated = booking.toBuilder().setUpdatedAtMillis(context.nowMillis());
        PaymentRecord payment = booking.getPayment();
        if (refundMinor > 0) {
            MoneyRecord amount = Moneys.of(refundMinor, booking.getAmount().getCurrency());
            RefundRecord refund = RefundRecord.newBuilder().setId(refundId).setAmount(amount).setKind(kind)
                    .setReason(reason).setCreatedAtMillis(context.nowMillis()).setActorUserId(context.actorUserId())
                    .build();
            MoneyRecord refunded = Moneys.add(booking.getRefunded(), amount);
            boolean full = refunded.getAmountMinor() == payment.getAmount().getAmountMinor();
            PaymentRecord refundedPayment = payment.toBuilder().setRefunded(refunded).setState(full
                    ? PaymentState.PAYMENT_STATE_REFUNDED : PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED)
                    .addRefunds(refund).build();
            payments.changed(payment, refundedPayment);
            updated.setRefunded(refunded).setPayment(refundedPayment);
            audit.record(context, event(context, EventKind.EVENT_KIND_REFUNDED, booking).setRefundId(refundId)
                    .setPaymentId(payment.getId()).setAmount(amount).setReason(reason));
        }
        boolean cancel = booking.getState() == BookingState.BOOKING_STATE_CONFIRMED;
        if (cancel) {
            updated.setState(BookingState.BOOKING_STATE_CANCELLED).setStatusReason(reason);
            ShowRecord show = catalog.show(booking.getShowId()).orElseThrow();
            SeatLayout layout = catalog.layout(show.getScreenId());
            occupancy.vacate(show.getId(), layout.seatCount(), HoldCommands.seatIndexes(layout, booking.getSeatsList()),
                    booking.getRef());
            audit.record(context, event(context, EventKind.EVENT_KIND_CANCELLED, booking)
                    .addAllSeatIds(HoldCommands.seatIds(booking.getSeatsList())).setReason(reason));
        }
        BookingRecord result = updated.build();
        bookings.put(result, booking);
        return result;
    }

    private BookingRecord requireVisible(Context context, String bookingId) {
        HoldCommands.requireId(bookingId, "booking_id");
        BookingRecord booking = bookings.get(bookingId).orElse(null);
        if (booking == null || !(booking.getUserId().equals(context.actorUserId()) || context.isAdmin())) {
            throw RejectedException.notFound("no booking '" + FieldLimits.echo(bookingId) + "'");
        }
        return booking;
    }

    private static void requireReason(String reason, boolean required) {
        if ((required && reason.isBlank()) || reason.length() > FieldLimits.REASON_LENGTH_MAX) {
            throw RejectedException.invalidArgument("reason", "reason must be " + (required ? "1" : "0") + ".."
                    + FieldLimits.REASON_LENGTH_MAX + " characters");
        }
    }

    private static AuditEventRecord.Builder event(Context context, EventKind kind, BookingRecord booking) {
        return AuditEventRecord.newBuilder().setKind(kind).setAtMillis(context.nowMillis())
                .setActorUserId(context.actorUserId()).setShowId(booking.getShowId()).setHoldId(booking.getHoldId())
                .setBookingId(booking.getId());
    }
}
