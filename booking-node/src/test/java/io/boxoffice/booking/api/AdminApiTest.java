package io.boxoffice.booking.api;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.testing.Fixtures;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeState;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import io.boxoffice.proto.v1.User;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NodeTest
class AdminApiTest {

    static AdminServiceGrpc.AdminServiceBlockingStub admin;

    @BeforeAll
    static void setUp() {
        Fixtures.shows();
        admin = GrpcClients.admin(GrpcClients.admin());
    }

    static ScreenLayout smallLayout() {
        return ScreenLayout.newBuilder().setRowCount(2).setSeatsPerRow(4).addCategories(SeatCategory.newBuilder()
                .setName("standard").setPrice(Money.newBuilder().setAmountMinor(900).setCurrency("EUR"))
                .addRows("A").addRows("B")).addBlockedSeatIds("B4").build();
    }

    @Test
    void create_user_hashes_the_password_and_the_user_can_log_in() {
        User user = admin.createUser(CreateUserRequest.newBuilder().setUsername("carol").setPassword("s3cret-pass")
                .setIdempotencyKey("create-carol").build());
        User again = admin.createUser(CreateUserRequest.newBuilder().setUsername("carol").setPassword("s3cret-pass")
                .setIdempotencyKey("create-carol").build());

        assertThat(user.getId()).startsWith("usr_");
        assertThat(user.getRolesList()).containsExactly("user");
        assertThat(again.getId()).isEqualTo(user.getId());
        assertThat(GrpcClients.auth().login(LoginRequest.newBuilder().setUsername("carol").setPassword("s3cret-pass")
                .build()).getUserId()).isEqualTo(user.getId());
        StatusRuntimeException taken = fails(Status.Code.ALREADY_EXISTS, () -> admin.createUser(CreateUserRequest
                .newBuilder().setUsername("carol").setPassword("another-pass").build()));
        assertThat(taken.getStatus().getDescription()).isEqualTo("username 'carol' is taken");
    }

