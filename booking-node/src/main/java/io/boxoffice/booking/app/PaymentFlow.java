package io.boxoffice.booking.app;

import io.boxoffice.booking.errors.Overloaded;
import com.google.protobuf.ByteString;
import io.boxoffice.booking.errors.RejectedCommand;
import io.boxoffice.booking.app.views.PublicViews;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.booking.domain.StateQueries;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.booking.domain.seats.SeatPicker;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.booking.payment.MockPaymentGateway;
import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.SeatSelection;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.raft.errors.NotLeaderException;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Paying and booking in one consensus round. The leader looks at its own applied state (no quorum round):
 * a retried idempotency key is answered from there without touching the card; otherwise it learns the
 * price (the hold's amount; the seats' prices, or the dearest seat of the category for best-available),
 * asks the payment gateway to authorize it, and proposes one command carrying the authorization. The state
 * machine decides: it books and the leader captures what the booking costs, or it refuses (seat taken,
 * hold gone, card declined) and the leader voids the authorization — the card is never charged for
 * nothing. Card data goes to the gateway only, never into a command.
 *
 * <p>A transient gateway failure proposes nothing and leaves nothing behind (no hold): the client retries
 * with the same idempotency key.
 *
 * <p>The gateway call (a network call at a real provider) runs on its own bounded pool, {@code
 * boxoffice.limits.payment-threads} threads and {@code boxoffice.limits.max-payment-queue} waiting; a full
 * queue answers RESOURCE_EXHAUSTED, and a slow provider never holds up the threads that complete other
 * requests. The local read before it runs on the same pool thread (under the state lock, between two applied
 * batches), and so does the proposal: one thread hand-off from the request to the Raft driver.
 */
@ApplicationScoped
public class PaymentFlow {

    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    BookingStateMachine state;
    @Inject
    MockPaymentGateway payments;
    @Inject
    ClusterNode node;
    @Inject
    BoxofficeMetrics metrics;
    @Inject
    io.boxoffice.booking.config.BoxofficeConfig config;

    private java.util.concurrent.ThreadPoolExecutor gatewayCalls;

    @jakarta.annotation.PostConstruct
    void startGatewayPool() {
        java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();
        int threads = config.limits().paymentThreads();
        gatewayCalls = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(config.limits().maxPaymentQueue()), runnable -> {
                    Thread thread = new Thread(runnable, "boxoffice-payments-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, (task, pool) -> {
                    throw new Overloaded("the payment gateway is busy ("
                            + pool.getQueue().size() + " payments waiting); nothing was charged, retry shortly");
                });
        gatewayCalls.allowCoreThreadTimeOut(true);
    }

    @jakarta.annotation.PreDestroy
    void stopGatewayPool() {
        gatewayCalls.shutdownNow();
    }

    /** What the leader's local state says before it authorizes. */
    private record Prepared(CommandOutcome remembered, MoneyRecord amount) {
    }

    public CompletableFuture<Booking> book(Caller caller, BookSeatsRequest request) {
        requireLeader();
        Executor replyOn = gateway.replyExecutor(); // the request's event loop: the outcome is answered there
        String key = request.getIdempotencyKey();
        ByteString fingerprint = CommandStamper.fingerprint("BookSeats",
                request.toBuilder().clearIdempotencyKey().clearPayment().build());
        SeatSelection selection = CommandMapper.selection(request.getSeatIdsList(), request.hasBestAvailable(),
                request.getBestAvailable());
        return gateway.readStaleOn(() -> prepareBooking(caller.userId(), key, fingerprint, request.getShowId(),
                        selection), gatewayCalls)
                .thenCompose(prepared -> {
                    if (prepared.remembered() != null) {
                        return CompletableFuture.completedFuture(booking(prepared.remembered()));
                    }
                    Authorization authorization = authorize(caller, key, request.getPayment(), prepared.amount());
                    BookSeats command = BookSeats.newBuilder().setShowId(request.getShowId()).setSeats(selection)
                            .setAuthorization(authorization).build();
                    return settle(gateway.submit(stamper.forCaller(caller, key, fingerprint).setBookSeats(command)
                            .build(), true, replyOn), authorization);
                });
    }

    public CompletableFuture<Booking> confirm(Caller caller, ConfirmHoldRequest request) {
        requireLeader();
        Executor replyOn = gateway.replyExecutor(); // the request's event loop: the outcome is answered there
        String key = request.getIdempotencyKey();
        ByteString fingerprint = CommandStamper.fingerprint("ConfirmHold",
                request.toBuilder().clearIdempotencyKey().clearPayment().build());
        return gateway.readStaleOn(() -> prepareConfirmation(caller, key, fingerprint, request.getHoldId()),
                        gatewayCalls)
                .thenCompose(prepared -> {
                    if (prepared.remembered() != null) {
                        return CompletableFuture.completedFuture(booking(prepared.remembered()));
                    }
                    Authorization authorization = authorize(caller, key, request.getPayment(), prepared.amount());
                    ConfirmHold command = ConfirmHold.newBuilder().setHoldId(request.getHoldId())
                            .setAuthorization(authorization).build();
                    return settle(gateway.submit(stamper.forCaller(caller, key, fingerprint).setConfirmHold(command)
                            .build(), true, replyOn), authorization);
                });
    }

    /** Writes are the leader's: a follower hands the request on before any card is touched. */
    private void requireLeader() {
        if (!node.isLeader()) {
            throw new NotLeaderException(node.nodeId(), node.status().map(status -> status.leaderId()).orElse(null));
        }
    }

    // ---------------------------------------------------------------- local reads (under the state lock)

