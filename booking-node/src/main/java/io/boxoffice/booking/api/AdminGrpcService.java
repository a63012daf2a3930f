package io.boxoffice.booking.api;

import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.app.CommandStamper;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.app.UserRegistration;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import io.boxoffice.proto.v1.User;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** {@code boxoffice.v1.AdminService}: admin role only (enforced by the authentication interceptor). */
@GrpcService
public class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {

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
    UserRegistration registration;
    @Inject
    BoxofficeMetrics metrics;

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<User> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.createUser(request);
            return registration.register(caller, request);
        });
    }

    @Override
    public void createMovie(CreateMovieRequest request, StreamObserver<Movie> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.createMovie(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setCreateMovie(request).build(),
                    CommandResult::getMovie);
        });
    }

    @Override
    public void updateMovie(UpdateMovieRequest request, StreamObserver<Movie> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.updateMovie(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setUpdateMovie(request).build(),
                    CommandResult::getMovie);
        });
    }

    @Override
    public void createScreen(CreateScreenRequest request, StreamObserver<Screen> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.createScreen(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setCreateScreen(request).build(),
                    CommandResult::getScreen);
        });
    }

    @Override
    public void updateScreen(UpdateScreenRequest request, StreamObserver<Screen> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.updateScreen(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setUpdateScreen(request).build(),
                    CommandResult::getScreen);
        });
    }

    @Override
    public void createShow(CreateShowRequest request, StreamObserver<Show> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.createShow(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setCreateShow(request).build(),
                    CommandResult::getShow);
        });
    }

    @Override
    public void updateShow(UpdateShowRequest request, StreamObserver<Show> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.updateShow(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setUpdateShow(request).build(),
                    CommandResult::getShow);
        });
    }

    @Override
    public void listAllBookings(ListAllBookingsRequest request, StreamObserver<ListBookingsResponse> observer) {
        calls.unary(request, observer, () -> {
            validator.listAllBookings(request);
            Optional<String> show = request.hasShowId() ? Optional.of(request.getShowId()) : Optional.empty();
            Optional<String> user = request.hasUserId() ? Optional.of(request.getUserId()) : Optional.empty();
            return gateway.read(() -> queries.allBookings(show, user, request.getPageSize(), request.getPageToken()),
                    Calls.consistency(request.getConsistency()));
        });
    }

    @Override
    public void refundBooking(RefundBookingRequest request, StreamObserver<Booking> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.refundBooking(request);
            return submit(stamper.forCaller(caller, request.getIdempotencyKey()).setAdminRefund(request).build(),
                    CommandResult::getBooking).whenComplete((booking, failure) -> {
                        if (failure == null) {
                            metrics.refund("admin");
                        }
                    });
        });
    }

    private <T> CompletableFuture<T> submit(Command command, Function<CommandResult, T> pick) {
        return gateway.submit(command).thenApply(pick);
    }
}
