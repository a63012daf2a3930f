package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ADMIN;
import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.CreateMovie;
import io.boxoffice.proto.replicated.v1.CreateScreen;
import io.boxoffice.proto.replicated.v1.CreateShow;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.SeatCategoryRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.UpdateMovie;
import io.boxoffice.proto.replicated.v1.UpdateScreen;
import io.boxoffice.proto.replicated.v1.UpdateShow;
import io.boxoffice.proto.replicated.v1.UserRecord;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogCommandsTest {

    @TempDir
    Path directory;
    private DomainFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture(directory);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void when_an_admin_registers_a_user_then_login_finds_the_hash_and_roles() {
        CommandOutcome outcome = fixture.run(ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                .setUsername("user1").setPasswordHash("$hash$")));

        UserRecord user = DomainFixture.ok(outcome, ResultKind.RESULT_KIND_USER).user();
        assertThat(user.getRoles(0)).isEqualTo("user");
        assertThat(user.getId()).startsWith("usr_");
        assertThat(fixture.queries().userByUsername("user1").orElseThrow().getPasswordHash()).isEqualTo("$hash$");
        assertThat(fixture.queries().user(user.getId())).contains(user);
        assertThat(fixture.queries().userCount()).isEqualTo(1);
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
        MovieRecord updated = fixture.run(ADMIN, c -> c.setUpdateMovie(UpdateMovie.newBuilder().setMovieId(movieId)
                .setTitle("Metropolis (restored)").setReplaceGenres(true).addGenres("sci-fi"))).movie();

        assertThat(updated.getTitle()).isEqualTo("Metropolis (restored)");
        assertThat(updated.getDurationMinutes()).isEqualTo(120);
        assertThat(updated.getGenresList()).containsExactly("sci-fi");
        assertThat(updated.getUpdatedAtMillis()).isEqualTo(T0 + HOUR);
        assertThat(fixture.queries().movies()).containsExactly(updated);
    }

    @Test
    void when_a_movie_is_malformed_or_unknown_then_it_is_rejected_without_change() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "title must be 1..200 characters", ADMIN, c -> c.setCreateMovie(CreateMovie.newBuilder()
                        .setTitle(" ").setDurationMinutes(90)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "duration_minutes must be in 1..1000, was 0", ADMIN, c -> c.setCreateMovie(CreateMovie.newBuilder()
                        .setTitle("X")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "only admins may create movies", ALICE, c -> c.setCreateMovie(CreateMovie.newBuilder()
                        .setTitle("X").setDurationMinutes(90)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no movie 'mov_x'", ADMIN,
                c -> c.setUpdateMovie(UpdateMovie.newBuilder().setMovieId("mov_x").setTitle("Y")));
    }

    static Stream<Arguments> badLayouts() {
        LayoutRecord good = DomainFixture.layout(3, 5);
        return Stream.of(
                Arguments.of(good.toBuilder().setRowCount(0), "row_count must be in 1..26, was 0"),
                Arguments.of(good.toBuilder().setRowCount(27), "row_count must be in 1..26, was 27"),
                Arguments.of(good.toBuilder().setSeatsPerRow(61), "seats_per_row must be in 1..60, was 61"),
                Arguments.of(good.toBuilder().clearCategories(), "a layout needs 1..10 seat categories"),
                Arguments.of(good.toBuilder().setRowCount(4), "row D belongs to no category"),
                Arguments.of(good.toBuilder().addCategories(SeatCategoryRecord.newBuilder().setName("vip")
                        .setPrice(eur(2000)).addRows("A")), "row A is in both categories 'standard' and 'vip'"),
                Arguments.of(good.toBuilder().setCategories(0, good.getCategories(0).toBuilder().setPrice(eur(0))),
                        "price must be in 1..100000000 minor units, was 0"),
                Arguments.of(good.toBuilder().setCategories(0, good.getCategories(0).toBuilder()
                        .setPrice(Moneys.of(100, "euro"))), "currency must be an ISO 4217 code"),
                Arguments.of(good.toBuilder().addCategories(SeatCategoryRecord.newBuilder().setName("vip")
                        .setPrice(Moneys.of(100, "USD")).addRows("C")), "all categories must use one currency"),
                Arguments.of(good.toBuilder().setCategories(0, good.getCategories(0).toBuilder().setName("Big")),
                        "category name must be 1..32 characters of [a-z0-9_-]"),
                Arguments.of(good.toBuilder().addBlockedSeatIds("A6"), "seat A6 does not exist"),
                Arguments.of(good.toBuilder().addBlockedSeatIds("A1").addBlockedSeatIds("A1"),
                        "seat A1 is listed twice"));
    }

    @ParameterizedTest
    @MethodSource("badLayouts")
    void when_a_screen_layout_is_invalid_then_it_is_rejected_naming_the_problem(LayoutRecord.Builder layout,
            String message) {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, message, ADMIN,
                c -> c.setCreateScreen(CreateScreen.newBuilder().setName("S").setLayout(layout)));
    }

    @Test
    void when_a_screen_has_shows_then_only_its_categories_prices_and_blocked_seats_may_change() {
        String screenId = fixture.screen(DomainFixture.layout(5, 5));
        String showId = fixture.show(fixture.movie("M", 90), screenId, T0 + 24 * HOUR).getId();

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "its rows and seats per row cannot change", ADMIN, c -> c.setUpdateScreen(UpdateScreen
                        .newBuilder().setScreenId(screenId).setLayout(DomainFixture.layout(6, 5))));
        ScreenRecord updated = fixture.run(ADMIN, c -> c.setUpdateScreen(UpdateScreen.newBuilder()
                .setScreenId(screenId).setName("Big one").setLayout(DomainFixture.layout(5, 5, "C3")))).screen();
        assertThat(updated.getName()).isEqualTo("Big one");
        DomainFixture.assertRejected(fixture.hold(ALICE, showId, "C3"),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "C3 (blocked)");
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().sellableCount()).isEqualTo(24);
    }

    @Test
    void when_shows_are_created_then_they_are_listed_in_start_order() {
        String movieId = fixture.movie("M", 90);
        String otherMovieId = fixture.movie("N", 90);
        String screenId = fixture.screen(DomainFixture.twoCategoryLayout(4, 5));
        ShowRecord late = fixture.show(movieId, screenId, T0 + 48 * HOUR);
        ShowRecord early = fixture.show(otherMovieId, screenId, T0 + 24 * HOUR);

        assertThat(fixture.queries().shows(Optional.empty(), OptionalLong.empty()))
                .extracting(ShowRecord::getId).containsExactly(early.getId(), late.getId());
        assertThat(fixture.queries().shows(Optional.of(movieId), OptionalLong.empty()))
                .extracting(ShowRecord::getId).containsExactly(late.getId());
        assertThat(fixture.queries().shows(Optional.empty(), OptionalLong.of(T0 + 25 * HOUR)))
                .extracting(ShowRecord::getId).containsExactly(late.getId());
        StateQueries.SeatView seats = fixture.queries().seats(late.getId(), "", fixture.nowMillis).orElseThrow();
        assertThat(seats.sellableCount()).isEqualTo(20);
        assertThat(seats.freeCount()).isEqualTo(20);
    }

    @Test
    void when_a_show_is_wrong_then_it_is_rejected_without_change() {
        String movieId = fixture.movie("M", 90);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        fixture.show(movieId, screenId, T0 + 10 * HOUR);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "starts_at_millis must lie in the future", ADMIN, c -> c.setCreateShow(CreateShow.newBuilder()
                        .setMovieId(movieId).setScreenId(screenId).setStartsAtMillis(T0)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no screen 'scr_x'", ADMIN,
                c -> c.setCreateShow(CreateShow.newBuilder().setMovieId(movieId).setScreenId("scr_x")
                        .setStartsAtMillis(T0 + HOUR)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setCreateShow(CreateShow.newBuilder().setMovieId(movieId).setScreenId(screenId)
                        .setStartsAtMillis(T0 + 11 * HOUR)));
        assertThat(fixture.show(movieId, screenId, T0 + 11 * HOUR + 30 * DomainFixture.MINUTE).getId()).isNotEmpty();
    }

    @Test
    void when_a_start_time_is_near_the_end_of_time_then_it_is_refused_before_it_can_overflow() {
        String movieId = fixture.movie("M", 1000);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "starts_at_millis must be a time between", ADMIN, c -> c.setCreateShow(CreateShow.newBuilder()
                        .setMovieId(movieId).setScreenId(screenId).setStartsAtMillis(Long.MAX_VALUE - 1000)));
        fixture.show(movieId, screenId, T0 + 10 * HOUR);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "starts_at_millis must be a time between", ADMIN, c -> c.setCreateShow(CreateShow.newBuilder()
                        .setMovieId(movieId).setScreenId(screenId).setStartsAtMillis(Long.MAX_VALUE - 10)));
    }

    @Test
    void when_shows_overlap_at_the_end_of_the_allowed_range_then_the_overlap_is_still_seen() {
        // Start plus running time at the very top of the range: a sum that overflowed would hide the overlap.
        String movieId = fixture.movie("Long", FieldLimits.DURATION_MINUTES_MAX);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        long last = FieldLimits.STARTS_AT_MILLIS_MAX;
        ShowRecord early = fixture.show(movieId, screenId, last - 500 * DomainFixture.MINUTE);

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setCreateShow(CreateShow.newBuilder().setMovieId(movieId).setScreenId(screenId)
                        .setStartsAtMillis(last)));
        ShowRecord other = fixture.show(movieId, screenId, last - 3000 * DomainFixture.MINUTE);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder().setShowId(other.getId())
                        .setStartsAtMillis(last)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "starts_at_millis must be a time between", ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder()
                        .setShowId(early.getId()).setStartsAtMillis(Long.MAX_VALUE - 1)));
    }

    @Test
    void when_a_movie_grows_longer_near_the_end_of_the_range_then_a_resulting_overlap_is_refused() {
        String movieId = fixture.movie("Growing", 100);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        long last = FieldLimits.STARTS_AT_MILLIS_MAX;
        fixture.show(movieId, screenId, last - 300 * DomainFixture.MINUTE);
        fixture.show(movieId, screenId, last - 150 * DomainFixture.MINUTE);

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setUpdateMovie(UpdateMovie.newBuilder().setMovieId(movieId)
                        .setDurationMinutes(FieldLimits.DURATION_MINUTES_MAX)));
    }

    @Test
    void when_a_show_is_rescheduled_then_the_new_time_is_kept_and_overlaps_are_refused() {
        String movieId = fixture.movie("M", 90);
        String screenId = fixture.screen(DomainFixture.layout(2, 2));
        ShowRecord show = fixture.show(movieId, screenId, T0 + 10 * HOUR);
        fixture.show(movieId, screenId, T0 + 20 * HOUR);

        ShowRecord moved = fixture.run(ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder().setShowId(show.getId())
                .setStartsAtMillis(T0 + 12 * HOUR))).show();
        assertThat(moved.getStartsAtMillis()).isEqualTo(T0 + 12 * HOUR);
        assertThat(fixture.queries().shows(Optional.empty(), OptionalLong.empty())).extracting(ShowRecord::getId)
                .as("the start index moved with it").startsWith(show.getId()).hasSize(2);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is busy with show",
                ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder().setShowId(show.getId())
                        .setStartsAtMillis(T0 + 19 * HOUR)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "give either starts_at_millis or cancel", ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder()
                        .setShowId(show.getId())));
    }
}
