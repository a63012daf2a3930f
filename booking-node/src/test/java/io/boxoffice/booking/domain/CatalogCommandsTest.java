package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ADMIN;
import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.RegisterUser;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogCommandsTest {

    private DomainFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture();
    }

    @Test
    void when_an_admin_registers_a_user_then_login_finds_the_hash_and_roles() {
        CommandResult result = fixture.run(ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                .setUsername("user1").setPasswordHash("$hash$")));

        assertThat(result.getUser().getRoles(0)).isEqualTo("user");
        assertThat(result.getUser().getId()).startsWith("usr_");
        assertThat(fixture.machine.userByUsername("user1").orElseThrow().getPasswordHash()).isEqualTo("$hash$");
        assertThat(fixture.machine.user(result.getUser().getId())).contains(result.getUser());
    }

    @Test
    void when_a_user_registration_is_wrong_then_it_is_rejected_without_change() {
        fixture.run(ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder().setUsername("user1")
                .setPasswordHash("h")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_ALREADY_EXISTS,
                "username 'user1' is taken", ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                        .setUsername("user1").setPasswordHash("h")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "only admins may create users", ALICE, c -> c.setRegisterUser(RegisterUser.newBuilder()
                        .setUsername("user2").setPasswordHash("h")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "username must be 3..32 characters", ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                        .setUsername("No Spaces").setPasswordHash("h")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "password hash must be", ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                        .setUsername("user2")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "role must be 'user' or 'admin', was 'root'", ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                        .setUsername("user2").setPasswordHash("h").addRoles("root")));
    }

    @Test
    void when_movies_are_created_and_updated_then_reads_show_the_change() {
        String movieId = fixture.movie("Metropolis", 120);
        fixture.advance(HOUR);
        Movie updated = fixture.run(ADMIN, c -> c.setUpdateMovie(UpdateMovieRequest.newBuilder().setMovieId(movieId)
                .setTitle("Metropolis (restored)").setReplaceGenres(true).addGenres("sci-fi"))).getMovie();

        assertThat(updated.getTitle()).isEqualTo("Metropolis (restored)");
        assertThat(updated.getDurationMinutes()).isEqualTo(120);
        assertThat(updated.getGenresList()).containsExactly("sci-fi");
        assertThat(updated.getUpdatedAtMillis()).isEqualTo(T0 + HOUR);
        assertThat(fixture.machine.movies()).containsExactly(updated);
    }

    @Test
    void when_a_movie_is_malformed_or_unknown_then_it_is_rejected_without_change() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "title must be 1..200 characters", ADMIN, c -> c.setCreateMovie(CreateMovieRequest.newBuilder()
                        .setTitle(" ").setDurationMinutes(90)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "duration_minutes must be in 1..1000, was 0", ADMIN, c -> c.setCreateMovie(CreateMovieRequest
                        .newBuilder().setTitle("X")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "only admins may create movies", ALICE, c -> c.setCreateMovie(CreateMovieRequest.newBuilder()
                        .setTitle("X").setDurationMinutes(90)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no movie 'mov_x'", ADMIN,
                c -> c.setUpdateMovie(UpdateMovieRequest.newBuilder().setMovieId("mov_x").setTitle("Y")));
    }

    static Stream<Arguments> badLayouts() {
        ScreenLayout good = DomainFixture.layout(3, 5);
        return Stream.of(
                Arguments.of(good.toBuilder().setRowCount(0), "row_count must be in 1..26, was 0"),
                Arguments.of(good.toBuilder().setRowCount(27), "row_count must be in 1..26, was 27"),
                Arguments.of(good.toBuilder().setSeatsPerRow(61), "seats_per_row must be in 1..60, was 61"),
                Arguments.of(good.toBuilder().clearCategories(), "a layout needs 1..10 seat categories"),
                Arguments.of(good.toBuilder().setRowCount(4), "row D belongs to no category"),
                Arguments.of(good.toBuilder().addCategories(SeatCategory.newBuilder().setName("vip")
                        .setPrice(eur(2000)).addRows("A")), "row A is in both categories 'standard' and 'vip'"),
                Arguments.of(good.toBuilder().setCategories(0, good.getCategories(0).toBuilder().setPrice(eur(0))),
                        "price must be in 1..100000000 minor units, was 0"),
                Arguments.of(good.toBuilder().setCategories(0, good.getCategories(0).toBuilder()
                        .setPrice(Moneys.of(100, "euro"))), "currency must be an ISO 4217 code"),
                Arguments.of(good.toBuilder().addCategories(SeatCategory.newBuilder().setName("vip")
                        .setPrice(Moneys.of(100, "USD")).addRows("C")), "all categories must use one currency"),
                Arguments.of(good.toBuilder().setCategories(0, good.getCategories(0).toBuilder().setName("Big")),
                        "category name must be 1..32 characters of [a-z0-9_-]"),
                Arguments.of(good.toBuilder().addBlockedSeatIds("A6"), "seat A6 does not exist"),
                Arguments.of(good.toBuilder().addBlockedSeatIds("A1").addBlockedSeatIds("A1"),
                        "seat A1 is listed twice"));
    }

    @ParameterizedTest
    @MethodSource("badLayouts")
    void when_a_screen_layout_is_invalid_then_it_is_rejected_naming_the_problem(ScreenLayout.Builder layout,
            String message) {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, message, ADMIN,
                c -> c.setCreateScreen(CreateScreenRequest.newBuilder().setName("S").setLayout(layout)));
    }

    @Test
    void when_a_screen_has_shows_then_only_its_categories_prices_and_blocked_seats_may_change() {
        String screenId = fixture.screen(DomainFixture.layout(5, 5));
        fixture.show(fixture.movie("M", 90), screenId, T0 + 24 * HOUR);

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "its rows and seats per row cannot change", ADMIN, c -> c.setUpdateScreen(UpdateScreenRequest
                        .newBuilder().setScreenId(screenId).setLayout(DomainFixture.layout(6, 5))));
        Screen updated = fixture.run(ADMIN, c -> c.setUpdateScreen(UpdateScreenRequest.newBuilder()
                .setScreenId(screenId).setName("Big one").setLayout(DomainFixture.layout(5, 5, "C3")))).getScreen();
        assertThat(updated.getName()).isEqualTo("Big one");
        String showId = fixture.machine.shows(Optional.empty(), OptionalLong.empty(), fixture.nowMillis).get(0)
                .getId();
        DomainFixture.assertRejected(fixture.hold(ALICE, showId, "C3"),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "C3 (blocked)");
        assertThat(fixture.machine.show(showId, fixture.nowMillis).orElseThrow().getSeatsTotal()).isEqualTo(24);
    }

    @Test
    void when_shows_are_created_then_they_are_listed_in_start_order_with_seat_counts() {
        String movieId = fixture.movie("M", 90);
        String otherMovieId = fixture.movie("N", 90);
        String screenId = fixture.screen(DomainFixture.twoCategoryLayout(4, 5));
        Show late = fixture.show(movieId, screenId, T0 + 48 * HOUR);
        Show early = fixture.show(otherMovieId, screenId, T0 + 24 * HOUR);

        assertThat(early.getMovieTitle()).isEqualTo("N");
        assertThat(early.getSeatsTotal()).isEqualTo(20);
        assertThat(early.getSeatsFree()).isEqualTo(20);
        assertThat(fixture.machine.shows(Optional.empty(), OptionalLong.empty(), fixture.nowMillis))
                .extracting(Show::getId).containsExactly(early.getId(), late.getId());
        assertThat(fixture.machine.shows(Optional.of(movieId), OptionalLong.empty(), fixture.nowMillis))
                .extracting(Show::getId).containsExactly(late.getId());
        assertThat(fixture.machine.shows(Optional.empty(), OptionalLong.of(T0 + 25 * HOUR), fixture.nowMillis))
                .extracting(Show::getId).containsExactly(late.getId());
        assertThat(fixture.machine.seatMap(late.getId(), "", fixture.nowMillis).orElseThrow().getCategoriesList())
                .extracting(c -> c.getCategory() + "=" + c.getSeatsFree() + "@" + c.getPrice().getAmountMinor())
                .containsExactly("standard=15@1200", "premium=5@1600");
    }

    @Test
    void when_a_show_is_wrong_then_it_is_rejected_without_change() {
        String movieId = fixture.movie("M", 90);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        fixture.show(movieId, screenId, T0 + 10 * HOUR);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "starts_at_millis must lie in the future", ADMIN, c -> c.setCreateShow(CreateShowRequest.newBuilder()
                        .setMovieId(movieId).setScreenId(screenId).setStartsAtMillis(T0)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no screen 'scr_x'", ADMIN,
                c -> c.setCreateShow(CreateShowRequest.newBuilder().setMovieId(movieId).setScreenId("scr_x")
                        .setStartsAtMillis(T0 + HOUR)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setCreateShow(CreateShowRequest.newBuilder().setMovieId(movieId).setScreenId(screenId)
                        .setStartsAtMillis(T0 + 11 * HOUR)));
        assertThat(fixture.show(movieId, screenId, T0 + 11 * HOUR + 30 * DomainFixture.MINUTE).getId()).isNotEmpty();
    }

    @Test
    void when_a_show_is_rescheduled_then_the_new_time_is_kept_and_overlaps_are_refused() {
        String movieId = fixture.movie("M", 90);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        Show show = fixture.show(movieId, screenId, T0 + 10 * HOUR);
        fixture.show(movieId, screenId, T0 + 20 * HOUR);

        Show moved = fixture.run(ADMIN, c -> c.setUpdateShow(UpdateShowRequest.newBuilder().setShowId(show.getId())
                .setStartsAtMillis(T0 + 12 * HOUR))).getShow();
        assertThat(moved.getStartsAtMillis()).isEqualTo(T0 + 12 * HOUR);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setUpdateShow(UpdateShowRequest.newBuilder().setShowId(show.getId())
                        .setStartsAtMillis(T0 + 19 * HOUR)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "give either starts_at_millis or cancel", ADMIN, c -> c.setUpdateShow(UpdateShowRequest.newBuilder()
                        .setShowId(show.getId())));
    }
}
