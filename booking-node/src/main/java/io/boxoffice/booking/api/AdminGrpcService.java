package io.boxoffice.booking.api;

import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.app.CommandMapper;
import io.boxoffice.booking.app.views.PublicViews;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.raft.server.ReadConsistency;
import io.boxoffice.booking.app.CommandStamper;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.app.UserRegistration;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
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
            return submit(command(caller, request.getIdempotencyKey(), "CreateMovie",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setCreateMovie(CommandMapper.createMovie(request)).build(),
                    outcome -> PublicViews.movie(outcome.movie()));
        });
    }

    @Override
    public void updateMovie(UpdateMovieRequest request, StreamObserver<Movie> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.updateMovie(request);
            return submit(command(caller, request.getIdempotencyKey(), "UpdateMovie",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setUpdateMovie(CommandMapper.updateMovie(request)).build(),
                    outcome -> PublicViews.movie(outcome.movie()));
        });
    }

    @Override
    public void createScreen(CreateScreenRequest request, StreamObserver<Screen> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.createScreen(request);
            return submit(command(caller, request.getIdempotencyKey(), "CreateScreen",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setCreateScreen(CommandMapper.createScreen(request)).build(),
                    outcome -> PublicViews.screen(outcome.screen()));
        });
    }

    @Override
    public void updateScreen(UpdateScreenRequest request, StreamObserver<Screen> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.updateScreen(request);
            return submit(command(caller, request.getIdempotencyKey(), "UpdateScreen",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setUpdateScreen(CommandMapper.updateScreen(request)).build(),
                    outcome -> PublicViews.screen(outcome.screen()));
        });
    }

    @Override
    public void createShow(CreateShowRequest request, StreamObserver<Show> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.createShow(request);
            return showView(gateway.submit(command(caller, request.getIdempotencyKey(), "CreateShow",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setCreateShow(CommandMapper.createShow(request)).build()));
        });
    }

    @Override
    public void updateShow(UpdateShowRequest request, StreamObserver<Show> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.updateShow(request);
            return showView(gateway.submit(command(caller, request.getIdempotencyKey(), "UpdateShow",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setUpdateShow(CommandMapper.updateShow(request)).build()));
        });
    }

    /** A show as the catalogue lists it (with live seat counts), read on this node once it is applied. */
    private CompletableFuture<Show> showView(CompletableFuture<CommandOutcome> proposal) {
        return proposal.thenCompose(outcome -> gateway.read(() -> queries.show(outcome.show().getId()).orElseThrow(),
                ReadConsistency.STALE));
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
            return submit(command(caller, request.getIdempotencyKey(), "RefundBooking",
                    request.toBuilder().clearIdempotencyKey().build())
                    .setAdminRefund(CommandMapper.adminRefund(request)).build(),
                    outcome -> {
                        if (!outcome.remembered()) {
                            metrics.refund("admin");
                        }
                        return PublicViews.booking(outcome.booking(), outcome.labels(), java.util.List.of());
                    });
        });
    }

    private Command.Builder command(Caller caller, String key, String method, com.google.protobuf.MessageLite request) {
        return stamper.forCaller(caller, key, method, request);
    }

    private <T> CompletableFuture<T> submit(Command command, Function<CommandOutcome, T> view) {
        return gateway.submit(command).thenApply(view);
    }
}
