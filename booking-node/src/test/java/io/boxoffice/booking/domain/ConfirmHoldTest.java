package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.captured;
import static io.boxoffice.booking.domain.DomainFixture.declined;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.ConfirmHold;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.booking.v1.PaymentOutcomeStatus;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.PaymentStatus;
import io.boxoffice.proto.v1.RefundKind;
import io.boxoffice.proto.v1.SeatState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfirmHoldTest {

    private DomainFixture fixture;
    private String showId;
    private Hold hold;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture();
        showId = fixture.standardShow();
        hold = fixture.heldOk(ALICE, showId, "B1", "B2");
    }

    @Test
    void when_the_payment_is_captured_then_the_seats_are_booked() {
        CommandResult result = fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400)));

        Booking booking = result.getBooking();
        assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
        assertThat(booking.getHoldId()).isEqualTo(hold.getId());
        assertThat(booking.getAmount()).isEqualTo(eur(2400));
        assertThat(booking.getPayment().getStatus()).isEqualTo(PaymentStatus.PAYMENT_STATUS_CAPTURED);
        assertThat(booking.getMovieTitle()).isEqualTo("Metropolis");
        assertThat(booking.getAuditList()).as("write results carry no audit trail").isEmpty();
        assertThat(fixture.machine.seatMap(showId, "", fixture.nowMillis).orElseThrow().getRows(1).getSeats(0)
                .getState()).isEqualTo(SeatState.SEAT_STATE_BOOKED);
        Booking read = fixture.machine.booking(booking.getId(), ALICE).orElseThrow();
        assertThat(read.getAuditList()).extracting(e -> e.getKind()).containsExactly("PAYMENT_CAPTURED", "BOOKED");
        assertThat(fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow().getStatus())
                .isEqualTo(HoldStatus.HOLD_STATUS_CONFIRMED);
        assertThat(fixture.machine.seatTrail(showId, "B1")).extracting(e -> e.getKind())
                .containsExactly("HELD", "BOOKED");
        assertThat(fixture.machine.booking(booking.getId(), BOB)).as("another user's booking").isEmpty();
        assertThat(fixture.machine.booking(booking.getId(), DomainFixture.ADMIN)).isPresent();
        assertThat(fixture.machine.bookingsOfUser(ALICE.getUserId(), 0, "").bookings())
                .extracting(Booking::getId).containsExactly(booking.getId());
    }

    @Test
    void when_the_same_payment_is_confirmed_again_then_the_same_booking_is_returned() {
        Booking first = fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400))).getBooking();
        String hash = fixture.machine.stateHash();

        CommandResult again = fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400)));

        assertThat(again.getBooking()).isEqualTo(first);
        assertThat(fixture.machine.stateHash()).isEqualTo(hash);
    }

    @Test
    void when_the_card_is_declined_then_the_hold_stays_active_and_the_attempt_is_recorded() {
        String key = fixture.machine.paymentKeyFor(hold.getId());
        assertThat(key).isEqualTo(hold.getId() + "#1");

        CommandResult result = fixture.confirm(ALICE, hold.getId(), declined("pay_d1", eur(2400)));

        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "payment declined (insufficient_funds): Your card has insufficient funds.; the hold is still active");
        Hold after = fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow();
        assertThat(after.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
        assertThat(after.getPaymentsList()).extracting(p -> p.getStatus())
                .containsExactly(PaymentStatus.PAYMENT_STATUS_DECLINED);
        assertThat(fixture.machine.paymentKeyFor(hold.getId())).isEqualTo(hold.getId() + "#2");
        assertThat(fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400))).hasBooking()).isTrue();
    }

    @Test
    void when_a_one_shot_booking_is_declined_then_the_seats_are_released() {
        CommandResult result = fixture.run(ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(hold.getId()).setPayment(declined("pay_d1", eur(2400))).setReleaseOnDecline(true)));

        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "; the seats were released");
        assertThat(fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow().getStatus())
                .isEqualTo(HoldStatus.HOLD_STATUS_RELEASED);
        assertThat(fixture.heldOk(BOB, showId, "B1").getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
    }

    @Test
    void when_the_processor_fails_transiently_then_unavailable_and_nothing_is_remembered() {
        PaymentOutcome transientFailure = PaymentOutcome.newBuilder()
                .setStatus(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE).build();
        String before = fixture.machine.stateHash();

        CommandResult result = fixture.run(ALICE, "retry-me", c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(hold.getId()).setPayment(transientFailure)));

        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_UNAVAILABLE, "retry");
        assertThat(fixture.machine.stateHash()).isEqualTo(before);
        assertThat(fixture.machine.rememberedResult(ALICE.getUserId(), "retry-me")).isEmpty();
        CommandResult retried = fixture.run(ALICE, "retry-me", c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(hold.getId()).setPayment(captured(hold.getId(), eur(2400)))));
        assertThat(retried.hasBooking()).isTrue();
    }

    @Test
    void when_the_payment_lands_after_the_hold_expired_then_it_is_refunded_automatically() {
        fixture.advance(10 * MINUTE);

        CommandResult result = fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400)));

        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "hold expired; payment refunded");
        assertThat(result.getRejection().getRefunded()).isEqualTo(eur(2400));
        assertThat(result.getRejection().getRefundedPaymentId()).isEqualTo("pay_" + hold.getId() + "_2400");
        Hold after = fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow();
        assertThat(after.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_EXPIRED);
        assertThat(after.getPaymentsList()).singleElement().satisfies(payment -> {
            assertThat(payment.getStatus()).isEqualTo(PaymentStatus.PAYMENT_STATUS_REFUNDED);
            assertThat(payment.getRefunded()).isEqualTo(eur(2400));
            assertThat(payment.getRefunds(0).getKind()).isEqualTo(RefundKind.REFUND_KIND_PAYMENT_NOT_APPLIED);
        });
        assertThat(fixture.machine.bookingsOfUser(ALICE.getUserId(), 0, "").bookings()).isEmpty();
        assertThat(fixture.machine.statistics().paymentsByStatus())
                .containsEntry(PaymentStatus.PAYMENT_STATUS_REFUNDED, 1L);
    }

    @Test
    void when_the_hold_was_released_then_a_captured_payment_is_refunded() {
        fixture.release(ALICE, hold.getId());
        DomainFixture.assertRejected(fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400))),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "was released (released by usr_alice); payment refunded");
    }

    @Test
    void when_the_hold_is_already_confirmed_then_a_second_payment_is_refunded() {
        fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400)));
        CommandResult second = fixture.confirm(ALICE, hold.getId(),
                captured(hold.getId(), eur(2400)).toBuilder().setPaymentId("pay_other").build());
        DomainFixture.assertRejected(second, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "is already confirmed as booking");
        assertThat(second.getRejection().getRefundedPaymentId()).isEqualTo("pay_other");
        assertThat(fixture.machine.bookingsOfUser(ALICE.getUserId(), 0, "").bookings()).hasSize(1);
    }

    @Test
    void when_the_amount_does_not_match_then_the_payment_is_refunded_and_nothing_is_booked() {
        CommandResult result = fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(100)));
        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "payment of 1.00 EUR does not match the hold's amount 24.00 EUR; payment refunded");
        assertThat(fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow().getStatus())
                .isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
    }

    @Test
    void when_someone_confirms_a_foreign_hold_then_not_found_and_their_payment_is_refunded() {
        CommandResult result = fixture.confirm(BOB, hold.getId(), captured(hold.getId(), eur(2400)));
        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_NOT_FOUND,
                "no hold '" + hold.getId() + "'; payment refunded");
        assertThat(fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow().getPaymentsList())
                .isEmpty();

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold 'hld_unknown'", BOB,
                c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId("hld_unknown")
                        .setPayment(declined("pay_x", eur(2400)))));
    }

    @Test
    void when_the_payment_outcome_is_malformed_then_invalid_argument_without_change() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "payment outcome is required", ALICE,
                c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(hold.getId())));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "payment id must be",
                ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(hold.getId())
                        .setPayment(captured(hold.getId(), eur(2400)).toBuilder().setPaymentId(""))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "payment amount must be positive", ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder()
                        .setHoldId(hold.getId()).setPayment(captured(hold.getId(), eur(0)))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "hold_id is required",
                ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder()
                        .setPayment(captured(hold.getId(), eur(2400)))));
    }

    @Test
    void when_a_payment_id_is_reused_for_another_hold_then_already_exists() {
        fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(2400)));
        Hold other = fixture.heldOk(ALICE, showId, "C1");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_ALREADY_EXISTS, "is already recorded",
                ALICE, c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(other.getId())
                        .setPayment(captured(hold.getId(), eur(2400)))));
    }
}
