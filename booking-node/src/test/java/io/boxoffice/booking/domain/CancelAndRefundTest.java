package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ADMIN;
import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.assertRejected;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static io.boxoffice.booking.domain.HoldSeatsTest.kinds;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.AdminRefund;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import io.boxoffice.proto.replicated.v1.CancelBooking;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.PaymentState;
import io.boxoffice.proto.replicated.v1.RefundKind;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ShowState;
import io.boxoffice.proto.replicated.v1.UpdateShow;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancelAndRefundTest {

    private static final long STARTS_AT = T0 + 72 * HOUR;

    @TempDir
    Path directory;
    private DomainFixture fixture;
    private String showId;
    private BookingRecord booking;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture(directory);
        showId = fixture.standardShow();
        booking = fixture.bookedOk(ALICE, showId, "D4", "D5");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void when_cancelled_exactly_two_hours_before_the_show_then_the_refund_is_full() {
        fixture.nowMillis = STARTS_AT - 2 * HOUR;

        BookingRecord cancelled = fixture.cancel(ALICE, booking.getId()).booking();

        assertThat(cancelled.getState()).isEqualTo(BookingState.BOOKING_STATE_CANCELLED);
        assertThat(cancelled.getRefunded()).isEqualTo(eur(2400));
        assertThat(cancelled.getPayment().getState()).isEqualTo(PaymentState.PAYMENT_STATE_REFUNDED);
        assertThat(cancelled.getPayment().getRefunds(0).getKind()).isEqualTo(RefundKind.REFUND_KIND_CANCELLATION);
        assertThat(fixture.heldOk(BOB, showId, "D4", "D5").getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
        assertThat(kinds(fixture.queries().bookingTrail(booking.getId())))
                .containsExactly(EventKind.EVENT_KIND_BOOKED, EventKind.EVENT_KIND_REFUNDED, EventKind.EVENT_KIND_CANCELLED);
        assertThat(kinds(fixture.queries().seatTrail(showId, "D4"))).containsExactly(EventKind.EVENT_KIND_HELD,
                EventKind.EVENT_KIND_BOOKED, EventKind.EVENT_KIND_CANCELLED, EventKind.EVENT_KIND_HELD);
    }

    @Test
    void when_the_show_is_no_longer_cached_then_cancelling_frees_exactly_its_seats(@TempDir Path other) {
        try (DomainFixture oneShowCached = new DomainFixture(other, BookingLimits.defaults(), 1)) {
            String movie = oneShowCached.movie("Metropolis", 120);
            String screen = oneShowCached.screen(DomainFixture.layout(10, 10));
            String first = oneShowCached.show(movie, screen, STARTS_AT).getId();
            String second = oneShowCached.show(movie, screen, STARTS_AT + 3 * HOUR).getId();
            BookingRecord early = oneShowCached.bookedOk(ALICE, first, "D4", "D5");
            oneShowCached.bookedOk(BOB, first, "D6");
            oneShowCached.bookedOk(BOB, second, "A1"); // the first show's seat map leaves the cache

            oneShowCached.cancel(ALICE, early.getId());

            assertThat(oneShowCached.queries().seats(first, "usr_bob", oneShowCached.nowMillis).orElseThrow()
                    .freeCount()).isEqualTo(99);
            assertThat(oneShowCached.heldOk(BOB, first, "D4", "D5").getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
            assertRejected(oneShowCached.hold(ALICE, first, "D6"), RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "D6 (booked)");
        }
    }

    @Test
    void when_cancelled_one_millisecond_later_then_there_is_no_refund_but_the_seats_are_freed() {
        fixture.nowMillis = STARTS_AT - 2 * HOUR + 1;

        BookingRecord cancelled = fixture.cancel(ALICE, booking.getId()).booking();

        assertThat(cancelled.getState()).isEqualTo(BookingState.BOOKING_STATE_CANCELLED);
        assertThat(cancelled.getRefunded()).isEqualTo(eur(0));
        assertThat(cancelled.getPayment().getState()).isEqualTo(PaymentState.PAYMENT_STATE_CAPTURED);
        assertThat(cancelled.getStatusReason()).contains("less than 120 minutes before the show: no refund");
        assertThat(fixture.heldOk(BOB, showId, "D4").getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
    }

    @Test
    void when_the_show_has_started_then_the_booking_cannot_be_cancelled() {
        fixture.nowMillis = STARTS_AT;
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "the show started at 2026-01-04T00:00:00Z; the booking can no longer be cancelled", ALICE,
                c -> c.setCancelBooking(CancelBooking.newBuilder().setBookingId(booking.getId())));
    }

    @Test
    void when_someone_else_cancels_or_it_is_cancelled_twice_then_it_is_rejected() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND,
                "no booking '" + booking.getId() + "'", BOB,
                c -> c.setCancelBooking(CancelBooking.newBuilder().setBookingId(booking.getId())));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "booking_id is required",
                ALICE, c -> c.setCancelBooking(CancelBooking.newBuilder()));
        fixture.cancel(ALICE, booking.getId());
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is already cancelled",
                ALICE, c -> c.setCancelBooking(CancelBooking.newBuilder().setBookingId(booking.getId())));
    }

    @Test
    void when_an_admin_refunds_a_late_cancellation_then_the_remainder_is_refunded() {
        fixture.nowMillis = STARTS_AT - HOUR;
        fixture.cancel(ALICE, booking.getId());

        BookingRecord refunded = fixture.adminRefund(ADMIN, booking.getId(), null, "goodwill").booking();

        assertThat(refunded.getRefunded()).isEqualTo(eur(2400));
        assertThat(refunded.getPayment().getRefundsList()).singleElement()
                .satisfies(r -> assertThat(r.getKind()).isEqualTo(RefundKind.REFUND_KIND_ADMIN));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "is refunded in full already", ADMIN, c -> c.setAdminRefund(AdminRefund.newBuilder()
                        .setBookingId(booking.getId()).setReason("again")));
    }

    @Test
    void when_an_admin_refunds_part_of_a_confirmed_booking_after_the_show_then_it_is_cancelled() {
        fixture.nowMillis = STARTS_AT + HOUR;

        BookingRecord refunded = fixture.adminRefund(ADMIN, booking.getId(), eur(1000), "projector broke").booking();

        assertThat(refunded.getState()).isEqualTo(BookingState.BOOKING_STATE_CANCELLED);
        assertThat(refunded.getRefunded()).isEqualTo(eur(1000));
        assertThat(refunded.getPayment().getState()).isEqualTo(PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
        assertThat(fixture.adminRefund(ADMIN, booking.getId(), eur(1400), "rest").booking().getRefunded())
                .isEqualTo(eur(2400));
        assertThat(fixture.queries().statistics().refunds()).isEqualTo(2);
    }

    @Test
    void when_an_admin_refund_is_malformed_or_not_by_an_admin_then_it_is_rejected_without_change() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "only admins may refund bookings", ALICE, c -> c.setAdminRefund(AdminRefund.newBuilder()
                        .setBookingId(booking.getId()).setReason("mine")));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "reason must be 1..500",
                ADMIN, c -> c.setAdminRefund(AdminRefund.newBuilder().setBookingId(booking.getId())));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "refund must be 1..2400 minor units", ADMIN, c -> c.setAdminRefund(AdminRefund.newBuilder()
                        .setBookingId(booking.getId()).setReason("x").setAmount(eur(2401))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "the booking was paid in EUR, not 'USD'", ADMIN, c -> c.setAdminRefund(AdminRefund
                        .newBuilder().setBookingId(booking.getId()).setReason("x").setAmount(Moneys.of(5, "USD"))));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no booking 'bkg_nope'", ADMIN,
                c -> c.setAdminRefund(AdminRefund.newBuilder().setBookingId("bkg_nope").setReason("x")));
    }

    @Test
    void when_a_show_is_cancelled_then_holds_are_released_and_bookings_refunded_in_full() {
        fixture.nowMillis = STARTS_AT - HOUR;
        String holdId = fixture.heldOk(BOB, showId, "A1").getId();

        CommandOutcome outcome = fixture.run(ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder()
                .setShowId(showId).setCancel(true)));

        assertThat(outcome.show().getState()).isEqualTo(ShowState.SHOW_STATE_CANCELLED);
        BookingRecord after = fixture.queries().booking(booking.getId()).orElseThrow();
        assertThat(after.getState()).isEqualTo(BookingState.BOOKING_STATE_CANCELLED);
        assertThat(after.getRefunded()).isEqualTo(eur(2400));
        assertThat(after.getPayment().getRefunds(0).getKind()).isEqualTo(RefundKind.REFUND_KIND_SHOW_CANCELLED);
        assertThat(fixture.queries().hold(holdId).orElseThrow().getStatusReason()).isEqualTo("show cancelled");
        assertThat(fixture.queries().activeHoldsOfUser(BOB.getUserId())).isEmpty();
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().freeCount()).isEqualTo(100);
    }
}
