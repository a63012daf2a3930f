package io.boxoffice.booking.api;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.boxoffice.booking.testing.Fixtures;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeState;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.Show;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NodeTest
class BookingApiTest {

    static Show show;
    static Show other;
    static BookingServiceGrpc.BookingServiceBlockingStub user1;
    static BookingServiceGrpc.BookingServiceBlockingStub user2;

    @BeforeAll
    static void setUp() {
        show = Fixtures.show(0);
        other = Fixtures.show(1);
        user1 = GrpcClients.booking(GrpcClients.user1());
        user2 = GrpcClients.booking(GrpcClients.user2());
    }

    static HoldSeatsRequest hold(Show target, String... seats) {
        return HoldSeatsRequest.newBuilder().setShowId(target.getId()).addAllSeatIds(List.of(seats)).build();
    }

    static SeatState seat(Show target, String seatId) {
        for (var row : GrpcClients.catalog(GrpcClients.user1()).getSeatMap(GetSeatMapRequest.newBuilder()
                .setShowId(target.getId()).build()).getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                if (seat.getId().equals(seatId)) {
                    return seat.getState();
                }
            }
        }
        throw new AssertionError("no seat " + seatId);
    }

    // ---------------------------------------------------------------- HoldSeats

    @Test
    void hold_seats_holds_them_for_the_caller_until_the_expiry() {
        Hold hold = user1.holdSeats(hold(show, "B3", "B4"));

        assertThat(hold.getId()).startsWith("hld_");
        assertThat(hold.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
        assertThat(hold.getSeatsList()).extracting(SeatLine::getSeatId).containsExactly("B3", "B4");
        assertThat(hold.getAmount().getAmountMinor()).isEqualTo(2400);
        assertThat(hold.getExpiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        assertThat(seat(show, "B3")).isEqualTo(SeatState.SEAT_STATE_HELD);
        assertThat(user1.listMyHolds(ListMyHoldsRequest.getDefaultInstance()).getHoldsList())
                .extracting(Hold::getId).contains(hold.getId());
        assertThat(user2.listMyHolds(ListMyHoldsRequest.getDefaultInstance()).getHoldsList())
                .extracting(Hold::getId).doesNotContain(hold.getId());
    }

    @Test
    void hold_best_available_picks_adjacent_seats_of_the_category() {
        Hold hold = user2.holdSeats(HoldSeatsRequest.newBuilder().setShowId(other.getId())
                .setBestAvailable(BestAvailable.newBuilder().setCount(3).setCategory("premium")).build());

        assertThat(hold.getSeatsList()).hasSize(3).allMatch(line -> line.getCategory().equals("premium"));
        assertThat(hold.getSeatsList().stream().map(line -> line.getSeatId().charAt(0)).distinct()).hasSize(1);
        user2.releaseHold(ReleaseHoldRequest.newBuilder().setHoldId(hold.getId()).build());
    }

    @Test
    void hold_with_malformed_input_is_invalid_argument_and_stores_nothing() {
        String before = NodeState.fingerprint();

        StatusRuntimeException noShow = fails(Status.Code.INVALID_ARGUMENT,
                () -> user1.holdSeats(HoldSeatsRequest.newBuilder().addSeatIds("C1").build()));
        StatusRuntimeException noSeats = fails(Status.Code.INVALID_ARGUMENT,
                () -> user1.holdSeats(hold(show)));
        StatusRuntimeException badSeat = fails(Status.Code.INVALID_ARGUMENT,
                () -> user1.holdSeats(hold(show, "C1", "c2", "C0", "C61")));
        StatusRuntimeException tooMany = fails(Status.Code.INVALID_ARGUMENT, () -> user1.holdSeats(hold(show,
                "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11")));
        StatusRuntimeException twice = fails(Status.Code.INVALID_ARGUMENT, () -> user1.holdSeats(hold(show, "C1", "C1")));
        StatusRuntimeException both = fails(Status.Code.INVALID_ARGUMENT, () -> user1.holdSeats(hold(show, "C1")
                .toBuilder().setBestAvailable(BestAvailable.newBuilder().setCount(1)).build()));
        StatusRuntimeException badKey = fails(Status.Code.INVALID_ARGUMENT, () -> user1.holdSeats(hold(show, "C1")
                .toBuilder().setIdempotencyKey("x".repeat(129)).build()));

        assertThat(noShow.getStatus().getDescription()).isEqualTo("show_id: is required");
        assertThat(noSeats.getStatus().getDescription()).isEqualTo("seat_ids: name at least one seat");
        assertThat(badSeat.getStatus().getDescription()).isEqualTo("seat_ids[1]: 'c2' is not a seat id (a row letter "
                + "A..Z and a seat number, e.g. A5); seat_ids[2]: 'C0' is not a seat id (a row letter A..Z and a seat "
                + "number, e.g. A5); seat_ids[3]: seat C61 is out of range: rows have at most 60 seats");
        assertThat(fieldsOf(badSeat)).containsExactly("seat_ids[1]", "seat_ids[2]", "seat_ids[3]");
        assertThat(tooMany.getStatus().getDescription()).isEqualTo("seat_ids: 11 seats requested; at most 10 per hold");
        assertThat(twice.getStatus().getDescription()).isEqualTo("seat_ids[1]: seat C1 is named twice");
        assertThat(both.getStatus().getDescription())
                .isEqualTo("seat_ids: give either seat_ids or best_available, not both");
        assertThat(badKey.getStatus().getDescription())
                .isEqualTo("idempotency_key: must be 1..128 printable ASCII characters");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void hold_of_an_unknown_show_is_not_found() {
        StatusRuntimeException error = fails(Status.Code.NOT_FOUND, () -> user1.holdSeats(HoldSeatsRequest
                .newBuilder().setShowId("shw_unknown").addSeatIds("C1").build()));

        assertThat(error.getStatus().getDescription()).isEqualTo("no show 'shw_unknown'");
        assertThat(user1.listMyHolds(ListMyHoldsRequest.getDefaultInstance()).getHoldsList())
                .noneMatch(h -> h.getShowId().equals("shw_unknown"));
    }

    @Test
    void hold_of_a_seat_outside_the_screen_is_rejected_and_holds_nothing() {
        StatusRuntimeException error = fails(Status.Code.INVALID_ARGUMENT,
                () -> user1.holdSeats(hold(show, "C5", "C13")));

        assertThat(error.getStatus().getDescription()).contains("C13");
        assertThat(fieldsOf(error)).containsExactly("seat_ids[1]");
        assertThat(seat(show, "C5")).isEqualTo(SeatState.SEAT_STATE_FREE);
    }

    @Test
    void hold_of_taken_or_blocked_seats_fails_naming_them_and_holds_nothing() {
        user2.holdSeats(hold(show, "D7"));

        StatusRuntimeException error = fails(Status.Code.FAILED_PRECONDITION,
                () -> user1.holdSeats(hold(show, "A1", "D6", "D7")));

        assertThat(error.getStatus().getDescription())
                .isEqualTo("seats A1 (blocked), D7 (held) are not available; nothing was held");
        assertThat(error.getTrailers().get(Metadata.Key.of("x-boxoffice-taken-seats",
                Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("A1,D7");
        ErrorInfo info = detail(error, ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("REJECTION_CODE_FAILED_PRECONDITION");
        assertThat(info.getMetadataMap()).containsEntry("taken_seat_ids", "A1,D7");
        assertThat(seat(show, "D6")).isEqualTo(SeatState.SEAT_STATE_FREE);
    }

    // ---------------------------------------------------------------- ExtendHold, ReleaseHold

    @Test
    void extend_and_release_a_hold() {
        Hold hold = user1.holdSeats(hold(show, "E1"));

        Hold extended = user1.extendHold(ExtendHoldRequest.newBuilder().setHoldId(hold.getId()).build());

        assertThat(extended.getExpiresAtMillis()).isGreaterThan(hold.getExpiresAtMillis())
                .isLessThanOrEqualTo(hold.getMaxExpiresAtMillis());
        Hold released = user1.releaseHold(ReleaseHoldRequest.newBuilder().setHoldId(hold.getId()).build());

        assertThat(released.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_RELEASED);
        assertThat(seat(show, "E1")).isEqualTo(SeatState.SEAT_STATE_FREE);
    }

    @Test
    void extend_or_release_of_a_foreign_unknown_or_malformed_hold_fails_and_changes_nothing() {
        Hold mine = user1.holdSeats(hold(show, "E5"));

        StatusRuntimeException foreign = fails(Status.Code.NOT_FOUND,
                () -> user2.releaseHold(ReleaseHoldRequest.newBuilder().setHoldId(mine.getId()).build()));
        fails(Status.Code.NOT_FOUND, () -> user2.extendHold(ExtendHoldRequest.newBuilder().setHoldId(mine.getId())
                .build()));
        fails(Status.Code.NOT_FOUND, () -> user1.extendHold(ExtendHoldRequest.newBuilder().setHoldId("hld_unknown")
                .build()));
        StatusRuntimeException malformed = fails(Status.Code.INVALID_ARGUMENT,
                () -> user1.releaseHold(ReleaseHoldRequest.newBuilder().setHoldId("bkg_1").build()));

        assertThat(foreign.getStatus().getDescription()).isEqualTo("no hold '" + mine.getId() + "'");
        assertThat(malformed.getStatus().getDescription()).startsWith("hold_id: 'bkg_1' is not a valid id");
        assertThat(seat(show, "E5")).isEqualTo(SeatState.SEAT_STATE_HELD);
    }

    // ---------------------------------------------------------------- ConfirmHold

    @Test
    void confirm_hold_charges_the_card_and_books_the_seats() {
        Hold hold = user1.holdSeats(hold(show, "F2", "F3"));

        Booking booking = user1.confirmHold(ConfirmHoldRequest.newBuilder().setHoldId(hold.getId())
                .setPayment(Fixtures.card(Fixtures.CARD_OK)).setIdempotencyKey("confirm-f2").build());
        Booking again = user1.confirmHold(ConfirmHoldRequest.newBuilder().setHoldId(hold.getId())
                .setPayment(Fixtures.card(Fixtures.CARD_OK)).setIdempotencyKey("confirm-f2").build());

        assertThat(booking.getId()).startsWith("bkg_");
        assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
        assertThat(booking.getAmount().getAmountMinor()).isEqualTo(2400);
        assertThat(booking.getPayment().getCardLast4()).isEqualTo("4242");
        assertThat(again.getId()).isEqualTo(booking.getId());
        assertThat(seat(show, "F2")).isEqualTo(SeatState.SEAT_STATE_BOOKED);
    }

    @Test
    void confirm_with_a_declined_card_keeps_the_hold_and_books_nothing() {
        Hold hold = user1.holdSeats(hold(show, "F7"));

        StatusRuntimeException error = fails(Status.Code.FAILED_PRECONDITION, () -> user1.confirmHold(
                ConfirmHoldRequest.newBuilder().setHoldId(hold.getId())
                        .setPayment(Fixtures.card(Fixtures.CARD_DECLINED)).build()));

        assertThat(error.getStatus().getDescription()).containsIgnoringCase("declined");
        assertThat(seat(show, "F7")).isEqualTo(SeatState.SEAT_STATE_HELD);
        Booking booking = user1.confirmHold(ConfirmHoldRequest.newBuilder().setHoldId(hold.getId())
                .setPayment(Fixtures.card(Fixtures.CARD_OK)).build());
        assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
    }

    @Test
    void confirm_when_the_processor_fails_transiently_is_unavailable_and_charges_nothing() {
        Hold hold = user1.holdSeats(hold(show, "F9"));
        String before = NodeState.fingerprint();

        StatusRuntimeException error = fails(Status.Code.UNAVAILABLE, () -> user1.confirmHold(ConfirmHoldRequest
                .newBuilder().setHoldId(hold.getId()).setPayment(Fixtures.card(Fixtures.CARD_TRANSIENT)).build()));

        assertThat(error.getStatus().getDescription()).contains("nothing was charged; retry with the same idempotency key");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void confirm_of_a_released_foreign_or_malformed_hold_fails_without_charging() {
        Hold released = user1.holdSeats(hold(show, "G1"));
        user1.releaseHold(ReleaseHoldRequest.newBuilder().setHoldId(released.getId()).build());
        Hold foreign = user2.holdSeats(hold(show, "G3"));
        String before = NodeState.fingerprint();

        StatusRuntimeException ended = fails(Status.Code.FAILED_PRECONDITION, () -> user1.confirmHold(
                ConfirmHoldRequest.newBuilder().setHoldId(released.getId()).setPayment(Fixtures.card(Fixtures.CARD_OK))
                        .build()));
        StatusRuntimeException notMine = fails(Status.Code.NOT_FOUND, () -> user1.confirmHold(ConfirmHoldRequest
                .newBuilder().setHoldId(foreign.getId()).setPayment(Fixtures.card(Fixtures.CARD_OK)).build()));
        StatusRuntimeException noCard = fails(Status.Code.INVALID_ARGUMENT, () -> user1.confirmHold(
                ConfirmHoldRequest.newBuilder().setHoldId(foreign.getId()).build()));
        StatusRuntimeException badCard = fails(Status.Code.INVALID_ARGUMENT, () -> user1.confirmHold(
                ConfirmHoldRequest.newBuilder().setHoldId(foreign.getId()).setPayment(Fixtures.card("4242 4242")
                        .toBuilder().setExpiryMonth(13).setCvc("12")).build()));

        assertThat(ended.getStatus().getDescription()).startsWith("hold " + released.getId() + " was released (")
                .endsWith("); nothing was charged. Hold the seats again");
        assertThat(notMine.getStatus().getDescription()).isEqualTo("no hold " + foreign.getId() + " of yours");
        assertThat(noCard.getStatus().getDescription()).isEqualTo("payment: is required (card number, expiry, cvc)");
        assertThat(fieldsOf(badCard)).containsExactly("payment.card_number", "payment.expiry_month", "payment.cvc");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- BookSeats

    @Test
    void book_seats_in_one_call_and_a_retry_with_the_same_key_books_nothing_new() {
        BookSeatsRequest request = BookSeatsRequest.newBuilder().setShowId(other.getId()).addSeatIds("C4")
                .addSeatIds("C5").setPayment(Fixtures.card(Fixtures.CARD_OK)).setIdempotencyKey("book-c4-c5").build();

        Booking booking = user2.bookSeats(request);
        Booking retried = user2.bookSeats(request);

        assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
        assertThat(retried.getId()).isEqualTo(booking.getId());
        assertThat(user2.listMyBookings(ListMyBookingsRequest.getDefaultInstance()).getBookingsList())
                .filteredOn(b -> b.getShowId().equals(other.getId()) && b.getSeatsList().stream()
                        .anyMatch(line -> line.getSeatId().equals("C4"))).hasSize(1);
    }

    @Test
    void book_seats_with_a_declined_card_holds_nothing() {
        StatusRuntimeException error = fails(Status.Code.FAILED_PRECONDITION, () -> user2.bookSeats(
                BookSeatsRequest.newBuilder().setShowId(other.getId()).addSeatIds("D9")
                        .setPayment(Fixtures.card(Fixtures.CARD_DECLINED)).build()));

        assertThat(error.getStatus().getDescription()).containsIgnoringCase("declined");
        assertThat(seat(other, "D9")).isEqualTo(SeatState.SEAT_STATE_FREE);
    }

    @Test
    void book_seats_whose_charge_fails_transiently_is_unavailable_and_leaves_no_hold_and_no_charge() {
        String before = NodeState.fingerprint();

        StatusRuntimeException error = fails(Status.Code.UNAVAILABLE, () -> user2.bookSeats(BookSeatsRequest
                .newBuilder().setShowId(other.getId()).addSeatIds("E10").addSeatIds("E11")
                .setPayment(Fixtures.card(Fixtures.CARD_TRANSIENT)).setIdempotencyKey("book-e10-transient").build()));

        assertThat(error.getStatus().getDescription()).contains("nothing was charged; retry with the same idempotency key");
        assertThat(seat(other, "E10")).isEqualTo(SeatState.SEAT_STATE_FREE);
        assertThat(seat(other, "E11")).isEqualTo(SeatState.SEAT_STATE_FREE);
        assertThat(user2.listMyHolds(ListMyHoldsRequest.getDefaultInstance()).getHoldsList())
                .noneMatch(hold -> hold.getShowId().equals(other.getId()));
        assertThat(NodeState.fingerprint()).as("nothing proposed: no hold, no payment").isEqualTo(before);
        // The retry with the same key and a card that works books the seats.
        Booking booking = user2.bookSeats(BookSeatsRequest.newBuilder().setShowId(other.getId()).addSeatIds("E10")
                .addSeatIds("E11").setPayment(Fixtures.card(Fixtures.CARD_OK)).setIdempotencyKey("book-e10-transient")
                .build());
        assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
    }

    @Test
    void a_card_whose_expiry_date_has_passed_is_declined_and_nothing_is_booked_or_held() {
        PaymentDetails expired = Fixtures.card(Fixtures.CARD_OK).toBuilder().setExpiryMonth(1).setExpiryYear(2020)
                .build();

        StatusRuntimeException book = fails(Status.Code.FAILED_PRECONDITION, () -> user2.bookSeats(BookSeatsRequest
                .newBuilder().setShowId(other.getId()).addSeatIds("F5").setPayment(expired).build()));
        Hold hold = user1.holdSeats(hold(other, "F6"));
        StatusRuntimeException confirm = fails(Status.Code.FAILED_PRECONDITION, () -> user1.confirmHold(
                ConfirmHoldRequest.newBuilder().setHoldId(hold.getId()).setPayment(expired).build()));

        assertThat(book.getStatus().getDescription()).containsIgnoringCase("expired");
        assertThat(confirm.getStatus().getDescription()).containsIgnoringCase("expired");
        assertThat(seat(other, "F5")).isEqualTo(SeatState.SEAT_STATE_FREE);
        assertThat(seat(other, "F6")).as("the hold stays; the customer may pay with another card")
                .isEqualTo(SeatState.SEAT_STATE_HELD);
        assertThat(user2.listMyBookings(ListMyBookingsRequest.getDefaultInstance()).getBookingsList())
                .noneMatch(booking -> booking.getShowId().equals(other.getId()) && booking.getSeatsList().stream()
                        .anyMatch(line -> line.getSeatId().equals("F5")));
    }

    @Test
    void book_seats_with_bad_input_or_taken_seats_fails_and_books_nothing() {
        String before = NodeState.fingerprint();
        fails(Status.Code.INVALID_ARGUMENT, () -> user2.bookSeats(BookSeatsRequest.newBuilder()
                .setShowId(other.getId()).addSeatIds("Z99").setPayment(Fixtures.card(Fixtures.CARD_OK)).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> user2.bookSeats(BookSeatsRequest.newBuilder()
                .setShowId(other.getId()).addSeatIds("D2").build()));
        assertThat(NodeState.fingerprint()).isEqualTo(before);

        StatusRuntimeException blocked = fails(Status.Code.FAILED_PRECONDITION, () -> user2.bookSeats(
                BookSeatsRequest.newBuilder().setShowId(other.getId()).addSeatIds("A12")
                        .setPayment(Fixtures.card(Fixtures.CARD_OK)).build()));
        assertThat(blocked.getStatus().getDescription()).isEqualTo("seat A12 (blocked) is not available; nothing was booked or charged");
    }

    // ---------------------------------------------------------------- bookings

    @Test
    void my_bookings_get_booking_with_audit_and_someone_elses_booking_is_not_found() {
        Booking booking = user1.bookSeats(BookSeatsRequest.newBuilder().setShowId(other.getId()).addSeatIds("E8")
                .setPayment(Fixtures.card(Fixtures.CARD_OK)).build());

        var mine = user1.listMyBookings(ListMyBookingsRequest.newBuilder().setPageSize(1).build());
        Booking detailed = user1.getBooking(GetBookingRequest.newBuilder().setBookingId(booking.getId()).build());
        StatusRuntimeException foreign = fails(Status.Code.NOT_FOUND, () -> user2.getBooking(
                GetBookingRequest.newBuilder().setBookingId(booking.getId()).build()));
        Booking asAdmin = GrpcClients.booking(GrpcClients.admin()).getBooking(GetBookingRequest.newBuilder()
                .setBookingId(booking.getId()).build());

        assertThat(mine.getBookingsList()).extracting(Booking::getId).containsExactly(booking.getId());
        assertThat(detailed.getAuditList()).isNotEmpty();
        // The refund cut-off is the server's (default: two hours before the show), in every view of the booking.
        long cutOff = other.getStartsAtMillis() - 2 * 3_600_000L;
        assertThat(List.of(booking, mine.getBookings(0), detailed)).extracting(Booking::getFullRefundUntilMillis)
                .containsOnly(cutOff);
        assertThat(foreign.getStatus().getDescription()).isEqualTo("no booking " + booking.getId() + " of yours");
        assertThat(asAdmin.getId()).isEqualTo(booking.getId());
        fails(Status.Code.NOT_FOUND, () -> user1.getBooking(GetBookingRequest.newBuilder().setBookingId("bkg_none")
                .build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> user1.getBooking(GetBookingRequest.getDefaultInstance()));
        fails(Status.Code.INVALID_ARGUMENT, () -> user1.listMyBookings(ListMyBookingsRequest.newBuilder()
                .setPageSize(501).build()));
        StatusRuntimeException badToken = fails(Status.Code.INVALID_ARGUMENT, () -> user1.listMyBookings(
                ListMyBookingsRequest.newBuilder().setPageToken("garbage").build()));
        assertThat(badToken.getStatus().getDescription()).isEqualTo("page_token is not one this server issued");
    }

    @Test
    void cancel_frees_the_seats_and_refunds_and_someone_else_cannot_cancel() {
        Booking booking = user1.bookSeats(BookSeatsRequest.newBuilder().setShowId(other.getId()).addSeatIds("F11")
                .setPayment(Fixtures.card(Fixtures.CARD_OK)).build());

        StatusRuntimeException foreign = fails(Status.Code.NOT_FOUND, () -> user2.cancelBooking(
                CancelBookingRequest.newBuilder().setBookingId(booking.getId()).build()));
        assertThat(foreign.getStatus().getDescription()).isEqualTo("no booking '" + booking.getId() + "'");
        assertThat(seat(other, "F11")).isEqualTo(SeatState.SEAT_STATE_BOOKED);
        fails(Status.Code.INVALID_ARGUMENT, () -> user1.cancelBooking(CancelBookingRequest.newBuilder()
                .setBookingId(booking.getId()).setReason("x".repeat(501)).build()));

        Booking cancelled = user1.cancelBooking(CancelBookingRequest.newBuilder().setBookingId(booking.getId())
                .setReason("cannot come").build());

        assertThat(cancelled.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
        assertThat(cancelled.getRefunded().getAmountMinor()).isEqualTo(booking.getAmount().getAmountMinor());
        assertThat(seat(other, "F11")).isEqualTo(SeatState.SEAT_STATE_FREE);
        fails(Status.Code.FAILED_PRECONDITION, () -> user1.cancelBooking(CancelBookingRequest.newBuilder()
                .setBookingId(booking.getId()).build()));
    }

    static List<String> fieldsOf(StatusRuntimeException error) {
        return detail(error, BadRequest.class).getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getField).toList();
    }

    static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException error, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        assertThat(status).as("google.rpc.Status details").isNotNull();
        for (com.google.protobuf.Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + status.getDetailsList());
    }
}
