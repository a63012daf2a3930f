package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static io.boxoffice.booking.domain.DomainFixture.best;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static io.boxoffice.booking.domain.DomainFixture.seats;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.Actor;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.ExtendHold;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ReleaseHold;
import io.boxoffice.proto.replicated.v1.SeatLineRecord;
import io.boxoffice.proto.replicated.v1.SeatSelection;
import io.boxoffice.proto.replicated.v1.UpdateShow;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldSeatsTest {

    @TempDir
    Path directory;
    private DomainFixture fixture;
    private String showId;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture(directory);
        showId = fixture.show(fixture.movie("Metropolis", 120), fixture.screen(DomainFixture.layout(10, 10, "J10")),
                T0 + 72 * HOUR).getId();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static List<EventKind> kinds(List<AuditEventRecord> trail) {
        return trail.stream().map(AuditEventRecord::getKind).toList();
    }

    static List<String> seatIds(HoldRecord hold) {
        return hold.getSeatsList().stream().map(SeatLineRecord::getSeatId).toList();
    }

    @Test
    void when_seats_are_free_then_they_are_held_with_the_default_expiry_and_price() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A5", "A6");

        assertThat(hold.getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
        assertThat(hold.getUserId()).isEqualTo(ALICE.getUserId());
        assertThat(seatIds(hold)).containsExactly("A5", "A6");
        assertThat(hold.getAmount()).isEqualTo(eur(2400));
        assertThat(hold.getExpiresAtMillis()).isEqualTo(fixture.nowMillis + 10 * MINUTE);
        assertThat(hold.getMaxExpiresAtMillis()).isEqualTo(fixture.nowMillis + 30 * MINUTE);
        StateQueries.SeatView seats = fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow();
        assertThat(seats.seat(4)).isEqualTo(StateQueries.SeatView.Seat.HELD);
        assertThat(seats.seat(99)).isEqualTo(StateQueries.SeatView.Seat.BLOCKED);
        assertThat(seats.freeCount()).isEqualTo(99 - 2);
        assertThat(kinds(fixture.queries().seatTrail(showId, "A5"))).containsExactly(EventKind.EVENT_KIND_HELD);
    }

    @Test
    void a_seat_map_marks_the_viewers_own_seats() {
        fixture.user("alice");
        String aliceId = fixture.queries().userByUsername("alice").orElseThrow().getId();
        org.assertj.core.api.Assertions.assertThat(aliceId).startsWith("usr_");
        io.boxoffice.proto.replicated.v1.Actor alice = Actors.user(aliceId);
        fixture.heldOk(alice, showId, "A5");

        assertThat(fixture.queries().seats(showId, aliceId, fixture.nowMillis).orElseThrow().mine(4)).isTrue();
        assertThat(fixture.queries().seats(showId, BOB.getUserId(), fixture.nowMillis).orElseThrow().mine(4))
                .isFalse();
    }

    @Test
    void when_a_seat_is_taken_then_the_whole_hold_fails_naming_the_taken_seats() {
        fixture.heldOk(BOB, showId, "A6");
        fixture.bookedOk(BOB, showId, "A8");

        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "seats A6 (held), A8 (booked) are not available", ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("A5", "A6", "A7", "A8"))));
        CommandOutcome outcome = fixture.hold(ALICE, showId, "A5", "A6", "A7", "A8");
        assertThat(outcome.rejection().getTakenSeatIdsList()).containsExactly("A6", "A8");
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().seat(4))
                .isEqualTo(StateQueries.SeatView.Seat.FREE);
    }

    @Test
    void when_a_seat_is_blocked_then_it_cannot_be_held() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "seat J10 (blocked) is not available", ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("J10"))));
    }

    @Test
    void when_the_request_is_malformed_then_it_is_rejected_as_invalid_without_change() {
        assertInvalid("give either seat_ids or best_available", showId, SeatSelection.getDefaultInstance());
        assertInvalid("give either seat_ids or best_available", showId, seats("A1").toBuilder()
                .setBestAvailableCount(1).build());
        assertInvalid("1..10 seats at a time, asked for 11", showId,
                seats("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "C1"));
        assertInvalid("1..10 seats at a time, asked for -1", showId, best(-1, ""));
        assertInvalid("seat id must be a row letter and a seat number like A5, was 'a5'", showId, seats("a5"));
        assertInvalid("seat K1 does not exist: rows are A..J and seats 1..10", showId, seats("K1"));
        assertInvalid("seat A11 does not exist", showId, seats("A11"));
        assertInvalid("seat A1 is listed twice", showId, seats("A1", "A1"));
        assertInvalid("has no category 'vip'; it has standard", showId, best(2, "vip"));
        assertInvalid("show_id is required", "", seats("A1"));
    }

    private void assertInvalid(String message, String show, SeatSelection selection) {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, message, ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(show).setSeats(selection)));
    }

    @Test
    void when_the_show_is_unknown_cancelled_or_started_then_nothing_is_held() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no show 'shw_nope'", ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId("shw_nope").setSeats(seats("A1"))));

        fixture.run(DomainFixture.ADMIN, c -> c.setUpdateShow(UpdateShow.newBuilder().setShowId(showId)
                .setCancel(true)));
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "is cancelled", ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("A1"))));

        String soonShowId = fixture.show(fixture.movie("Soon", 90), fixture.screen(DomainFixture.layout(2, 2)),
                T0 + 2 * HOUR).getId();
        fixture.nowMillis = T0 + 2 * HOUR;
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "started at 2026-01-01T02:00:00Z; it can no longer be booked", ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(soonShowId).setSeats(seats("A1"))));
    }

    @Test
    void when_the_user_has_too_many_active_holds_then_resource_exhausted() {
        for (int number = 1; number <= 5; number++) {
            fixture.heldOk(ALICE, showId, "C" + number);
        }
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_RESOURCE_EXHAUSTED,
                "you already have 5 active holds", ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("D1"))));
        assertThat(fixture.heldOk(BOB, showId, "D1").getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
    }

    @Test
    void when_no_user_is_named_then_permission_denied() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_PERMISSION_DENIED,
                "the command names no user", Actor.getDefaultInstance(),
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("A1"))));
    }

    @Test
    void when_the_leader_sends_no_new_id_then_invalid_argument() {
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "needs a new_id", ALICE,
                c -> c.setNewId("").setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("A1"))));
    }

    @Test
    void when_a_hold_is_extended_then_it_moves_forward_up_to_the_lifetime_cap() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.advance(8 * MINUTE);
        HoldRecord extended = fixture.extend(ALICE, hold.getId()).hold();
        assertThat(extended.getExpiresAtMillis()).isEqualTo(fixture.nowMillis + 10 * MINUTE);

        fixture.advance(9 * MINUTE);
        assertThat(fixture.extend(ALICE, hold.getId()).hold().getExpiresAtMillis())
                .isEqualTo(hold.getCreatedAtMillis() + 27 * MINUTE);
        fixture.advance(9 * MINUTE);
        assertThat(fixture.extend(ALICE, hold.getId()).hold().getExpiresAtMillis())
                .as("capped at creation + 30 min").isEqualTo(hold.getMaxExpiresAtMillis());

        fixture.advance(MINUTE);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "cannot be extended beyond", ALICE,
                c -> c.setExtendHold(ExtendHold.newBuilder().setHoldId(hold.getId())));
        assertThat(kinds(fixture.queries().holdTrail(hold.getId()))).containsExactly(EventKind.EVENT_KIND_HELD,
                EventKind.EVENT_KIND_EXTENDED, EventKind.EVENT_KIND_EXTENDED, EventKind.EVENT_KIND_EXTENDED);
    }

    @Test
    void when_a_hold_is_extended_by_someone_else_or_after_expiry_then_it_is_rejected() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold '" + hold.getId() + "'",
                BOB, c -> c.setExtendHold(ExtendHold.newBuilder().setHoldId(hold.getId())));
        fixture.advance(10 * MINUTE);
        DomainFixture.assertRejected(fixture.extend(ALICE, hold.getId()),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "expired at");
    }

    @Test
    void when_a_hold_is_released_then_its_seats_are_free_at_once() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1", "A2");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_NOT_FOUND, "no hold", BOB,
                c -> c.setReleaseHold(ReleaseHold.newBuilder().setHoldId(hold.getId())));

        HoldRecord released = fixture.release(ALICE, hold.getId()).hold();

        assertThat(released.getState()).isEqualTo(HoldState.HOLD_STATE_RELEASED);
        assertThat(released.getStatusReason()).isEqualTo("released by usr_alice");
        assertThat(fixture.heldOk(BOB, showId, "A1", "A2").getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
        assertThat(kinds(fixture.queries().seatTrail(showId, "A1"))).containsExactly(EventKind.EVENT_KIND_HELD,
                EventKind.EVENT_KIND_HOLD_RELEASED, EventKind.EVENT_KIND_HELD);
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "was released", ALICE,
                c -> c.setReleaseHold(ReleaseHold.newBuilder().setHoldId(hold.getId())));
    }

    @Test
    void when_the_show_starts_before_the_default_expiry_then_the_hold_ends_at_the_start() {
        fixture.nowMillis = T0 + 72 * HOUR - 4 * MINUTE;
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1");
        assertThat(hold.getExpiresAtMillis()).isEqualTo(T0 + 72 * HOUR);
        assertThat(hold.getMaxExpiresAtMillis()).isEqualTo(T0 + 72 * HOUR);
    }

    @Test
    void when_best_available_is_asked_then_adjacent_seats_in_the_middle_are_held() {
        assertThat(seatIds(fixture.holdBest(ALICE, showId, 4, "standard").hold()))
                .containsExactly("E4", "E5", "E6", "E7");
        assertThat(seatIds(fixture.holdBest(BOB, showId, 10, "").hold()))
                .containsExactly("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10");
    }

    @Test
    void when_no_row_has_enough_adjacent_free_seats_then_best_available_fails_without_change() {
        String narrowShow = fixture.show(fixture.movie("Short", 10), fixture.screen(DomainFixture.layout(1, 4)),
                T0 + 24 * HOUR).getId();
        fixture.heldOk(BOB, narrowShow, "A2");
        fixture.assertRejectedWithoutChange(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                "no 3 adjacent free seats in category 'standard' in one row of show " + narrowShow, ALICE,
                c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(narrowShow).setSeats(best(3, "standard"))));
        assertThat(seatIds(fixture.holdBest(ALICE, narrowShow, 2, "").hold())).containsExactly("A3", "A4");
    }
}
