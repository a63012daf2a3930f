package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.authorized;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static io.boxoffice.booking.domain.HoldSeatsTest.kinds;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ResultKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holds expire at the time the leader stamped into them, decided by the first command at or after it. */
class ExpiryTest {

    @TempDir
    Path directory;
    private DomainFixture fixture;
    private String showId;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture(directory);
        showId = fixture.standardShow();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void the_next_hold_expiry_is_the_earliest_active_one_and_disappears_once_no_hold_is_active() {
        assertThat(fixture.queries().nextHoldExpiryMillis()).isEmpty();
        HoldRecord first = fixture.heldOk(ALICE, showId, "A1");
        fixture.advance(1000);
        HoldRecord second = fixture.heldOk(BOB, showId, "A2");
        assertThat(fixture.queries().nextHoldExpiryMillis()).hasValue(first.getExpiresAtMillis());

        fixture.confirm(ALICE, first.getId(), authorized("pay_1", eur(1200)));
        assertThat(fixture.queries().nextHoldExpiryMillis()).hasValue(second.getExpiresAtMillis());

        fixture.nowMillis = second.getExpiresAtMillis();
        fixture.expireHolds();
        assertThat(fixture.queries().nextHoldExpiryMillis()).isEmpty();
    }

    @Test
    void when_a_command_arrives_one_millisecond_before_expiry_then_the_hold_is_still_valid() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis = hold.getExpiresAtMillis() - 1;
        DomainFixture.ok(fixture.confirm(ALICE, hold.getId(), authorized("pay_1", eur(1200))),
                ResultKind.RESULT_KIND_BOOKING);
    }

    @Test
    void when_any_command_arrives_at_the_expiry_time_then_the_hold_has_expired_and_its_seats_are_free() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis = hold.getExpiresAtMillis() - 1;
        assertThat(fixture.queries().seats(showId, "", fixture.nowMillis).orElseThrow().seat(0))
                .isEqualTo(StateQueries.SeatView.Seat.HELD);
        assertThat(fixture.queries().seats(showId, "", hold.getExpiresAtMillis()).orElseThrow().seat(0))
                .as("readers see the expiry before it is recorded").isEqualTo(StateQueries.SeatView.Seat.FREE);
        fixture.nowMillis = hold.getExpiresAtMillis();

        HoldRecord bobs = fixture.heldOk(BOB, showId, "A1");

        assertThat(bobs.getState()).isEqualTo(HoldState.HOLD_STATE_ACTIVE);
        assertThat(fixture.queries().hold(hold.getId()).orElseThrow().getState())
                .isEqualTo(HoldState.HOLD_STATE_EXPIRED);
        List<AuditEventRecord> trail = fixture.queries().holdTrail(hold.getId());
        AuditEventRecord event = trail.get(trail.size() - 1);
        assertThat(event.getKind()).isEqualTo(EventKind.EVENT_KIND_HOLD_EXPIRED);
        assertThat(event.getAtMillis()).isEqualTo(hold.getExpiresAtMillis());
        assertThat(event.getActorUserId()).isEqualTo(Actors.SYSTEM_USER_ID);
        assertThat(event.getLogIndex()).isEqualTo(fixture.index);
        assertThat(kinds(fixture.queries().seatTrail(showId, "A1"))).containsExactly(EventKind.EVENT_KIND_HELD,
                EventKind.EVENT_KIND_HOLD_EXPIRED, EventKind.EVENT_KIND_HELD);
    }

    @Test
    void when_the_leader_proposes_expire_holds_then_the_due_holds_expire_with_their_reason() {
        HoldRecord early = fixture.heldOk(ALICE, showId, "A1");
        fixture.advance(MINUTE);
        HoldRecord late = fixture.heldOk(BOB, showId, "A2");
        fixture.nowMillis = early.getExpiresAtMillis();

        CommandOutcome outcome = fixture.expireHolds();

        assertThat(outcome.holdsExpired()).isEqualTo(1);
        assertThat(fixture.queries().hold(early.getId()).orElseThrow().getStatusReason())
                .isEqualTo("expired: not confirmed before the hold's expiry");
        assertThat(fixture.queries().activeHoldsOfUser(BOB.getUserId())).extracting(HoldRecord::getId)
                .containsExactly(late.getId());
        assertThat(fixture.queries().statistics().holdsByState()).containsEntry(HoldState.HOLD_STATE_EXPIRED, 1L);
    }

    @Test
    void when_a_leader_with_a_slower_clock_proposes_then_time_does_not_go_backwards() {
        HoldRecord hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis = hold.getExpiresAtMillis();
        fixture.expireHolds();
        fixture.nowMillis = hold.getExpiresAtMillis() - 5 * MINUTE;

        DomainFixture.assertRejected(fixture.confirm(ALICE, hold.getId(), authorized("pay_1", eur(1200))),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "expired at");
        assertThat(fixture.queries().clockMillis()).isEqualTo(hold.getExpiresAtMillis());
    }
}