    private Prepared prepareBooking(String userId, String key, ByteString fingerprint, String showId,
                                    SeatSelection selection) {
        StateQueries queries = state.queries();
        Prepared retry = retry(queries, userId, key, fingerprint);
        if (retry != null) {
            return retry;
        }
        ShowRecord show = queries.show(showId).orElseThrow(() -> new RejectedCommand(
                RejectedException.notFound("no show '" + FieldLimits.echo(showId) + "'").rejection()));
        SeatLayout layout = queries.layout(show.getScreenId());
        try {
            SeatPicker.requireWellFormed(selection, layout, queries.limits().seatsPerHoldMax());
        } catch (RejectedException invalid) {
            throw new RejectedCommand(invalid.rejection());
        }
        return new Prepared(null, priceOf(layout, selection));
    }

    /** The named seats' prices, or for best-available the dearest seat of the category times the count. */
    private static MoneyRecord priceOf(SeatLayout layout, SeatSelection selection) {
        if (selection.getSeatIdsCount() > 0) {
            MoneyRecord total = Moneys.zero(layout.currency());
            for (String seatId : selection.getSeatIdsList()) {
                total = Moneys.add(total, layout.priceAt(layout.requireSeat(seatId, "seat_ids")));
            }
            return total;
        }
        return Moneys.times(layout.highestPrice(selection.getBestAvailableCategory()),
                selection.getBestAvailableCount());
    }

    private Prepared prepareConfirmation(Caller caller, String key, ByteString fingerprint, String holdId) {
        StateQueries queries = state.queries();
        Prepared retry = retry(queries, caller.userId(), key, fingerprint);
        if (retry != null) {
            return retry;
        }
        HoldRecord hold = queries.hold(holdId).filter(found -> found.getUserId().equals(caller.userId()))
                .orElseThrow(() -> Status.NOT_FOUND.withDescription("no hold " + FieldLimits.echo(holdId)
                        + " of yours").asRuntimeException());
        if (hold.getState() != HoldState.HOLD_STATE_ACTIVE) {
            throw Status.FAILED_PRECONDITION.withDescription(io.boxoffice.booking.domain.holds.HoldCommands
                    .notActiveMessage(hold) + "; nothing was charged" + (hold.getState() == HoldState.HOLD_STATE_CONFIRMED
                    ? "" : ". Hold the seats again")).asRuntimeException();
        }
        return new Prepared(null, hold.getAmount());
    }

    private static Prepared retry(StateQueries queries, String userId, String key, ByteString fingerprint) {
        if (queries.keyReusedForAnotherRequest(userId, key, fingerprint)) {
            throw Status.INVALID_ARGUMENT.withDescription("idempotency key '" + FieldLimits.echo(key)
                    + "' was already used for a different request; use a new key").asRuntimeException();
        }
        return queries.remembered(userId, key, fingerprint).map(outcome -> new Prepared(outcome, null)).orElse(null);
    }

    // ---------------------------------------------------------------- the gateway

    private Authorization authorize(Caller caller, String key, PaymentDetails card, MoneyRecord amount) {
        // Same request key, same gateway key: a retry never authorizes twice (the gateway answers the first).
        String paymentKey = key.isEmpty() ? "once/" + UUID.randomUUID() : caller.userId() + "/" + key;
        MockPaymentGateway.Answer answer = payments.authorize(new MockPaymentGateway.AuthorizeRequest(paymentKey,
                card.getCardNumber(), card.getExpiryMonth(), card.getExpiryYear(), card.getCvc(), amount));
        if (answer.isTransientFailure()) {
            metrics.payment("transient_failure");
            throw Status.UNAVAILABLE.withDescription("the payment processor failed (" + answer.transientFailure()
                    + "); nothing was charged; retry with the same idempotency key")
                    .asRuntimeException();
        }
        metrics.payment(switch (answer.authorization().getStatus()) {
            case AUTHORIZATION_STATUS_AUTHORIZED -> "authorized";
            case AUTHORIZATION_STATUS_DECLINED -> "declined";
            default -> "unknown";
        });
        return answer.authorization();
    }

    /**
     * Captures what the booking costs or voids the authorization, by what the command decided. A remembered
     * answer (a retry) settles nothing: the first attempt did.
     */
    private CompletableFuture<Booking> settle(CompletableFuture<CommandOutcome> proposal, Authorization authorization) {
        return proposal.thenApply(outcome -> {
            if (!outcome.remembered()) {
                boolean booked = !outcome.isRejected()
                        && outcome.booking().getPayment().getId().equals(authorization.getPaymentId());
                if (booked) {
                    payments.capture(authorization.getPaymentId(), outcome.booking().getAmount());
                    metrics.payment("captured");
                    metrics.booking("confirmed");
                } else {
                    payments.voidAuthorization(authorization.getPaymentId());
                    metrics.payment("voided");
                    metrics.booking("rejected");
                }
            }
            return booking(outcome);
        });
    }

    /** The outcome as the public booking, or its refusal as the failure. */
    static Booking booking(CommandOutcome outcome) {
        if (outcome.isRejected()) {
            throw new RejectedCommand(outcome.rejection());
        }
        return bookingView(outcome);
    }

    /** A remembered user creation as the public user, or its refusal as the failure. */
    static io.boxoffice.proto.v1.User user(CommandOutcome outcome) {
        if (outcome.isRejected()) {
            throw new RejectedCommand(outcome.rejection());
        }
        return PublicViews.user(outcome.user());
    }

    static Booking bookingView(CommandOutcome outcome) {
        return PublicViews.booking(outcome.booking(), outcome.labels(), List.of());
    }
}
