package io.boxoffice.booking.api;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.Fixtures;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.GetMovieRequest;
import io.boxoffice.proto.v1.GetScreenRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.GetShowRequest;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListScreensRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.Show;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NodeTest
class CatalogApiTest {

    static CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    static Show show;

    @BeforeAll
    static void setUp() {
        show = Fixtures.show(3);
        catalog = GrpcClients.catalog(GrpcClients.user1());
    }

    @Test
    void list_and_get_movies_linearizable_and_stale() {
        var movies = catalog.listMovies(ListMoviesRequest.getDefaultInstance()).getMoviesList();
        var stale = catalog.listMovies(ListMoviesRequest.newBuilder()
                .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build()).getMoviesList();

        assertThat(movies).extracting(Movie::getTitle).contains("The Raft Consensus", "Leader Election", "Split Brain");
        assertThat(stale).containsAll(movies);
        Movie one = catalog.getMovie(GetMovieRequest.newBuilder().setMovieId(movies.get(0).getId()).build());
        assertThat(one).isEqualTo(movies.get(0));
    }

    @Test
    void get_movie_with_a_malformed_or_unknown_id_fails_clearly() {
        StatusRuntimeException missing = fails(Status.Code.INVALID_ARGUMENT,
                () -> catalog.getMovie(GetMovieRequest.getDefaultInstance()));
        StatusRuntimeException malformed = fails(Status.Code.INVALID_ARGUMENT,
                () -> catalog.getMovie(GetMovieRequest.newBuilder().setMovieId("shw_123").build()));
        StatusRuntimeException unknown = fails(Status.Code.NOT_FOUND,
                () -> catalog.getMovie(GetMovieRequest.newBuilder().setMovieId("mov_doesnotexist").build()));

        assertThat(missing.getStatus().getDescription()).isEqualTo("movie_id: is required");
        assertThat(malformed.getStatus().getDescription())
                .isEqualTo("movie_id: 'shw_123' is not a valid id (expected mov_<1..64 of [A-Za-z0-9_-]>)");
        assertThat(unknown.getStatus().getDescription()).isEqualTo("movie mov_doesnotexist does not exist");
    }

    @Test
    void list_and_get_screens() {
        var screens = catalog.listScreens(ListScreensRequest.getDefaultInstance()).getScreensList();
        assertThat(screens).isNotEmpty();
        var screen = catalog.getScreen(GetScreenRequest.newBuilder().setScreenId(show.getScreenId()).build());
        assertThat(screen.getLayout().getRowCount()).isEqualTo(8);
        assertThat(screen.getLayout().getBlockedSeatIdsList()).containsExactly("A1", "A12");
        fails(Status.Code.NOT_FOUND, () -> catalog.getScreen(GetScreenRequest.newBuilder()
                .setScreenId("scr_nope").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> catalog.getScreen(GetScreenRequest.newBuilder()
                .setScreenId("screen one").build()));
    }

    @Test
    void list_shows_filters_by_movie_and_start_time() {
        var all = catalog.listShows(ListShowsRequest.getDefaultInstance()).getShowsList();
        var ofMovie = catalog.listShows(ListShowsRequest.newBuilder().setMovieId(show.getMovieId()).build())
                .getShowsList();
        var later = catalog.listShows(ListShowsRequest.newBuilder().setStartsAfterMillis(show.getStartsAtMillis())
                .build()).getShowsList();

        assertThat(all).hasSizeGreaterThanOrEqualTo(6);
        assertThat(ofMovie).isNotEmpty().allMatch(s -> s.getMovieId().equals(show.getMovieId()));
        assertThat(later).allMatch(s -> s.getStartsAtMillis() >= show.getStartsAtMillis());
        StatusRuntimeException bad = fails(Status.Code.INVALID_ARGUMENT, () -> catalog.listShows(
                ListShowsRequest.newBuilder().setMovieId("nope").build()));
        assertThat(bad.getStatus().getDescription()).startsWith("movie_id: 'nope' is not a valid id");
    }

    @Test
    void get_show_and_its_seat_map_with_live_states() {
        Show one = catalog.getShow(GetShowRequest.newBuilder().setShowId(show.getId()).build());
        SeatMap map = catalog.getSeatMap(GetSeatMapRequest.newBuilder().setShowId(show.getId()).build());

        assertThat(one.getMovieTitle()).isNotBlank();
        assertThat(one.getSeatsTotal()).isEqualTo(94); // 8 x 12 less the two blocked seats
        assertThat(map.getRowsList()).hasSize(8);
        assertThat(map.getRows(0).getSeats(0).getId()).isEqualTo("A1");
        assertThat(map.getRows(0).getSeats(0).getState()).isEqualTo(SeatState.SEAT_STATE_BLOCKED);
        assertThat(map.getRows(7).getSeats(0).getCategory()).isEqualTo("premium");
        assertThat(map.getCategoriesList()).extracting(c -> c.getCategory()).containsExactlyInAnyOrder("standard",
                "premium");
    }

    @Test
    void get_show_or_seat_map_of_an_unknown_or_malformed_show_fails() {
        StatusRuntimeException unknown = fails(Status.Code.NOT_FOUND, () -> catalog.getSeatMap(
                GetSeatMapRequest.newBuilder().setShowId("shw_unknown").build()));
        fails(Status.Code.NOT_FOUND, () -> catalog.getShow(GetShowRequest.newBuilder().setShowId("shw_unknown")
                .build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> catalog.getShow(GetShowRequest.getDefaultInstance()));
        StatusRuntimeException consistency = fails(Status.Code.INVALID_ARGUMENT, () -> catalog.getShow(
                GetShowRequest.newBuilder().setShowId(show.getId()).setConsistencyValue(7).build()));

        assertThat(unknown.getStatus().getDescription()).isEqualTo("show shw_unknown does not exist");
        assertThat(consistency.getStatus().getDescription()).startsWith("consistency: unknown read consistency");
    }
}
