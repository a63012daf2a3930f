package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.UpdateShowRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HoldSeatsTest {

    private DomainFixture fixture;
    private String showId;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture();
        showId = fixture.show(fixture.movie("Metropolis", 120), fixture.screen(DomainFixture.layout(10, 10, "J10")),
                T0 + 72 * HOUR).getId();
    }

    @Test
    void when_seats_are_free_then_they_are_held_with_the_default_expiry_and_price() {
        Hold hold = fixture.heldOk(ALICE, showId, "A5", "A6");

        assertThat(hold.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
        assertThat(hold.getUserId()).isEqualTo(ALICE.getUserId());
        assertThat(hold.getSeatsList()).extracting(s -> s.getSeatId()).containsExactly("A5", "A6");
        assertThat(hold.getAmount()).isEqualTo(eur(2400));
        assertThat(hold.getExpiresAtMillis()).isEqualTo(fixture.nowMillis + 10 * MINUTE);
        assertThat(hold.getMaxExpiresAtMillis()).isEqualTo(fixture.nowMillis + 30 * MINUTE);
        SeatMap map = fixture.machine.seatMap(showId, ALICE.getUserId(), fixture.nowMillis).orElseThrow();
        Seat a5 = map.getRows(0).getSeats(4);
        assertThat(a5.getState()).isEqualTo(SeatState.SEAT_STATE_HELD);
        assertThat(a5.getMine()).isTrue();
        assertThat(fixture.machine.seatMap(showId, BOB.getUserId(), fixture.nowMillis).orElseThrow()
                .getRows(0).getSeats(4).getMine()).isFalse();
        assertThat(map.getRows(9).getSeats(9).getState()).isEqualTo(SeatState.SEAT_STATE_BLOCKED);
        assertThat(map.getCategories(0).getSeatsFree()).isEqualTo(99 - 2);
        assertThat(fixture.machine.seatTrail(showId, "A5")).extracting(e -> e.getKind()).containsExactly("HELD");
    }

    @Test
    void when_a_seat_is_taken_then_the_whole_hold_fails_naming_the_taken_seats() {
        fixture.heldOk(BOB, showId, "A6");
        fixture.bookedOk(BOB, showId, "A8");

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "seats A6 (held), A8 (booked) are not available", ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                        .addAllSeatIds(List.of("A5", "A6", "A7", "A8"))));
        CommandResult result = fixture.hold(ALICE, showId, "A5", "A6", "A7", "A8");
        assertThat(result.getRejection().getTakenSeatIdsList()).containsExactly("A6", "A8");
        assertThat(fixture.machine.seatMap(showId, "", fixture.nowMillis).orElseThrow().getRows(0).getSeats(4)
                .getState()).isEqualTo(SeatState.SEAT_STATE_FREE);
    }

    @Test
    void when_a_seat_is_blocked_then_it_cannot_be_held() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "seat J10 (blocked) is not available", ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("J10")));
    }

    @Test
    void when_the_request_is_malformed_then_it_is_rejected_as_invalid_without_change() {
        assertInvalid("give either seat_ids or best_available", HoldSeatsRequest.newBuilder().setShowId(showId));
        assertInvalid("give either seat_ids or best_available", HoldSeatsRequest.newBuilder().setShowId(showId)
                .addSeatIds("A1").setBestAvailable(BestAvailable.newBuilder().setCount(1)));
        assertInvalid("a hold covers 1..10 seats, asked for 11", HoldSeatsRequest.newBuilder().setShowId(showId)
                .addAllSeatIds(List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "C1")));
        assertInvalid("a hold covers 1..10 seats, asked for 0", HoldSeatsRequest.newBuilder().setShowId(showId)
                .setBestAvailable(BestAvailable.newBuilder().setCount(0)));
        assertInvalid("seat id must be a row letter and a seat number like A5, was 'a5'",
                HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("a5"));
        assertInvalid("seat K1 does not exist: rows are A..J and seats 1..10",
                HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("K1"));
        assertInvalid("seat A11 does not exist", HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("A11"));
        assertInvalid("seat A1 is listed twice",
                HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("A1").addSeatIds("A1"));
        assertInvalid("has no category 'vip'; it has standard", HoldSeatsRequest.newBuilder().setShowId(showId)
                .setBestAvailable(BestAvailable.newBuilder().setCount(2).setCategory("vip")));
        assertInvalid("show_id is required", HoldSeatsRequest.newBuilder().addSeatIds("A1"));
    }

    private void assertInvalid(String message, HoldSeatsRequest.Builder request) {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, message, ALICE,
                c -> c.setHoldSeats(request));
    }

    @Test
    void when_the_show_is_unknown_cancelled_or_started_then_nothing_is_held() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no show 'shw_nope'", ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId("shw_nope").addSeatIds("A1")));

        fixture.run(DomainFixture.ADMIN, c -> c.setUpdateShow(UpdateShowRequest.newBuilder().setShowId(showId)
                .setCancel(true)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is cancelled", ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("A1")));

        String soonShowId = fixture.show(fixture.movie("Soon", 90), fixture.screen(DomainFixture.layout(2, 2)),
                T0 + 2 * HOUR).getId();
        fixture.nowMillis = T0 + 2 * HOUR;
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "started at 2026-01-01T02:00:00Z; it can no longer be booked", ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(soonShowId).addSeatIds("A1")));
    }

    @Test
    void when_the_user_has_too_many_active_holds_then_resource_exhausted() {
        for (int number = 1; number <= 5; number++) {
            fixture.heldOk(ALICE, showId, "C" + number);
        }
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_RESOURCE_EXHAUSTED,
                "you already have 5 active holds", ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("D1")));
        assertThat(fixture.heldOk(BOB, showId, "D1").getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
    }

    @Test
    void when_no_user_is_named_then_permission_denied() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "the command names no user", io.boxoffice.proto.booking.v1.Actor.getDefaultInstance(),
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("A1")));
    }

    @Test
    void when_the_leader_sends_no_new_id_then_invalid_argument() {
        String before = fixture.machine.stateHash();
        CommandResult result = fixture.run(ALICE, c -> c.setNewId("")
                .setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).addSeatIds("A1")));
        DomainFixture.assertRejected(result, RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "needs a new_id");
        assertThat(fixture.machine.stateHash()).isEqualTo(before);
    }

    @Test
    void when_a_hold_is_extended_then_it_moves_forward_up_to_the_lifetime_cap() {
        Hold hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.advance(8 * MINUTE);
        Hold extended = fixture.extend(ALICE, hold.getId()).getHold();
        assertThat(extended.getExpiresAtMillis()).isEqualTo(fixture.nowMillis + 10 * MINUTE);

        fixture.advance(9 * MINUTE);
        assertThat(fixture.extend(ALICE, hold.getId()).getHold().getExpiresAtMillis())
                .isEqualTo(hold.getCreatedAtMillis() + 27 * MINUTE);
        fixture.advance(9 * MINUTE);
        assertThat(fixture.extend(ALICE, hold.getId()).getHold().getExpiresAtMillis())
                .as("capped at creation + 30 min").isEqualTo(hold.getMaxExpiresAtMillis());

        fixture.advance(MINUTE);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "cannot be extended beyond", ALICE,
                c -> c.setExtendHold(io.boxoffice.proto.v1.ExtendHoldRequest.newBuilder().setHoldId(hold.getId())));
    }

    @Test
    void when_a_hold_is_extended_by_someone_else_or_after_expiry_then_it_is_rejected() {
        Hold hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold '" + hold.getId() + "'",
                BOB, c -> c.setExtendHold(io.boxoffice.proto.v1.ExtendHoldRequest.newBuilder().setHoldId(hold.getId())));
        fixture.advance(10 * MINUTE);
        DomainFixture.assertRejected(fixture.extend(ALICE, hold.getId()),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "hold expired");
    }

    @Test
    void when_a_hold_is_released_then_its_seats_are_free_at_once() {
        Hold hold = fixture.heldOk(ALICE, showId, "A1", "A2");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold", BOB,
                c -> c.setReleaseHold(io.boxoffice.proto.v1.ReleaseHoldRequest.newBuilder().setHoldId(hold.getId())));

        Hold released = fixture.release(ALICE, hold.getId()).getHold();

        assertThat(released.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_RELEASED);
        assertThat(released.getStatusReason()).isEqualTo("released by usr_alice");
        assertThat(fixture.heldOk(BOB, showId, "A1", "A2").getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
        assertThat(fixture.machine.seatTrail(showId, "A1")).extracting(e -> e.getKind())
                .containsExactly("HELD", "RELEASED", "HELD");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "was released", ALICE,
                c -> c.setReleaseHold(io.boxoffice.proto.v1.ReleaseHoldRequest.newBuilder().setHoldId(hold.getId())));
    }

    @Test
    void when_the_show_starts_before_the_default_expiry_then_the_hold_ends_at_the_start() {
        fixture.nowMillis = T0 + 72 * HOUR - 4 * MINUTE;
        Hold hold = fixture.heldOk(ALICE, showId, "A1");
        assertThat(hold.getExpiresAtMillis()).isEqualTo(T0 + 72 * HOUR);
        assertThat(hold.getMaxExpiresAtMillis()).isEqualTo(T0 + 72 * HOUR);
    }

    @Test
    void when_best_available_is_asked_then_adjacent_seats_in_the_middle_are_held() {
        CommandResult result = fixture.holdBest(ALICE, showId, 4, "standard");
        assertThat(result.getHold().getSeatsList()).extracting(s -> s.getSeatId())
                .containsExactly("E4", "E5", "E6", "E7");
        CommandResult wholeRow = fixture.holdBest(BOB, showId, 10, "");
        assertThat(wholeRow.getHold().getSeatsList()).extracting(s -> s.getSeatId())
                .containsExactly("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10");
    }

    @Test
    void when_no_row_has_enough_adjacent_free_seats_then_best_available_fails_without_change() {
        String narrowShow = fixture.show(fixture.movie("Short", 10), fixture.screen(DomainFixture.layout(1, 4)),
                T0 + 24 * HOUR).getId();
        fixture.heldOk(BOB, narrowShow, "A2");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "no 3 adjacent free seats in category 'standard' in one row of show " + narrowShow, ALICE,
                c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(narrowShow)
                        .setBestAvailable(BestAvailable.newBuilder().setCount(3).setCategory("standard"))));
        assertThat(fixture.holdBest(ALICE, narrowShow, 2, "").getHold().getSeatsList())
                .extracting(s -> s.getSeatId()).containsExactly("A3", "A4");
    }
}
