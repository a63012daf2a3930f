package io.boxoffice.booking.api;

import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.GetMovieRequest;
import io.boxoffice.proto.v1.GetScreenRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.GetShowRequest;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListMoviesResponse;
import io.boxoffice.proto.v1.ListScreensRequest;
import io.boxoffice.proto.v1.ListScreensResponse;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.ListShowsResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.booking.domain.FieldLimits;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** {@code boxoffice.v1.CatalogService}: reads of movies, screens, shows and seat maps. */
@GrpcService
public class CatalogGrpcService extends CatalogServiceGrpc.CatalogServiceImplBase {

    @Inject
    Calls calls;
    @Inject
    RequestValidator validator;
    @Inject
    CommandGateway gateway;
    @Inject
    BookingQueries queries;

    @Override
    public void listMovies(ListMoviesRequest request, StreamObserver<ListMoviesResponse> observer) {
        calls.unary(request, observer, () -> gateway.read(
                () -> ListMoviesResponse.newBuilder().addAllMovies(queries.movies()).build(),
                Calls.consistency(request.getConsistency())));
    }

    @Override
    public void getMovie(GetMovieRequest request, StreamObserver<Movie> observer) {
        calls.unary(request, observer, () -> {
            validator.id("movie_id", request.getMovieId(), "mov_");
            return found(() -> queries.movie(request.getMovieId()), request.getConsistency(),
                    "movie " + FieldLimits.echo(request.getMovieId()));
        });
    }

    @Override
    public void listScreens(ListScreensRequest request, StreamObserver<ListScreensResponse> observer) {
        calls.unary(request, observer, () -> gateway.read(
                () -> ListScreensResponse.newBuilder().addAllScreens(queries.screens()).build(),
                Calls.consistency(request.getConsistency())));
    }

    @Override
    public void getScreen(GetScreenRequest request, StreamObserver<Screen> observer) {
        calls.unary(request, observer, () -> {
            validator.id("screen_id", request.getScreenId(), "scr_");
            return found(() -> queries.screen(request.getScreenId()), request.getConsistency(),
                    "screen " + FieldLimits.echo(request.getScreenId()));
        });
    }

    @Override
    public void listShows(ListShowsRequest request, StreamObserver<ListShowsResponse> observer) {
        calls.unary(request, observer, () -> {
            if (request.hasMovieId()) {
                validator.id("movie_id", request.getMovieId(), "mov_");
            }
            Optional<String> movie = request.hasMovieId() ? Optional.of(request.getMovieId()) : Optional.empty();
            OptionalLong after = request.hasStartsAfterMillis() ? OptionalLong.of(request.getStartsAfterMillis())
                    : OptionalLong.empty();
            return gateway.read(() -> ListShowsResponse.newBuilder().addAllShows(queries.shows(movie, after)).build(),
                    Calls.consistency(request.getConsistency()));
        });
    }

    @Override
    public void getShow(GetShowRequest request, StreamObserver<Show> observer) {
        calls.unary(request, observer, () -> {
            validator.id("show_id", request.getShowId(), "shw_");
            return found(() -> queries.show(request.getShowId()), request.getConsistency(),
                    "show " + FieldLimits.echo(request.getShowId()));
        });
    }

    @Override
    public void getSeatMap(GetSeatMapRequest request, StreamObserver<SeatMap> observer) {
        Caller caller = Calls.caller();
        calls.unary(request, observer, () -> {
            validator.id("show_id", request.getShowId(), "shw_");
            return found(() -> queries.seatMap(request.getShowId(), caller.userId()), request.getConsistency(),
                    "show " + FieldLimits.echo(request.getShowId()));
        });
    }

    private <T> CompletableFuture<T> found(Supplier<Optional<T>> query, io.boxoffice.proto.v1.ReadConsistency consistency,
                                           String what) {
        return gateway.read(query, Calls.consistency(consistency)).thenApply(value -> value.orElseThrow(
                () -> Status.NOT_FOUND.withDescription(what + " does not exist").asRuntimeException()));
    }
}
