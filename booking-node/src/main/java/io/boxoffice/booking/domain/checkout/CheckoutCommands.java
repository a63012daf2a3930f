package io.boxoffice.booking.domain.checkout;

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
import io.boxoffice.booking.domain.holds.Holds;
import io.boxoffice.booking.domain.payments.Payments;
import io.boxoffice.booking.domain.seats.Occupancy;
import io.boxoffice.booking.domain.seats.SeatPicker;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.AuthorizationStatus;
import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.OccupantRecord;
import io.boxoffice.proto.replicated.v1.PaymentRecord;
import io.boxoffice.proto.replicated.v1.PaymentState;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.SeatLineRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import java.util.List;

/**
 * Paying and booking, each in one replicated command. The leader asked the payment gateway to authorize
 * the amount before proposing; the command decides, deterministically: free seats (or an active hold) are
 * booked and the authorization captured for what they cost; otherwise the authorization is voided (the
 * card is never charged) and the command is refused, naming the taken seats. A declined card books
 * nothing. Every authorization the command sees is recorded, whatever the outcome, so it is never applied
 * twice.
 */
public final class CheckoutCommands {

    private final Holds holds;
    private final HoldCommands holdCommands;
    private final Bookings bookings;
    private final Payments payments;
    private final Catalog catalog;
    private final Occupancy occupancy;
    private final AuditLog audit;
    private final BookingLimits limits;

    public CheckoutCommands(Holds holds, HoldCommands holdCommands, Bookings bookings, Payments payments,
                            Catalog catalog, Occupancy occupancy, AuditLog audit, BookingLimits limits) {
        this.holds = holds;
        this.holdCommands = holdCommands;
        this.bookings = bookings;
        this.payments = payments;
        this.catalog = catalog;
        this.occupancy = occupancy;
        this.audit = audit;
        this.limits = limits;
    }

    // ---------------------------------------------------------------- BookSeats

