package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.domain.payment.MockPaymentGateway;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.ConfirmHold;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.booking.v1.PaymentOutcomeStatus;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.raft.server.ReadConsistency;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * Confirming a hold: read the hold, charge the card with the hold's payment key (the hold id plus the
 * attempt number, so a retry charges nothing twice), then propose ConfirmHold with the gateway's answer.
 * The state machine decides the rest: it books, records a decline, or refunds a payment that came too
 * late. Card data goes to the gateway only, never into a command.
 *
 * <p>A hold that is already confirmed returns its booking without charging again, so a client that
 * retries after a lost answer gets the original booking.
 */
@ApplicationScoped
public class PaymentFlow {

    /** Suffixes that turn one client key into the keys of BookSeats' two commands. */
    public static final String HOLD_KEY_SUFFIX = "/hold";
    public static final String CONFIRM_KEY_SUFFIX = "/pay";

    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    BookingQueries queries;
    @Inject
    MockPaymentGateway payments;
    @Inject
    BoxofficeMetrics metrics;

    public CompletableFuture<Booking> confirm(Caller caller, ConfirmHoldRequest request) {
        return confirmHold(caller, request.getHoldId(), request.getPayment(), request.getIdempotencyKey(), false);
    }

    /** Hold, pay and book in one call; a declined card releases the hold. */
    public CompletableFuture<Booking> book(Caller caller, BookSeatsRequest request) {
        String key = request.getIdempotencyKey();
        HoldSeatsRequest hold = HoldSeatsRequest.newBuilder().setShowId(request.getShowId())
                .addAllSeatIds(request.getSeatIdsList()).setIdempotencyKey(derived(key, HOLD_KEY_SUFFIX))
                .build();
        if (request.hasBestAvailable()) {
            hold = hold.toBuilder().setBestAvailable(request.getBestAvailable()).build();
        }
        Command command = stamper.forCaller(caller, derived(key, HOLD_KEY_SUFFIX)).setHoldSeats(hold).build();
        return gateway.submit(command)
                .whenComplete((result, failure) -> metrics.hold(failure == null ? "created" : "rejected"))
                .thenCompose(result -> confirmHold(caller, result.getHold().getId(), request.getPayment(),
                        derived(key, CONFIRM_KEY_SUFFIX), true));
    }

    static String derived(String key, String suffix) {
        return key.isEmpty() ? "" : key + suffix;
    }

    private CompletableFuture<Booking> confirmHold(Caller caller, String holdId, PaymentDetails card, String key,
                                                   boolean releaseOnDecline) {
        return gateway.read(() -> new HoldAndKey(queries.hold(holdId).orElse(null), queries.paymentKeyFor(holdId),
                        queries.rememberedResult(caller.userId(), key).orElse(null)), ReadConsistency.LINEARIZABLE)
                .thenCompose(found -> {
                    if (found.remembered() != null) {
                        // A retry: answer what the first attempt answered, and charge nothing.
                        return CompletableFuture.completedFuture(Remembered.booking(found.remembered()));
                    }
                    Hold hold = found.hold();
                    if (hold == null || (!hold.getUserId().equals(caller.userId()) && !caller.isAdmin())) {
                        throw Status.NOT_FOUND.withDescription("no hold " + holdId + " of yours").asRuntimeException();
                    }
                    if (hold.getStatus() == HoldStatus.HOLD_STATUS_CONFIRMED) {
                        return existingBooking(hold);
                    }
                    if (hold.getStatus() != HoldStatus.HOLD_STATUS_ACTIVE) {
                        throw Status.FAILED_PRECONDITION.withDescription("hold " + holdId + " is "
                                + hold.getStatus().name().replace("HOLD_STATUS_", "").toLowerCase(java.util.Locale.ROOT)
                                + (hold.getStatusReason().isEmpty() ? "" : " (" + hold.getStatusReason() + ")")
                                + "; nothing was charged. Hold the seats again").asRuntimeException();
                    }
                    PaymentOutcome outcome = charge(found.paymentKey(), card, hold);
                    return propose(caller, hold, outcome, key, releaseOnDecline);
                });
    }

    private PaymentOutcome charge(String paymentKey, PaymentDetails card, Hold hold) {
        PaymentOutcome outcome = payments.charge(new MockPaymentGateway.ChargeRequest(paymentKey,
                card.getCardNumber(), card.getExpiryMonth(), card.getExpiryYear(), card.getCvc(), hold.getAmount()));
        metrics.payment(switch (outcome.getStatus()) {
            case PAYMENT_OUTCOME_STATUS_CAPTURED -> "captured";
            case PAYMENT_OUTCOME_STATUS_DECLINED -> "declined";
            case PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE -> "transient_failure";
            default -> "unknown";
        });
        return outcome;
    }

    private CompletableFuture<Booking> propose(Caller caller, Hold hold, PaymentOutcome outcome, String key,
                                               boolean releaseOnDecline) {
        if (outcome.getStatus() == PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE) {
            // Nothing was charged and nothing needs recording: answer at once, the client retries.
            throw Status.UNAVAILABLE.withDescription("the payment processor failed (" + outcome.getMessage()
                    + "); nothing was charged; retry with the same idempotency key").asRuntimeException();
        }
        Command command = stamper.forCaller(caller, key).setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(hold.getId()).setPayment(outcome).setReleaseOnDecline(releaseOnDecline)).build();
        return gateway.submit(command).handle((result, failure) -> {
            if (failure != null) {
                metrics.booking("rejected");
                if (GrpcErrorsBridge.isRefund(failure)) {
                    metrics.refund("payment_not_applied");
                }
                throw failure instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(failure);
            }
            metrics.booking("confirmed");
            return bookingOf(result);
        });
    }

    private CompletableFuture<Booking> existingBooking(Hold hold) {
        return gateway.read(() -> queries.booking(hold.getBookingId()), ReadConsistency.LINEARIZABLE)
                .thenApply(booking -> booking.orElseThrow(() -> new IllegalStateException("hold " + hold.getId()
                        + " is confirmed but its booking " + hold.getBookingId() + " does not exist"))
                        .toBuilder().clearAudit().build());
    }

    private static Booking bookingOf(CommandResult result) {
        if (!result.hasBooking()) {
            throw new IllegalStateException("ConfirmHold answered " + result.getOutcomeCase() + " instead of a booking");
        }
        return result.getBooking();
    }

    private record HoldAndKey(Hold hold, String paymentKey, CommandResult remembered) {
    }
}
