package io.boxoffice.booking.api;

import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.app.CommandStamper;
import io.boxoffice.booking.app.PaymentFlow;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.booking.app.CommandMapper;
import io.boxoffice.booking.app.views.PublicViews;
import io.boxoffice.booking.domain.CommandOutcome;
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
import io.boxoffice.booking.domain.FieldLimits;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;

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
            return gateway.submit(stamper.forCaller(caller, request.getIdempotencyKey(), "HoldSeats",
                            request.toBuilder().clearIdempotencyKey().build())
                            .setHoldSeats(CommandMapper.holdSeats(request)).build())
                    .whenComplete((outcome, failure) -> metrics.hold(failure == null ? "created" : "rejected"))
                    .thenApply(BookingGrpcService::holdView);
        });
    }

    @Override
    public void extendHold(ExtendHoldRequest request, StreamObserver<Hold> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.extendHold(request);
            return gateway.submit(stamper.forCaller(caller, request.getIdempotencyKey(), "ExtendHold",
                            request.toBuilder().clearIdempotencyKey().build())
                            .setExtendHold(CommandMapper.extendHold(request)).build())
                    .whenComplete((outcome, failure) -> {
                        if (failure == null) {
                            metrics.hold("extended");
                        }
                    }).thenApply(BookingGrpcService::holdView);
        });
    }

    @Override
    public void releaseHold(ReleaseHoldRequest request, StreamObserver<Hold> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.releaseHold(request);
            return gateway.submit(stamper.forCaller(caller, request.getIdempotencyKey(), "ReleaseHold",
                            request.toBuilder().clearIdempotencyKey().build())
                            .setReleaseHold(CommandMapper.releaseHold(request)).build())
                    .whenComplete((outcome, failure) -> {
                        if (failure == null) {
                            metrics.hold("released");
                        }
                    }).thenApply(BookingGrpcService::holdView);
        });
    }

    private static Hold holdView(CommandOutcome outcome) {
        return PublicViews.hold(outcome.hold(), java.util.List.of(), System.currentTimeMillis());
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
            return gateway.submit(stamper.forCaller(caller, request.getIdempotencyKey(), "CancelBooking",
                            request.toBuilder().clearIdempotencyKey().build())
                            .setCancelBooking(CommandMapper.cancelBooking(request)).build())
                    .thenApply(outcome -> {
                        Booking booking = PublicViews.booking(outcome.booking(), outcome.labels(), java.util.List.of());
                        if (!outcome.remembered()) {
                            metrics.booking("cancelled");
                            metrics.refund(booking.getRefunded().getAmountMinor() > 0 ? "cancellation" : "none");
                        }
                        return booking;
                    });
        });
    }

    static RuntimeException notFound(String bookingId) {
        return Status.NOT_FOUND.withDescription("no booking " + FieldLimits.echo(bookingId) + " of yours").asRuntimeException();
    }
}