    @Test
    void create_user_with_bad_input_is_invalid_argument_and_stores_nothing() {
        String before = NodeState.fingerprint();

        StatusRuntimeException error = fails(Status.Code.INVALID_ARGUMENT, () -> admin.createUser(CreateUserRequest
                .newBuilder().setUsername("Bad Name").setPassword("short").addRoles("root").build()));

        assertThat(error.getStatus().getDescription()).isEqualTo("username: must be 3..32 characters of a-z, 0-9, "
                + "'.', '_', '-'; password: must be at least 8 characters; roles[0]: 'root' is not a role (user or admin)");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void create_and_update_a_movie() {
        Movie movie = admin.createMovie(CreateMovieRequest.newBuilder().setTitle("Quorum").setDurationMinutes(101)
                .addGenres("drama").build());
        Movie updated = admin.updateMovie(UpdateMovieRequest.newBuilder().setMovieId(movie.getId())
                .setTitle("Quorum (director's cut)").build());

        assertThat(movie.getId()).startsWith("mov_");
        assertThat(updated.getTitle()).isEqualTo("Quorum (director's cut)");
        assertThat(updated.getDurationMinutes()).isEqualTo(101);
        fails(Status.Code.NOT_FOUND, () -> admin.updateMovie(UpdateMovieRequest.newBuilder().setMovieId("mov_none")
                .setTitle("x").build()));
    }

    @Test
    void create_movie_with_bad_input_is_invalid_argument_and_stores_nothing() {
        String before = NodeState.fingerprint();

        StatusRuntimeException error = fails(Status.Code.INVALID_ARGUMENT, () -> admin.createMovie(
                CreateMovieRequest.newBuilder().setTitle("").setDurationMinutes(0).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> admin.updateMovie(UpdateMovieRequest.newBuilder()
                .setMovieId("movie-1").build()));

        assertThat(error.getStatus().getDescription())
                .isEqualTo("title: is required; duration_minutes: must be between 1 and 1000, was 0");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void create_and_update_a_screen_and_schedule_and_cancel_a_show() {
        Screen screen = admin.createScreen(CreateScreenRequest.newBuilder().setName("Studio").setLayout(smallLayout())
                .build());
        Screen renamed = admin.updateScreen(UpdateScreenRequest.newBuilder().setScreenId(screen.getId())
                .setName("Studio B").build());
        Movie movie = admin.createMovie(CreateMovieRequest.newBuilder().setTitle("Term Limits")
                .setDurationMinutes(90).build());
        long startsAt = System.currentTimeMillis() + Duration.ofDays(3).toMillis();
        Show show = admin.createShow(CreateShowRequest.newBuilder().setMovieId(movie.getId())
                .setScreenId(screen.getId()).setStartsAtMillis(startsAt).build());
        Show moved = admin.updateShow(UpdateShowRequest.newBuilder().setShowId(show.getId())
                .setStartsAtMillis(startsAt + 3_600_000).build());
        Show cancelled = admin.updateShow(UpdateShowRequest.newBuilder().setShowId(show.getId()).setCancel(true)
                .build());

        assertThat(renamed.getName()).isEqualTo("Studio B");
        assertThat(show.getSeatsTotal()).isEqualTo(7);
        assertThat(moved.getStartsAtMillis()).isEqualTo(startsAt + 3_600_000);
        assertThat(cancelled.getStatus()).isEqualTo(ShowStatus.SHOW_STATUS_CANCELLED);
    }

    @Test
    void screen_and_show_with_bad_input_are_invalid_argument_or_not_found_and_store_nothing() {
        String before = NodeState.fingerprint();

        StatusRuntimeException layout = fails(Status.Code.INVALID_ARGUMENT, () -> admin.createScreen(
                CreateScreenRequest.newBuilder().setName("Broken").setLayout(smallLayout().toBuilder()
                        .setCategories(0, smallLayout().getCategories(0).toBuilder().clearRows().addRows("A")
                                .setPrice(Money.newBuilder().setAmountMinor(-1).setCurrency("eur")))
                        .addBlockedSeatIds("C9")).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> admin.createScreen(CreateScreenRequest.newBuilder().setName("x")
                .build()));
        StatusRuntimeException show = fails(Status.Code.INVALID_ARGUMENT, () -> admin.createShow(
                CreateShowRequest.newBuilder().setMovieId("mov_1").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> admin.updateShow(UpdateShowRequest.newBuilder()
                .setShowId(Fixtures.show(4).getId()).build()));
        assertThat(NodeState.fingerprint()).isEqualTo(before);

        StatusRuntimeException unknownMovie = fails(Status.Code.NOT_FOUND, () -> admin.createShow(
                CreateShowRequest.newBuilder().setMovieId("mov_unknown").setScreenId(Fixtures.show(4).getScreenId())
                        .setStartsAtMillis(System.currentTimeMillis() + 86_400_000L).build()));

        assertThat(layout.getStatus().getDescription()).isEqualTo("layout.categories[0].price.amount_minor: must not be "
                + "negative; layout.categories[0].price.currency: must be an ISO 4217 code of three upper-case "
                + "letters, e.g. EUR; layout.categories: row B belongs to no category; every row needs one; "
                + "layout.blocked_seat_ids[1]: seat C9 is outside the 2 x 4 layout");
        assertThat(show.getStatus().getDescription()).isEqualTo("screen_id: is required; starts_at_millis: must "
                + "be milliseconds since the epoch between 2000-01-01T00:00:00Z and 2200-01-01T00:00:00Z, in the future");
        assertThat(unknownMovie.getStatus().getDescription()).isEqualTo("no movie 'mov_unknown'");
    }

    @Test
    void show_times_near_the_end_of_int64_are_refused_and_overlaps_at_the_end_of_the_range_are_seen() {
        Screen screen = admin.createScreen(CreateScreenRequest.newBuilder().setName("Late").setLayout(smallLayout())
                .build());
        Movie movie = admin.createMovie(CreateMovieRequest.newBuilder().setTitle("Longest Night")
                .setDurationMinutes(1000).build());
        long last = FieldLimits.STARTS_AT_MILLIS_MAX;
        Show early = admin.createShow(CreateShowRequest.newBuilder().setMovieId(movie.getId())
                .setScreenId(screen.getId()).setStartsAtMillis(last - Duration.ofMinutes(500).toMillis()).build());
        String before = NodeState.fingerprint();

        for (long startsAt : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - Duration.ofMinutes(1000).toMillis(), last + 1,
                Long.MIN_VALUE, -1}) {
            StatusRuntimeException create = fails(Status.Code.INVALID_ARGUMENT, () -> admin.createShow(
                    CreateShowRequest.newBuilder().setMovieId(movie.getId()).setScreenId(screen.getId())
                            .setStartsAtMillis(startsAt).build()));
            StatusRuntimeException update = fails(Status.Code.INVALID_ARGUMENT, () -> admin.updateShow(
                    UpdateShowRequest.newBuilder().setShowId(early.getId()).setStartsAtMillis(startsAt).build()));
            assertThat(create.getStatus().getDescription()).startsWith("starts_at_millis: must be milliseconds since");
            assertThat(update.getStatus().getDescription()).startsWith("starts_at_millis: must be milliseconds since");
        }
        assertThat(NodeState.fingerprint()).as("refused before anything was proposed").isEqualTo(before);

        StatusRuntimeException overlap = fails(Status.Code.FAILED_PRECONDITION, () -> admin.createShow(
                CreateShowRequest.newBuilder().setMovieId(movie.getId()).setScreenId(screen.getId())
                        .setStartsAtMillis(last).build()));
        assertThat(overlap.getStatus().getDescription()).contains("is busy with show " + early.getId());
    }

    @Test
    void list_all_bookings_and_refund_any_booking() {
        Show show = Fixtures.show(4);
        Booking booking = GrpcClients.booking(GrpcClients.user2()).bookSeats(BookSeatsRequest.newBuilder()
                .setShowId(show.getId()).addSeatIds("B8").setPayment(Fixtures.card(Fixtures.CARD_OK)).build());

        var all = admin.listAllBookings(ListAllBookingsRequest.newBuilder().setShowId(show.getId()).build());
        Booking refunded = admin.refundBooking(RefundBookingRequest.newBuilder().setBookingId(booking.getId())
                .setReason("goodwill").build());

        assertThat(all.getBookingsList()).extracting(Booking::getId).contains(booking.getId());
        assertThat(refunded.getRefunded().getAmountMinor()).isEqualTo(booking.getAmount().getAmountMinor());
        assertThat(refunded.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
    }

    @Test
    void refund_and_list_with_bad_input_fail_clearly_and_store_nothing() {
        String before = NodeState.fingerprint();

        StatusRuntimeException noReason = fails(Status.Code.INVALID_ARGUMENT, () -> admin.refundBooking(
                RefundBookingRequest.newBuilder().setBookingId("bkg_x").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> admin.listAllBookings(ListAllBookingsRequest.newBuilder()
                .setUserId("user1").build()));
        assertThat(NodeState.fingerprint()).isEqualTo(before);
        StatusRuntimeException unknown = fails(Status.Code.NOT_FOUND, () -> admin.refundBooking(
                RefundBookingRequest.newBuilder().setBookingId("bkg_unknown").setReason("test").build()));

        assertThat(noReason.getStatus().getDescription()).isEqualTo("reason: is required");
        assertThat(unknown.getStatus().getDescription()).isEqualTo("no booking 'bkg_unknown'");
    }
}
