package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.authorized;
import static io.boxoffice.booking.domain.DomainFixture.declined;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static io.boxoffice.booking.domain.DomainFixture.seats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.domain.store.StoreTuning;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import io.boxoffice.proto.replicated.v1.ExpireHolds;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.raft.server.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism and durability: replicas fed the same log are identical, a snapshot restores the exact state
 * (and everything after behaves the same), a restarted node finds its state on disk and needs only the log
 * after it, and damaged input fails loudly instead of installing half a state.
 */
class StatePersistenceTest {

    @TempDir
    Path directory;

    /** Keeps every entry the fixture applies, to feed another replica. */
    static final class Recording extends DomainFixture {
        final List<byte[]> log = new ArrayList<>();

        Recording(Path directory) {
            super(directory);
        }

        @Override
        List<CommandOutcome> applyEntry(byte[] entry) {
            log.add(entry);
            return super.applyEntry(entry);
        }
    }

    /** Holds, bookings, a decline, an expiry, a cancellation, a one-step booking and a keyed retry. */
    static String scenario(DomainFixture fixture) {
        String showId = fixture.standardShow();
        HoldRecord first = fixture.heldOk(ALICE, showId, "A1", "A2");
        fixture.confirm(ALICE, first.getId(), declined("pay_d", eur(2400)));
        fixture.advance(MINUTE);
        fixture.bookedOk(BOB, showId, "B1");
        fixture.heldOk(BOB, showId, "C1");
        fixture.advance(11 * MINUTE);
        fixture.expireHolds();
        String bookingId = fixture.bookedOk(ALICE, showId, "A1").getId();
        fixture.cancel(ALICE, bookingId);
        fixture.book(BOB, showId, seats("E5", "E6"), authorized("pay_e", eur(2400)));
        fixture.run(ALICE, "key", c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("D1"))));
        fixture.run(ALICE, "key", c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("D1"))));
        fixture.holdBest(BOB, showId, 3, "");
        return showId;
    }

    @Test
    void when_two_replicas_apply_the_same_log_then_their_states_are_identical() {
        try (Recording leader = new Recording(directory.resolve("leader"));
             DomainFixture follower = new DomainFixture(directory.resolve("follower"))) {
            scenario(leader);
            for (byte[] entry : leader.log) {
                follower.applyEntry(entry);
            }
            assertThat(follower.machine.stateHash()).isEqualTo(leader.machine.stateHash());
            assertThat(follower.machine.contentDigest()).isEqualTo(leader.machine.contentDigest());
        }
    }

    @Test
    void a_snapshot_restores_the_exact_state_and_everything_after_behaves_the_same() throws IOException {
        try (DomainFixture original = new DomainFixture(directory.resolve("original"))) {
            String showId = scenario(original);
            byte[] payload = snapshot(original.machine);
            try (DomainFixture restored = new DomainFixture(directory.resolve("restored"))) {
                restored.machine.restore(original.index, new ByteArrayInputStream(payload));
                restored.index = original.index;
                restored.nowMillis = original.nowMillis;
                restored.idSequence = original.idSequence; // the leader's id source carries on, not restarts
                assertThat(restored.machine.stateHash()).isEqualTo(original.machine.stateHash());
                assertThat(restored.machine.contentDigest()).isEqualTo(original.machine.contentDigest());
                assertThat(restored.machine.appliedIndex()).isEqualTo(original.index);

                for (DomainFixture replica : List.of(original, restored)) {
                    replica.heldOk(ALICE, showId, "J9");
                    DomainFixture.assertRejected(replica.hold(BOB, showId, "J9"),
                            RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "J9 (held)");
                    replica.advance(20 * MINUTE);
                    replica.expireHolds();
                }
                assertThat(restored.machine.stateHash()).isEqualTo(original.machine.stateHash());
                assertThat(restored.machine.contentDigest()).isEqualTo(original.machine.contentDigest());
            }
        }
    }

    @Test
    void a_capture_is_a_point_in_time_view_while_the_state_moves_on() throws IOException {
        try (DomainFixture original = new DomainFixture(directory.resolve("original"))) {
            String showId = scenario(original);
            String digestAtCapture = original.machine.contentDigest();
            long indexAtCapture = original.index;
            StateMachine.StateCapture capture = original.machine.capture();
            original.heldOk(ALICE, showId, "H1", "H2");
            original.book(BOB, showId, seats("G1"), authorized("pay_later", eur(1200)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            capture.writeTo(out);
            capture.close();

            assertThat(capture.index()).isEqualTo(indexAtCapture);
            try (DomainFixture restored = new DomainFixture(directory.resolve("restored"))) {
                restored.machine.restore(indexAtCapture, new ByteArrayInputStream(out.toByteArray()));
                assertThat(restored.machine.contentDigest()).isEqualTo(digestAtCapture);
            }
        }
    }

    @Test
    void a_restarted_node_finds_its_state_on_disk_and_goes_on_exactly_like_one_that_never_stopped() {
        try (Recording twin = new Recording(directory.resolve("twin"));
             DomainFixture restarted = new DomainFixture(directory.resolve("restarted"))) {
            String showId = scenario(twin);
            for (byte[] entry : twin.log) {
                restarted.applyEntry(entry);
            }

            restarted.reopen();

            assertThat(restarted.machine.appliedIndex()).as("nothing to replay").isEqualTo(twin.index);
            assertThat(restarted.machine.stateHash()).isEqualTo(twin.machine.stateHash());
            restarted.nowMillis = twin.nowMillis;
            assertThat(restarted.queries().activeHoldsOfUser(BOB.getUserId()))
                    .isEqualTo(twin.queries().activeHoldsOfUser(BOB.getUserId()));
            assertThat(restarted.queries().seats(showId, "", twin.nowMillis).orElseThrow().freeCount())
                    .isEqualTo(twin.queries().seats(showId, "", twin.nowMillis).orElseThrow().freeCount());
            for (DomainFixture replica : List.of(twin, restarted)) {
                DomainFixture.assertRejected(replica.hold(ALICE, showId, "D1"),
                        RejectionCode.REJECTION_CODE_FAILED_PRECONDITION, "D1 (held)");
                replica.advance(30 * MINUTE);
                replica.expireHolds();
            }
            assertThat(restarted.machine.stateHash()).isEqualTo(twin.machine.stateHash());
            assertThat(restarted.machine.contentDigest()).isEqualTo(twin.machine.contentDigest());
        }
    }

    @Test
    void a_damaged_snapshot_fails_loudly() {
        try (DomainFixture target = new DomainFixture(directory)) {
            assertThatThrownBy(() -> target.machine.restore(5, new ByteArrayInputStream(new byte[] {1, 2, 3})))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> target.machine.restore(5, new ByteArrayInputStream("BXSTATE1garbage".getBytes())))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void a_snapshot_of_another_index_is_refused(@TempDir Path other) throws IOException {
        try (DomainFixture original = new DomainFixture(directory)) {
            scenario(original);
            byte[] payload = snapshot(original.machine);
            BookingStateMachine target = new BookingStateMachine(other, BookingLimits.defaults(),
                    StoreTuning.defaults(), 10);
            target.open();
            try {
                assertThatThrownBy(() -> target.restore(original.index + 1, new ByteArrayInputStream(payload)))
                        .isInstanceOf(IOException.class).hasMessageContaining("not at");
            } finally {
                target.close();
            }
        }
    }

    @Test
    void when_the_entry_bytes_are_malformed_then_every_replica_refuses_them_and_changes_nothing() {
        try (DomainFixture fixture = new DomainFixture(directory)) {
            String before = fixture.machine.contentDigest();
            List<CommandOutcome> outcomes = fixture.applyEntry(new byte[] {(byte) 0xff, (byte) 0xff});
            assertThat(outcomes).singleElement().satisfies(outcome ->
                    assertThat(outcome.rejection().getCode()).isEqualTo(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT));
            List<CommandOutcome> noTime = fixture.applyEntry(CommandBatch.newBuilder().addCommands(Command.newBuilder()
                    .setActor(ALICE).setNewId("x").setExpireHolds(ExpireHolds.getDefaultInstance())).build()
                    .toByteArray());
            assertThat(noTime.get(0).rejection().getMessage()).contains("no time");
            assertThat(fixture.machine.contentDigest()).isEqualTo(before);
        }
    }

    @Test
    void many_commands_in_one_entry_each_get_their_own_outcome_in_order() {
        try (DomainFixture fixture = new DomainFixture(directory)) {
            String showId = fixture.standardShow();
            CommandBatch.Builder batch = CommandBatch.newBuilder();
            for (String seat : List.of("A1", "A1", "A2")) {
                batch.addCommands(Command.newBuilder().setNowMillis(fixture.nowMillis).setActor(ALICE)
                        .setNewId("batch" + batch.getCommandsCount())
                        .setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats(seat))));
            }
            List<CommandOutcome> outcomes = fixture.applyEntry(batch.build().toByteArray());
            assertThat(outcomes).hasSize(3);
            assertThat(outcomes.get(0).isRejected()).isFalse();
            assertThat(outcomes.get(1).rejection().getTakenSeatIdsList()).containsExactly("A1");
            assertThat(outcomes.get(2).isRejected()).isFalse();
            assertThat(outcomes.get(0).hold().getRef()).isNotEqualTo(outcomes.get(2).hold().getRef());
        }
    }

    static byte[] snapshot(BookingStateMachine machine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StateMachine.StateCapture capture = machine.capture()) {
            capture.writeTo(out);
        }
        return out.toByteArray();
    }
}
