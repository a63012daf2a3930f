package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.captured;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.AuditEvent;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.SeatState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryAndSnapshotTest {

    @Test
    void the_next_hold_expiry_is_the_earliest_active_one_and_disappears_once_no_hold_is_active() {
        DomainFixture fixture = new DomainFixture();
        String showId = fixture.standardShow();
        assertThat(fixture.machine.nextHoldExpiryMillis()).isEmpty();
        Hold first = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis += 1000;
        Hold second = fixture.heldOk(BOB, showId, "A2");
        assertThat(fixture.machine.nextHoldExpiryMillis()).hasValue(first.getExpiresAtMillis());

        fixture.confirm(ALICE, first.getId(), captured(first.getId(), eur(1200)));
        assertThat(fixture.machine.nextHoldExpiryMillis()).hasValue(second.getExpiresAtMillis());

        fixture.nowMillis = second.getExpiresAtMillis();
        fixture.heldOk(ALICE, showId, "A9"); // any command at the expiry time records it
        fixture.nowMillis += 1;
        // Only the hold on A9 is active now: the expired one left the index when its expiry was recorded.
        assertThat(fixture.machine.nextHoldExpiryMillis()).isPresent();
        assertThat(fixture.machine.nextHoldExpiryMillis().getAsLong()).isGreaterThan(second.getExpiresAtMillis());
    }

    @Test
    void when_a_command_arrives_one_millisecond_before_expiry_then_the_hold_is_still_valid() {
        DomainFixture fixture = new DomainFixture();
        String showId = fixture.standardShow();
        Hold hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis = hold.getExpiresAtMillis() - 1;

        assertThat(fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(1200))).hasBooking()).isTrue();
    }

    @Test
    void when_any_command_arrives_at_the_expiry_time_then_the_hold_has_expired_and_its_seats_are_free() {
        DomainFixture fixture = new DomainFixture();
        String showId = fixture.standardShow();
        Hold hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis = hold.getExpiresAtMillis() - 1;
        assertThat(fixture.machine.seatMap(showId, "", fixture.nowMillis).orElseThrow().getRows(0).getSeats(0)
                .getState()).isEqualTo(SeatState.SEAT_STATE_HELD);
        assertThat(fixture.machine.seatMap(showId, "", hold.getExpiresAtMillis()).orElseThrow().getRows(0)
                .getSeats(0).getState()).as("readers see the expiry before it is recorded")
                .isEqualTo(SeatState.SEAT_STATE_FREE);
        fixture.nowMillis = hold.getExpiresAtMillis();

        Hold bobs = fixture.heldOk(BOB, showId, "A1");

        assertThat(bobs.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_ACTIVE);
        Hold expired = fixture.machine.hold(hold.getId(), ALICE, fixture.nowMillis).orElseThrow();
        assertThat(expired.getStatus()).isEqualTo(HoldStatus.HOLD_STATUS_EXPIRED);
        AuditEvent event = expired.getAudit(expired.getAuditCount() - 1);
        assertThat(event.getKind()).isEqualTo("EXPIRED");
        assertThat(event.getAtMillis()).isEqualTo(hold.getExpiresAtMillis());
        assertThat(event.getLogIndex()).isEqualTo(fixture.index);
        assertThat(fixture.machine.seatTrail(showId, "A1")).extracting(AuditEvent::getKind)
                .containsExactly("HELD", "EXPIRED", "HELD");
    }

    @Test
    void when_the_leader_proposes_expire_holds_then_the_due_holds_are_reported_with_their_reason() {
        DomainFixture fixture = new DomainFixture();
        String showId = fixture.standardShow();
        Hold early = fixture.heldOk(ALICE, showId, "A1");
        fixture.advance(MINUTE);
        Hold late = fixture.heldOk(BOB, showId, "A2");
        fixture.nowMillis = early.getExpiresAtMillis();

        CommandResult result = fixture.expireHolds();

        assertThat(result.getExpiredHolds().getHoldIdsList()).containsExactly(early.getId());
        assertThat(fixture.machine.hold(early.getId(), ALICE, fixture.nowMillis).orElseThrow().getStatusReason())
                .isEqualTo("expired: not confirmed before the hold's expiry");
        assertThat(fixture.machine.activeHoldsOfUser(BOB.getUserId(), fixture.nowMillis)).extracting(Hold::getId)
                .containsExactly(late.getId());
        assertThat(fixture.machine.statistics().holdsByStatus()).containsEntry(HoldStatus.HOLD_STATUS_EXPIRED, 1L);
    }

    @Test
    void when_a_leader_with_a_slower_clock_proposes_then_time_does_not_go_backwards() {
        DomainFixture fixture = new DomainFixture();
        String showId = fixture.standardShow();
        Hold hold = fixture.heldOk(ALICE, showId, "A1");
        fixture.nowMillis = hold.getExpiresAtMillis();
        fixture.expireHolds();
        fixture.nowMillis = hold.getExpiresAtMillis() - 5 * MINUTE;

        DomainFixture.assertRejected(fixture.confirm(ALICE, hold.getId(), captured(hold.getId(), eur(1200))),
                RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "hold expired; payment refunded");
        assertThat(fixture.machine.clockMillis()).isEqualTo(hold.getExpiresAtMillis());
    }

    @Test
    void when_two_replicas_apply_the_same_commands_then_their_states_are_identical() {
        List<Command> log = new ArrayList<>();
        DomainFixture leader = new DomainFixture() {
            @Override
            CommandResult apply(Command command) {
                log.add(command);
                return super.apply(command);
            }
        };
        scenario(leader);

        BookingStateMachine replica = new BookingStateMachine();
        for (int index = 0; index < log.size(); index++) {
            replica.apply(index + 1, log.get(index).toByteArray());
        }
        assertThat(replica.stateHash()).isEqualTo(leader.machine.stateHash());
        assertThat(replica.snapshot()).isEqualTo(leader.machine.snapshot());
    }

    @Test
    void when_a_snapshot_is_restored_then_the_hash_and_all_later_behaviour_are_identical() {
        DomainFixture original = new DomainFixture();
        scenario(original);
        BookingStateMachine restored = new BookingStateMachine();
        restored.restore(original.machine.snapshot());
        assertThat(restored.stateHash()).isEqualTo(original.machine.stateHash());

        List<Command> later = List.of(
                command(original, ALICE, "A9"), command(original, BOB, "A9"), command(original, BOB, "J1", "J2"));
        for (Command command : later) {
            original.index++;
            CommandResult expected = original.machine.applyCommand(original.index, command);
            assertThat(restored.applyCommand(original.index, command)).isEqualTo(expected);
            assertThat(restored.stateHash()).isEqualTo(original.machine.stateHash());
        }
        assertThat(restored.seatMap(later.get(0).getHoldSeats().getShowId(), "", original.nowMillis))
                .isEqualTo(original.machine.seatMap(later.get(0).getHoldSeats().getShowId(), "", original.nowMillis));
    }

    @Test
    void when_a_snapshot_is_corrupt_or_of_another_version_then_restore_fails_loudly() {
        BookingStateMachine machine = new BookingStateMachine();
        assertThatThrownBy(() -> machine.restore(new byte[] {(byte) 0xff, 0x01}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("corrupt");
        byte[] otherVersion = io.boxoffice.proto.booking.v1.BookingState.newBuilder().setFormatVersion(99).build()
                .toByteArray();
        assertThatThrownBy(() -> machine.restore(otherVersion)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format version 99");
    }

    @Test
    void when_the_command_bytes_are_malformed_then_every_replica_answers_invalid_argument() throws Exception {
        BookingStateMachine machine = new BookingStateMachine();
        String before = machine.stateHash();
        CommandResult result = CommandResult.parseFrom(machine.apply(1, new byte[] {(byte) 0xff, (byte) 0xff}));
        assertThat(result.getRejection().getCode()).isEqualTo(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT);
        assertThat(result.getRejection().getMessage()).startsWith("malformed command");
        CommandResult noTime = CommandResult.parseFrom(machine.apply(2, Command.newBuilder()
                .setActor(ALICE).setNewId("x").setExpireHolds(io.boxoffice.proto.booking.v1.ExpireHolds
                        .getDefaultInstance()).build().toByteArray()));
        assertThat(noTime.getRejection().getMessage()).contains("no time");
        assertThat(machine.stateHash()).isEqualTo(before);
    }

    private static Command command(DomainFixture fixture, io.boxoffice.proto.booking.v1.Actor actor,
            String... seats) {
        String showId = fixture.machine.shows(java.util.Optional.empty(), java.util.OptionalLong.empty(),
                fixture.nowMillis).get(0).getId();
        return Command.newBuilder().setNowMillis(fixture.nowMillis).setActor(actor)
                .setNewId("later" + seats[0] + actor.getUserId())
                .setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).addAllSeatIds(List.of(seats))).build();
    }

    /** Holds, bookings, a decline, an expiry, a cancellation and a keyed retry. */
    private static void scenario(DomainFixture fixture) {
        String showId = fixture.standardShow();
        Hold first = fixture.heldOk(ALICE, showId, "A1", "A2");
        fixture.confirm(ALICE, first.getId(), DomainFixture.declined("pay_d", eur(2400)));
        fixture.advance(MINUTE);
        fixture.bookedOk(BOB, showId, "B1");
        fixture.heldOk(BOB, showId, "C1");
        fixture.advance(11 * MINUTE);
        fixture.expireHolds();
        String bookingId = fixture.bookedOk(ALICE, showId, "A1").getId();
        fixture.cancel(ALICE, bookingId);
        fixture.run(ALICE, "key", c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                .addSeatIds("D1")));
        fixture.holdBest(BOB, showId, 3, "");
    }
}