    public CommandOutcome bookSeats(Context context, BookSeats command) {
        context.requireUser();
        Authorization authorization = command.getAuthorization();
        requireWellFormed(authorization);
        String bookingId = context.newEntityId("bkg_");
        if (payments.ownerOf(authorization.getPaymentId()).isPresent()) {
            throw RejectedException.alreadyExists("payment " + authorization.getPaymentId() + " is already recorded");
        }
        if (authorization.getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED) {
            PaymentRecord declined = payment(context, authorization, PaymentState.PAYMENT_STATE_DECLINED, "").build();
            payments.recordUnmatched(declined);
            audit.record(context, event(context, EventKind.EVENT_KIND_PAYMENT_DECLINED, declined)
                    .setShowId(command.getShowId()).setDeclineCode(authorization.getDeclineCode()));
            return CommandOutcome.rejected(declineRejection(authorization, "nothing was booked"));
        }
        ShowRecord show;
        SeatLayout layout;
        int[] seats;
        try {
            show = holdCommands.requireShow(command.getShowId());
            layout = catalog.layout(show.getScreenId());
            SeatPicker.requireWellFormed(command.getSeats(), layout, limits.seatsPerHoldMax());
            SeatPicker.requireBookable(context, show);
            if (bookings.get(bookingId).isPresent()) {
                throw RejectedException.alreadyExists("id " + bookingId + " exists already (new_id reused)");
            }
            seats = holdCommands.picker().pick(show, layout, command.getSeats());
        } catch (RejectedException refused) {
            // Nothing was written yet: record the authorization as voided and pass the refusal on.
            return voidUnmatched(context, authorization,
                    refused.withConsequence("nothing was booked or charged").rejection(), command.getShowId());
        }
        List<SeatLineRecord> lines = HoldCommands.seatLines(layout, seats);
        MoneyRecord amount = HoldCommands.total(layout, lines);
        if (!covers(authorization.getAmount(), amount)) {
            return voidUnmatched(context, authorization, RejectionRecord.newBuilder()
                    .setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION)
                    .setMessage("the seats cost " + Moneys.format(amount) + " but only "
                            + Moneys.format(authorization.getAmount()) + " was authorized (prices changed?); nothing"
                            + " was charged, try again").build(), show.getId());
        }
        BookingRecord booking = newBooking(context, bookingId, show.getId(), "", lines, amount, authorization);
        occupancy.occupy(show.getId(), layout.seatCount(), seats, occupant(context, booking));
        bookings.put(booking, null);
        payments.recordNew(booking.getPayment(), new Payments.Owner("booking", bookingId));
        recordBooked(context, booking);
        return CommandOutcome.of(ResultKind.RESULT_KIND_BOOKING, booking);
    }

    // ---------------------------------------------------------------- ConfirmHold

    public CommandOutcome confirmHold(Context context, ConfirmHold command) {
        context.requireUser();
        HoldCommands.requireId(command.getHoldId(), "hold_id");
        Authorization authorization = command.getAuthorization();
        requireWellFormed(authorization);
        String bookingId = context.newEntityId("bkg_");
        if (payments.ownerOf(authorization.getPaymentId()).isPresent()) {
            throw RejectedException.alreadyExists("payment " + authorization.getPaymentId() + " is already recorded");
        }
        boolean authorized = authorization.getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED;
        HoldRecord hold = holds.get(command.getHoldId()).orElse(null);
        if (hold == null || !hold.getUserId().equals(context.actorUserId())) {
            RejectionRecord notFound = RejectedException.notFound("no hold '" + FieldLimits.echo(command.getHoldId())
                    + "'").rejection();
            return authorized ? voidUnmatched(context, authorization, notFound, "")
                    : CommandOutcome.rejected(notFound);
        }
        if (hold.getState() != HoldState.HOLD_STATE_ACTIVE) {
            RejectionRecord notActive = RejectedException.failedPrecondition(HoldCommands.notActiveMessage(hold)
                    + (authorized ? "; nothing was charged" : "")).rejection();
            return authorized ? voidOnHold(context, hold, authorization, notActive) : CommandOutcome.rejected(notActive);
        }
        if (!authorized) {
            return declineOnHold(context, hold, authorization);
        }
        if (!covers(authorization.getAmount(), hold.getAmount())) {
            return voidOnHold(context, hold, authorization, RejectionRecord.newBuilder()
                    .setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION).setMessage("the hold costs "
                            + Moneys.format(hold.getAmount()) + " but " + Moneys.format(authorization.getAmount())
                            + " was authorized; nothing was charged").build());
        }
        if (bookings.get(bookingId).isPresent()) {
            return voidOnHold(context, hold, authorization, RejectedException.alreadyExists("id " + bookingId
                    + " exists already (new_id reused)").rejection());
        }
        BookingRecord booking = newBooking(context, bookingId, hold.getShowId(), hold.getId(), hold.getSeatsList(),
                hold.getAmount(), authorization);
        ShowRecord show = catalog.show(hold.getShowId()).orElseThrow();
        SeatLayout layout = catalog.layout(show.getScreenId());
        holdCommands.freeSeats(hold);
        occupancy.occupy(show.getId(), layout.seatCount(), HoldCommands.seatIndexes(layout, hold.getSeatsList()),
                occupant(context, booking));
        holds.put(hold.toBuilder().setState(HoldState.HOLD_STATE_CONFIRMED).setBookingId(bookingId)
                .setStatusReason("confirmed as booking " + bookingId).setUpdatedAtMillis(context.nowMillis()).build(),
                hold);
        bookings.put(booking, null);
        payments.recordNew(booking.getPayment(), new Payments.Owner("booking", bookingId));
        recordBooked(context, booking);
        return CommandOutcome.of(ResultKind.RESULT_KIND_BOOKING, booking);
    }

    private CommandOutcome declineOnHold(Context context, HoldRecord hold, Authorization authorization) {
        PaymentRecord declined = payment(context, authorization, PaymentState.PAYMENT_STATE_DECLINED, hold.getId())
                .build();
        holds.put(hold.toBuilder().addPayments(declined).setUpdatedAtMillis(context.nowMillis()).build(), hold);
        payments.recordNew(declined, new Payments.Owner("hold", hold.getId()));
        audit.record(context, event(context, EventKind.EVENT_KIND_PAYMENT_DECLINED, declined)
                .setShowId(hold.getShowId()).setHoldId(hold.getId()).setDeclineCode(authorization.getDeclineCode()));
        return CommandOutcome.rejected(declineRejection(authorization, "the hold is still active"));
    }

    private CommandOutcome voidOnHold(Context context, HoldRecord hold, Authorization authorization,
                                      RejectionRecord reason) {
        PaymentRecord voided = payment(context, authorization, PaymentState.PAYMENT_STATE_VOIDED, hold.getId())
                .setMessage(reason.getMessage()).build();
        holds.put(hold.toBuilder().addPayments(voided).setUpdatedAtMillis(context.nowMillis()).build(), hold);
        payments.recordNew(voided, new Payments.Owner("hold", hold.getId()));
        audit.record(context, event(context, EventKind.EVENT_KIND_PAYMENT_VOIDED, voided).setShowId(hold.getShowId())
                .setHoldId(hold.getId()).setReason(reason.getMessage()));
        return CommandOutcome.rejected(reason.toBuilder().setVoidedPaymentId(voided.getId()).build());
    }

    /** An authorization that pays for nothing: recorded as voided, the refusal passed on with its id. */
    private CommandOutcome voidUnmatched(Context context, Authorization authorization, RejectionRecord reason,
                                         String showId) {
        PaymentRecord voided = payment(context, authorization, PaymentState.PAYMENT_STATE_VOIDED, "")
                .setMessage(reason.getMessage()).build();
        payments.recordUnmatched(voided);
        audit.record(context, event(context, EventKind.EVENT_KIND_PAYMENT_VOIDED, voided).setShowId(showId)
                .setReason(reason.getMessage()));
        return CommandOutcome.rejected(reason.toBuilder().setVoidedPaymentId(voided.getId()).build());
    }

    // ---------------------------------------------------------------- helpers

    private static void requireWellFormed(Authorization authorization) {
        switch (authorization.getStatus()) {
            case AUTHORIZATION_STATUS_AUTHORIZED, AUTHORIZATION_STATUS_DECLINED -> {
            }
            default -> throw RejectedException.invalidArgument("authorization.status", "an authorization is required");
        }
        if (authorization.getPaymentId().isEmpty() || authorization.getPaymentId().length() > FieldLimits.ID_LENGTH_MAX) {
            throw RejectedException.invalidArgument("authorization.payment_id",
                    "payment id must be 1.." + FieldLimits.ID_LENGTH_MAX + " characters");
        }
        if (authorization.getAmount().getAmountMinor() <= 0
                || !Moneys.isValidCurrency(authorization.getAmount().getCurrency())) {
            throw RejectedException.invalidArgument("authorization.amount",
                    "the authorized amount must be positive with an ISO 4217 currency");
        }
    }

    private static boolean covers(MoneyRecord authorized, MoneyRecord price) {
        return authorized.getCurrency().equals(price.getCurrency())
                && authorized.getAmountMinor() >= price.getAmountMinor();
    }

    private static RejectionRecord declineRejection(Authorization authorization, String consequence) {
        String code = authorization.getDeclineCode().isEmpty() ? "declined" : authorization.getDeclineCode();
        return RejectionRecord.newBuilder().setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION)
                .setMessage("payment declined (" + code + ")" + (authorization.getMessage().isEmpty() ? ""
                        : ": " + authorization.getMessage()) + "; " + consequence).build();
    }

    /** The booking, its payment captured for {@code amount} out of the authorization. */
    private static BookingRecord newBooking(Context context, String bookingId, String showId, String holdId,
                                            List<SeatLineRecord> lines, MoneyRecord amount, Authorization authorization) {
        PaymentRecord payment = payment(context, authorization, PaymentState.PAYMENT_STATE_CAPTURED, holdId)
                .setAmount(amount).setBookingId(bookingId).build();
        return BookingRecord.newBuilder().setId(bookingId).setRef(context.ref()).setUserId(context.actorUserId())
                .setShowId(showId).setHoldId(holdId).addAllSeats(lines).setAmount(amount)
                .setState(BookingState.BOOKING_STATE_CONFIRMED).setPayment(payment)
                .setRefunded(Moneys.zero(amount.getCurrency())).setCreatedAtMillis(context.nowMillis())
                .setUpdatedAtMillis(context.nowMillis()).build();
    }

    private OccupantRecord occupant(Context context, BookingRecord booking) {
        return OccupantRecord.newBuilder().setHold(false).setId(booking.getId()).setRef(booking.getRef())
                .setUserId(booking.getUserId()).setUserRef(holdCommands.userRef(context.actor())).build();
    }

    private void recordBooked(Context context, BookingRecord booking) {
        audit.record(context, AuditEventRecord.newBuilder().setKind(EventKind.EVENT_KIND_BOOKED)
                .setAtMillis(context.nowMillis()).setActorUserId(context.actorUserId()).setShowId(booking.getShowId())
                .addAllSeatIds(HoldCommands.seatIds(booking.getSeatsList())).setHoldId(booking.getHoldId())
                .setBookingId(booking.getId()).setPaymentId(booking.getPayment().getId()).setAmount(booking.getAmount()));
    }

    private static PaymentRecord.Builder payment(Context context, Authorization authorization, PaymentState state,
                                                 String holdId) {
        return PaymentRecord.newBuilder().setId(authorization.getPaymentId()).setState(state)
                .setAmount(authorization.getAmount()).setAuthorized(authorization.getAmount())
                .setRefunded(Moneys.zero(authorization.getAmount().getCurrency()))
                .setCardLast4(authorization.getCardLast4()).setCardBrand(authorization.getCardBrand())
                .setDeclineCode(authorization.getDeclineCode()).setMessage(authorization.getMessage())
                .setCreatedAtMillis(context.nowMillis()).setHoldId(holdId);
    }

    private static AuditEventRecord.Builder event(Context context, EventKind kind, PaymentRecord payment) {
        return AuditEventRecord.newBuilder().setKind(kind).setAtMillis(context.nowMillis())
                .setActorUserId(context.actorUserId()).setPaymentId(payment.getId()).setAmount(payment.getAmount());
    }
}
