package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.authorized;
import static io.boxoffice.booking.domain.DomainFixture.best;
import static io.boxoffice.booking.domain.DomainFixture.declined;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static io.boxoffice.booking.domain.DomainFixture.seats;
import static io.boxoffice.booking.domain.HoldSeatsTest.kinds;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.PaymentState;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.SeatLineRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paying in one command: ConfirmHold books an active hold with an authorization, BookSeats books free seats
 * with one; the command captures (what the seats cost) or voids the authorization, never both, and records
 * every authorization it sees.
 */
class CheckoutTest {

    @TempDir
    Path directory;
    private DomainFixture fixture;
    private String showId;
    private HoldRecord hold;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture(directory);
        showId = fixture.show(fixture.movie("Metropolis", 120), fixture.screen(DomainFixture.twoCategoryLayout(10, 10)),
                T0 + 72 * HOUR).getId();
        hold = fixture.heldOk(ALICE, showId, "B1", "B2");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    // ---------------------------------------------------------------- ConfirmHold

    @Test
    void when_the_authorization_covers_the_hold_then_the_seats_are_booked_and_it_is_captured() {
        CommandOutcome outcome = fixture.confirm(ALICE, hold.getId(), authorized("pay_1", eur(2400)));

        BookingRecord booking = DomainFixture.ok(outcome, ResultKind.RESULT_KIND_BOOKING).booking();
        assertThat(booking.getState()).isEqualTo(BookingState.BOOKING_STATE_CONFIRMED);
        assertThat(booking.getHoldId()).isEqualTo(hold.getId());
        assertThat(booking.getAmount()).isEqualTo(eur(2400));
        assertThat(booking.getPayment().getState()).isEqualTo(PaymentState.PAYMENT_STATE_CAPTURED);
        assertThat(booking.getPayment().getId()).isEqualTo("pay_1");
        assertThat(outcome.labels().movieTitle()).isEqualTo("Metropolis");
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().seat(10))
                .isEqualTo(StateQueries.SeatView.Seat.BOOKED);
        assertThat(kinds(fixture.queries().bookingTrail(booking.getId()))).containsExactly(EventKind.EVENT_KIND_BOOKED);
        assertThat(fixture.queries().hold(hold.getId()).orElseThrow().getState())
                .isEqualTo(HoldState.HOLD_STATE_CONFIRMED);
        assertThat(kinds(fixture.queries().seatTrail(showId, "B1")))
                .containsExactly(EventKind.EVENT_KIND_HELD, EventKind.EVENT_KIND_BOOKED);
        assertThat(fixture.queries().bookingsOfUser(ALICE.getUserId(), 0, "").bookings())
                .extracting(BookingRecord::getId).containsExactly(booking.getId());
        assertThat(fixture.queries().statistics().paymentsByState()).containsEntry(PaymentState.PAYMENT_STATE_CAPTURED, 1L);
    }

    @Test
    void when_an_authorization_is_proposed_again_then_already_exists_and_nothing_changes() {
        fixture.confirm(ALICE, hold.getId(), authorized("pay_1", eur(2400)));
        HoldRecord other = fixture.heldOk(ALICE, showId, "C1");

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_ALREADY_EXISTS, "is already recorded",
                ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(other.getId())
                        .setAuthorization(authorized("pay_1", eur(1200)))));
    }

    @Test
    void when_the_card_is_declined_then_the_hold_stays_active_and_the_attempt_is_recorded() {
        CommandOutcome outcome = fixture.confirm(ALICE, hold.getId(), declined("pay_d1", eur(2400)));

        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "payment declined (insufficient_funds): Your card has insufficient funds.; the hold is still active");
        HoldRecord after = fixture.queries().hold(hold.getId()).orElseThrow();
        assertThat(after.getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
        assertThat(after.getPaymentsList()).extracting(p -> p.getState())
                .containsExactly(PaymentState.PAYMENT_STATE_DECLINED);
        assertThat(DomainFixture.ok(fixture.confirm(ALICE, hold.getId(), authorized("pay_2", eur(2400))),
                ResultKind.RESULT_KIND_BOOKING).booking().getPayment().getId()).isEqualTo("pay_2");
    }

    @Test
    void when_the_authorization_arrives_after_the_hold_expired_then_it_is_voided_and_nothing_is_charged() {
        fixture.advance(10 * MINUTE);

        CommandOutcome outcome = fixture.confirm(ALICE, hold.getId(), authorized("pay_late", eur(2400)));

        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "expired at");
        assertThat(outcome.rejection().getMessage()).endsWith("; nothing was charged");
        assertThat(outcome.rejection().getVoidedPaymentId()).isEqualTo("pay_late");
        HoldRecord after = fixture.queries().hold(hold.getId()).orElseThrow();
        assertThat(after.getState()).isEqualTo(HoldState.HOLD_STATE_EXPIRED);
        assertThat(after.getPaymentsList()).singleElement()
                .satisfies(payment -> assertThat(payment.getState()).isEqualTo(PaymentState.PAYMENT_STATE_VOIDED));
        assertThat(kinds(fixture.queries().holdTrail(hold.getId()))).containsExactly(EventKind.EVENT_KIND_HELD,
                EventKind.EVENT_KIND_HOLD_EXPIRED, EventKind.EVENT_KIND_PAYMENT_VOIDED);
        assertThat(fixture.queries().bookingsOfUser(ALICE.getUserId(), 0, "").bookings()).isEmpty();
    }

    @Test
    void when_the_hold_was_released_or_confirmed_already_then_a_new_authorization_is_voided() {
        fixture.confirm(ALICE, hold.getId(), authorized("pay_1", eur(2400)));
        CommandOutcome second = fixture.confirm(ALICE, hold.getId(), authorized("pay_other", eur(2400)));
        DomainFixture.assertRejected(second, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "is already confirmed as booking");
        assertThat(second.rejection().getVoidedPaymentId()).isEqualTo("pay_other");
        assertThat(fixture.queries().bookingsOfUser(ALICE.getUserId(), 0, "").bookings()).hasSize(1);

        HoldRecord released = fixture.heldOk(ALICE, showId, "C1");
        fixture.release(ALICE, released.getId());
        DomainFixture.assertRejected(fixture.confirm(ALICE, released.getId(), authorized("pay_r", eur(1200))),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "was released (released by usr_alice)");
    }

    @Test
    void when_the_authorization_does_not_cover_the_hold_then_it_is_voided_and_nothing_is_booked() {
        CommandOutcome outcome = fixture.confirm(ALICE, hold.getId(), authorized("pay_small", eur(100)));
        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "the hold costs 24.00 EUR but 1.00 EUR was authorized");
        assertThat(fixture.queries().hold(hold.getId()).orElseThrow().getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
    }

    @Test
    void when_someone_confirms_a_foreign_hold_then_not_found_and_the_authorization_is_voided() {
        CommandOutcome outcome = fixture.confirm(BOB, hold.getId(), authorized("pay_bob", eur(2400)));
        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold '" + hold.getId() + "'");
        assertThat(outcome.rejection().getVoidedPaymentId()).isEqualTo("pay_bob");
        assertThat(fixture.queries().hold(hold.getId()).orElseThrow().getPaymentsList()).isEmpty();

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold 'hld_unknown'", BOB,
                c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId("hld_unknown")
                        .setAuthorization(declined("pay_x", eur(2400)))));
    }

    @Test
    void when_the_authorization_is_malformed_then_invalid_argument_without_change() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "an authorization is required", ALICE,
                c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(hold.getId())));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "payment id must be",
                ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(hold.getId())
                        .setAuthorization(authorized("", eur(2400)))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "the authorized amount must be positive", ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder()
                        .setHoldId(hold.getId()).setAuthorization(authorized("pay_0", eur(0)))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "hold_id is required",
                ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder().setAuthorization(authorized("pay_1", eur(2400)))));
    }

    // ---------------------------------------------------------------- BookSeats

    @Test
    void when_free_seats_are_booked_in_one_command_then_no_hold_is_made_and_the_price_is_captured() {
        CommandOutcome outcome = fixture.book(BOB, showId, seats("C1", "C2"), authorized("pay_b", eur(2400)));

        BookingRecord booking = DomainFixture.ok(outcome, ResultKind.RESULT_KIND_BOOKING).booking();
        assertThat(booking.getHoldId()).isEmpty();
        assertThat(booking.getSeatsList()).extracting(SeatLineRecord::getSeatId).containsExactly("C1", "C2");
        assertThat(booking.getPayment().getState()).isEqualTo(PaymentState.PAYMENT_STATE_CAPTURED);
        assertThat(kinds(fixture.queries().seatTrail(showId, "C1"))).containsExactly(EventKind.EVENT_KIND_BOOKED);
        assertThat(fixture.queries().statistics().holdsByState().values().stream().mapToLong(Long::longValue).sum())
                .as("only the setUp hold exists").isEqualTo(1);
    }

    @Test
    void when_a_seat_is_taken_then_nothing_is_booked_the_taken_seats_are_named_and_the_authorization_voided() {
        fixture.book(BOB, showId, seats("C2"), authorized("pay_first", eur(1200)));

        CommandOutcome outcome = fixture.book(ALICE, showId, seats("B2", "C1", "C2"), authorized("pay_x", eur(3600)));

        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "seats B2 (held), C2 (booked) are not available");
        assertThat(outcome.rejection().getTakenSeatIdsList()).containsExactly("B2", "C2");
        assertThat(outcome.rejection().getVoidedPaymentId()).isEqualTo("pay_x");
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().seat(20))
                .as("C1 stays free").isEqualTo(StateQueries.SeatView.Seat.FREE);
        assertThat(fixture.queries().statistics().paymentsByState()).containsEntry(PaymentState.PAYMENT_STATE_VOIDED, 1L);
    }

    @Test
    void when_the_card_is_declined_then_nothing_is_booked_or_held() {
        CommandOutcome outcome = fixture.book(ALICE, showId, seats("D1"), declined("pay_d", eur(1200)));

        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "payment declined (insufficient_funds)");
        assertThat(outcome.rejection().getMessage()).endsWith("; nothing was booked");
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().seat(30))
                .isEqualTo(StateQueries.SeatView.Seat.FREE);
        assertThat(DomainFixture.ok(fixture.book(BOB, showId, seats("D1"), authorized("pay_d2", eur(1200))),
                ResultKind.RESULT_KIND_BOOKING).booking().getUserId()).isEqualTo(BOB.getUserId());
    }

    @Test
    void best_available_captures_what_the_chosen_seats_cost_out_of_a_larger_authorization() {
        // Authorized for the dearest category (16.00 each); the standard rows are picked at 12.00 each.
        CommandOutcome outcome = fixture.book(BOB, showId, best(3, "standard"), authorized("pay_best", eur(4800)));

        BookingRecord booking = DomainFixture.ok(outcome, ResultKind.RESULT_KIND_BOOKING).booking();
        assertThat(booking.getAmount()).isEqualTo(eur(3600));
        assertThat(booking.getPayment().getAmount()).as("captured").isEqualTo(eur(3600));
        assertThat(booking.getPayment().getAuthorized()).isEqualTo(eur(4800));
    }

    @Test
    void when_prices_rose_above_the_authorization_then_nothing_is_booked_and_it_is_voided() {
        CommandOutcome outcome = fixture.book(BOB, showId, seats("J1"), authorized("pay_low", eur(1200)));
        DomainFixture.assertRejected(outcome, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "the seats cost 16.00 EUR but only 12.00 EUR was authorized");
        assertThat(outcome.rejection().getVoidedPaymentId()).isEqualTo("pay_low");
    }

    @Test
    void when_the_show_is_gone_or_the_selection_malformed_then_the_authorization_is_voided() {
        CommandOutcome unknown = fixture.book(BOB, "shw_nope", seats("A1"), authorized("pay_u", eur(1200)));
        DomainFixture.assertRejected(unknown, RejectionCode.REJECTION_CODE_NOT_FOUND, "no show 'shw_nope'");
        assertThat(unknown.rejection().getVoidedPaymentId()).isEqualTo("pay_u");

        CommandOutcome malformed = fixture.book(BOB, showId, seats("Z99"), authorized("pay_m", eur(1200)));
        DomainFixture.assertRejected(malformed, RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "Z99");
        assertThat(malformed.rejection().getVoidedPaymentId()).isEqualTo("pay_m");
    }

    @Test
    void when_a_booking_is_made_at_the_moment_a_hold_on_its_seats_expires_then_the_seats_are_free() {
        fixture.nowMillis = hold.getExpiresAtMillis();
        CommandOutcome outcome = fixture.book(BOB, showId, seats("B1"), authorized("pay_now", eur(1200)));
        DomainFixture.ok(outcome, ResultKind.RESULT_KIND_BOOKING);
        assertThat(outcome.holdsExpired()).isEqualTo(1);
    }

    @Test
    void an_authorization_without_a_user_books_nothing() {
        Authorization authorization = authorized("pay_anon", eur(1200));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED, "names no user",
                io.boxoffice.proto.replicated.v1.Actor.getDefaultInstance(), c -> c.setBookSeats(BookSeats.newBuilder()
                        .setShowId(showId).setSeats(seats("A1")).setAuthorization(authorization)));
    }
}
