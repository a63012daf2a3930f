package io.boxoffice.booking.api;

import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.app.CommandStamper;
import io.boxoffice.booking.app.PaymentFlow;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.ListHoldsResponse;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * {@code boxoffice.v1.BookingService}: holds, payments, bookings. A user sees only their own holds and
 * bookings; another user's id answers NOT_FOUND, exactly like an unknown id, so ids cannot be probed.
 */
@GrpcService
public class BookingGrpcService extends BookingServiceGrpc.BookingServiceImplBase {

    @Inject
    Calls calls;
    @Inject
    RequestValidator validator;
    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    BookingQueries queries;
    @Inject
    PaymentFlow payments;
    @Inject
    BoxofficeMetrics metrics;

    @Override
    public void holdSeats(HoldSeatsRequest request, StreamObserver<Hold> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.holdSeats(request);
            Command command = stamper.forCaller(caller, request.getIdempotencyKey()).setHoldSeats(request).build();
            return gateway.submit(command).whenComplete((result, failure) ->
                    metrics.hold(failure == null ? "created" : "rejected")).thenApply(CommandResult::getHold);
        });
    }

    @Override
    public void extendHold(ExtendHoldRequest request, StreamObserver<Hold> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.extendHold(request);
            Command command = stamper.forCaller(caller, request.getIdempotencyKey()).setExtendHold(request).build();
            return gateway.submit(command).whenComplete((result, failure) -> {
                if (failure == null) {
                    metrics.hold("extended");
                }
            }).thenApply(CommandResult::getHold);
        });
    }

    @Override
    public void releaseHold(ReleaseHoldRequest request, StreamObserver<Hold> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.releaseHold(request);
            Command command = stamper.forCaller(caller, request.getIdempotencyKey()).setReleaseHold(request).build();
            return gateway.submit(command).whenComplete((result, failure) -> {
                if (failure == null) {
                    metrics.hold("released");
                }
            }).thenApply(CommandResult::getHold);
        });
    }

    @Override
    public void confirmHold(ConfirmHoldRequest request, StreamObserver<Booking> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.confirmHold(request);
            return payments.confirm(caller, request);
        });
    }

    @Override
    public void bookSeats(BookSeatsRequest request, StreamObserver<Booking> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.bookSeats(request);
            return payments.book(caller, request);
        });
    }

    @Override
    public void listMyHolds(ListMyHoldsRequest request, StreamObserver<ListHoldsResponse> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> gateway.read(
                () -> ListHoldsResponse.newBuilder().addAllHolds(queries.activeHolds(caller.userId())).build(),
                Calls.consistency(request.getConsistency())));
    }

    @Override
    public void listMyBookings(ListMyBookingsRequest request, StreamObserver<ListBookingsResponse> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.listMyBookings(request);
            return gateway.read(() -> queries.bookingsOf(caller.userId(), request.getPageSize(),
                    request.getPageToken()), Calls.consistency(request.getConsistency()));
        });
    }

    @Override
    public void getBooking(GetBookingRequest request, StreamObserver<Booking> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.id("booking_id", request.getBookingId(), "bkg_");
            return gateway.read(() -> queries.booking(request.getBookingId()),
                    Calls.consistency(request.getConsistency())).thenApply(booking -> booking
                    .filter(found -> caller.isAdmin() || found.getUserId().equals(caller.userId()))
                    .orElseThrow(() -> notFound(request.getBookingId())));
        });
    }

    @Override
    public void cancelBooking(CancelBookingRequest request, StreamObserver<Booking> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.cancelBooking(request);
            Command command = stamper.forCaller(caller, request.getIdempotencyKey()).setCancelBooking(request)
                    .build();
            CompletableFuture<CommandResult> result = gateway.submit(command);
            return result.whenComplete((done, failure) -> {
                if (failure == null) {
                    metrics.booking("cancelled");
                    metrics.refund(done.getBooking().getRefunded().getAmountMinor() > 0 ? "cancellation" : "none");
                }
            }).thenApply(CommandResult::getBooking);
        });
    }

    static RuntimeException notFound(String bookingId) {
        return Status.NOT_FOUND.withDescription("no booking " + bookingId + " of yours").asRuntimeException();
    }
}
