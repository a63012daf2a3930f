package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ADMIN;
import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.PaymentStatus;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.RefundKind;
import io.boxoffice.proto.v1.UpdateShowRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CancelAndRefundTest {

    private static final long STARTS_AT = T0 + 72 * HOUR;

    private DomainFixture fixture;
    private String showId;
    private Booking booking;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture();
        showId = fixture.standardShow();
        booking = fixture.bookedOk(ALICE, showId, "D4", "D5");
    }

    @Test
    void when_cancelled_exactly_two_hours_before_the_show_then_the_refund_is_full() {
        fixture.nowMillis = STARTS_AT - 2 * HOUR;

        Booking cancelled = fixture.cancel(ALICE, booking.getId()).getBooking();

        assertThat(cancelled.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
        assertThat(cancelled.getRefunded()).isEqualTo(eur(2400));
        assertThat(cancelled.getPayment().getStatus()).isEqualTo(PaymentStatus.PAYMENT_STATUS_REFUNDED);
        assertThat(cancelled.getPayment().getRefunds(0).getKind()).isEqualTo(RefundKind.REFUND_KIND_CANCELLATION);
        assertThat(fixture.heldOk(BOB, showId, "D4", "D5").getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
        assertThat(fixture.machine.booking(booking.getId(), ALICE).orElseThrow().getAuditList())
                .extracting(e -> e.getKind()).containsExactly("PAYMENT_CAPTURED", "BOOKED", "REFUNDED", "CANCELLED");
        assertThat(fixture.machine.seatTrail(showId, "D4")).extracting(e -> e.getKind())
                .containsExactly("HELD", "BOOKED", "RELEASED", "HELD");
    }

    @Test
    void when_cancelled_one_millisecond_later_then_there_is_no_refund_but_the_seats_are_freed() {
        fixture.nowMillis = STARTS_AT - 2 * HOUR + 1;

        Booking cancelled = fixture.cancel(ALICE, booking.getId()).getBooking();

        assertThat(cancelled.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
        assertThat(cancelled.getRefunded()).isEqualTo(eur(0));
        assertThat(cancelled.getPayment().getStatus()).isEqualTo(PaymentStatus.PAYMENT_STATUS_CAPTURED);
        assertThat(cancelled.getStatusReason()).contains("less than 120 minutes before the show: no refund");
        assertThat(fixture.heldOk(BOB, showId, "D4").getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
    }

    @Test
    void when_the_show_has_started_then_the_booking_cannot_be_cancelled() {
        fixture.nowMillis = STARTS_AT;
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "the show started at 2026-01-04T00:00:00Z; the booking can no longer be cancelled", ALICE,
                c -> c.setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(booking.getId())));
    }

    @Test
    void when_someone_else_cancels_or_it_is_cancelled_twice_then_it_is_rejected() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND,
                "no booking '" + booking.getId() + "'", BOB,
                c -> c.setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(booking.getId())));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "booking_id is required",
                ALICE, c -> c.setCancelBooking(CancelBookingRequest.newBuilder()));
        fixture.cancel(ALICE, booking.getId());
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is already cancelled",
                ALICE, c -> c.setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(booking.getId())));
    }

    @Test
    void when_an_admin_refunds_a_late_cancellation_then_the_remainder_is_refunded() {
        fixture.nowMillis = STARTS_AT - HOUR;
        fixture.cancel(ALICE, booking.getId());

        Booking refunded = fixture.adminRefund(ADMIN, booking.getId(), null, "goodwill").getBooking();

        assertThat(refunded.getRefunded()).isEqualTo(eur(2400));
        assertThat(refunded.getPayment().getRefundsList()).singleElement()
                .satisfies(r -> assertThat(r.getKind()).isEqualTo(RefundKind.REFUND_KIND_ADMIN));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "is refunded in full already", ADMIN, c -> c.setAdminRefund(RefundBookingRequest.newBuilder()
                        .setBookingId(booking.getId()).setReason("again")));
    }

    @Test
    void when_an_admin_refunds_part_of_a_confirmed_booking_after_the_show_then_it_is_cancelled() {
        fixture.nowMillis = STARTS_AT + HOUR;

        Booking refunded = fixture.adminRefund(ADMIN, booking.getId(), eur(1000), "projector broke").getBooking();

        assertThat(refunded.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
        assertThat(refunded.getRefunded()).isEqualTo(eur(1000));
        assertThat(refunded.getPayment().getStatus()).isEqualTo(PaymentStatus.PAYMENT_STATUS_PARTIALLY_REFUNDED);
        assertThat(fixture.adminRefund(ADMIN, booking.getId(), eur(1400), "rest").getBooking().getRefunded())
                .isEqualTo(eur(2400));
    }

    @Test
    void when_an_admin_refund_is_malformed_or_not_by_an_admin_then_it_is_rejected_without_change() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "only admins may refund bookings", ALICE, c -> c.setAdminRefund(RefundBookingRequest.newBuilder()
                        .setBookingId(booking.getId()).setReason("mine")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "reason must be 1..500",
                ADMIN, c -> c.setAdminRefund(RefundBookingRequest.newBuilder().setBookingId(booking.getId())));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "refund must be 1..2400 minor units", ADMIN, c -> c.setAdminRefund(RefundBookingRequest.newBuilder()
                        .setBookingId(booking.getId()).setReason("x").setAmount(eur(2401))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "the booking was paid in EUR, not 'USD'", ADMIN, c -> c.setAdminRefund(RefundBookingRequest
                        .newBuilder().setBookingId(booking.getId()).setReason("x").setAmount(Moneys.of(5, "USD"))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no booking 'bkg_nope'", ADMIN,
                c -> c.setAdminRefund(RefundBookingRequest.newBuilder().setBookingId("bkg_nope").setReason("x")));
    }

    @Test
    void when_a_show_is_cancelled_then_holds_are_released_and_bookings_refunded_in_full() {
        fixture.nowMillis = STARTS_AT - HOUR;
        String holdId = fixture.heldOk(BOB, showId, "A1").getId();

        CommandResult result = fixture.run(ADMIN, c -> c.setUpdateShow(UpdateShowRequest.newBuilder()
                .setShowId(showId).setCancel(true)));

        assertThat(result.getShow().getStatus()).isEqualTo(io.boxoffice.proto.v1.ShowStatus.SHOW_STATUS_CANCELLED);
        Booking after = fixture.machine.booking(booking.getId(), ALICE).orElseThrow();
        assertThat(after.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
        assertThat(after.getRefunded()).isEqualTo(eur(2400));
        assertThat(after.getPayment().getRefunds(0).getKind()).isEqualTo(RefundKind.REFUND_KIND_SHOW_CANCELLED);
        assertThat(fixture.machine.hold(holdId, BOB, fixture.nowMillis).orElseThrow().getStatusReason())
                .isEqualTo("show cancelled");
        assertThat(fixture.machine.activeHoldsOfUser(BOB.getUserId(), fixture.nowMillis)).isEmpty();
    }
}
