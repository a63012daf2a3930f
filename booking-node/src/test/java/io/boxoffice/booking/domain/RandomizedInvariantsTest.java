package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ADMIN;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.boxoffice.proto.booking.v1.Actor;
import io.boxoffice.proto.booking.v1.BookingState;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.ConfirmHold;
import io.boxoffice.proto.booking.v1.ExpireHolds;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.ScreenLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many users race for the seats of one show with random holds, payments, releases, extensions,
 * cancellations, refunds, retries and clock jumps. After every command the invariants are checked
 * against the snapshot (the primary records, not the indexes the state machine uses internally); a
 * follower fed the same bytes and a replica restored from a mid-run snapshot end with the same hash.
 */
class RandomizedInvariantsTest {

    private static final int STEPS = 400;
    private static final int USERS = 6;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void no_seat_is_ever_sold_twice_and_replicas_agree(long seed) {
        Random random = new Random(seed);
        List<byte[]> log = new ArrayList<>();
        DomainFixture leader = new DomainFixture() {
            @Override
            CommandResult apply(Command command) {
                log.add(command.toByteArray());
                return super.apply(command);
            }
        };
        ScreenLayout layout = DomainFixture.twoCategoryLayout(5, 8).toBuilder().addBlockedSeatIds("C4")
                .addBlockedSeatIds("E8").build();
        String showId = leader.show(leader.movie("Random", 100), leader.screen(layout), T0 + 30 * HOUR).getId();
        List<Actor> users = new ArrayList<>();
        for (int number = 0; number < USERS; number++) {
            users.add(Actors.user("usr_" + number));
        }
        Map<String, Command> keyedCommands = new HashMap<>();
        Map<String, CommandResult> keyedResults = new HashMap<>();
        BookingStateMachine restoredMidway = null;
        int restoredFromIndex = 0;

        for (int step = 0; step < STEPS; step++) {
            Actor actor = users.get(random.nextInt(USERS));
            BookingState state = decode(leader.machine.snapshot());
            int action = random.nextInt(100);
            if (action < 8 && !keyedCommands.isEmpty()) {
                String key = List.copyOf(keyedCommands.keySet()).get(random.nextInt(keyedCommands.size()));
                CommandResult again = leader.apply(keyedCommands.get(key).toBuilder()
                        .setNowMillis(leader.nowMillis).setNewId("retry" + step).build());
                assertThat(again).as("retry of %s", key).isEqualTo(keyedResults.get(key));
            } else {
                String key = random.nextInt(3) == 0 ? "key-" + step : "";
                Command command = randomCommand(random, leader, actor, showId, state, step, key);
                CommandResult result = leader.apply(command);
                if (!key.isEmpty() && !(result.hasRejection() && result.getRejection().getCode()
                        == io.boxoffice.proto.booking.v1.RejectionCode.REJECTION_CODE_UNAVAILABLE)) {
                    keyedCommands.put(key, command);
                    keyedResults.put(key, result);
                }
            }
            if (random.nextInt(4) == 0) {
                leader.advance(random.nextInt(6) * MINUTE);
            }
            assertInvariants(leader.machine, showId);
            if (step == STEPS / 2) {
                restoredMidway = new BookingStateMachine();
                restoredMidway.restore(leader.machine.snapshot());
                restoredFromIndex = log.size();
            }
        }

        BookingStateMachine follower = new BookingStateMachine();
        for (int index = 0; index < log.size(); index++) {
            follower.apply(index + 1, log.get(index));
            if (index + 1 > restoredFromIndex) {
                restoredMidway.apply(index + 1, log.get(index));
            }
        }
        assertThat(follower.stateHash()).isEqualTo(leader.machine.stateHash());
        assertThat(restoredMidway.stateHash()).isEqualTo(leader.machine.stateHash());
        assertThat(decode(leader.machine.snapshot()).getBookingsCount()).as("the run booked something").isPositive();
    }

    private static Command randomCommand(Random random, DomainFixture leader, Actor actor, String showId,
            BookingState state, int step, String key) {
        Command.Builder command = Command.newBuilder().setNowMillis(leader.nowMillis).setActor(actor)
                .setIdempotencyKey(key).setNewId("s" + step);
        int action = random.nextInt(100);
        if (action < 30) {
            HoldSeatsRequest.Builder hold = HoldSeatsRequest.newBuilder().setShowId(showId);
            int count = 1 + random.nextInt(4);
            for (int seat = 0; seat < count; seat++) {
                hold.addSeatIds((char) ('A' + random.nextInt(5)) + String.valueOf(1 + random.nextInt(8)));
            }
            return command.setHoldSeats(hold).build();
        }
        if (action < 42) {
            return command.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId).setBestAvailable(
                    BestAvailable.newBuilder().setCount(1 + random.nextInt(4))
                            .setCategory(random.nextBoolean() ? "" : "standard"))).build();
        }
        List<Hold> holds = state.getHoldsList();
        List<Booking> bookings = state.getBookingsList();
        if (action < 65 && !holds.isEmpty()) {
            Hold hold = holds.get(random.nextInt(holds.size()));
            Actor payer = random.nextInt(5) == 0 ? actor : Actors.user(hold.getUserId());
            int outcome = random.nextInt(10);
            PaymentOutcome payment = outcome < 7 ? DomainFixture.captured(hold.getId() + "-" + step, hold.getAmount())
                    : outcome < 9 ? DomainFixture.declined("pay_d" + step, hold.getAmount())
                    : DomainFixture.captured(hold.getId() + "-" + step, DomainFixture.eur(1));
            return command.setActor(payer).setConfirmHold(ConfirmHold.newBuilder().setHoldId(hold.getId())
                    .setPayment(payment).setReleaseOnDecline(random.nextBoolean())).build();
        }
        if (action < 72 && !holds.isEmpty()) {
            Hold hold = holds.get(random.nextInt(holds.size()));
            return command.setActor(Actors.user(hold.getUserId()))
                    .setReleaseHold(ReleaseHoldRequest.newBuilder().setHoldId(hold.getId())).build();
        }
        if (action < 78 && !holds.isEmpty()) {
            Hold hold = holds.get(random.nextInt(holds.size()));
            return command.setActor(Actors.user(hold.getUserId()))
                    .setExtendHold(ExtendHoldRequest.newBuilder().setHoldId(hold.getId())).build();
        }
        if (action < 88 && !bookings.isEmpty()) {
            Booking booking = bookings.get(random.nextInt(bookings.size()));
            return command.setActor(random.nextInt(4) == 0 ? actor : Actors.user(booking.getUserId()))
                    .setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(booking.getId())).build();
        }
        if (action < 93 && !bookings.isEmpty()) {
            Booking booking = bookings.get(random.nextInt(bookings.size()));
            return command.setActor(ADMIN).setAdminRefund(RefundBookingRequest.newBuilder()
                    .setBookingId(booking.getId()).setReason("random")
                    .setAmount(DomainFixture.eur(1 + random.nextInt(2000)))).build();
        }
        return command.setActor(Actors.system()).setExpireHolds(ExpireHolds.getDefaultInstance()).build();
    }

    private static void assertInvariants(BookingStateMachine machine, String showId) {
        BookingState state = decode(machine.snapshot());
        Map<String, String> owners = new HashMap<>();
        for (Hold hold : state.getHoldsList()) {
            if (hold.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE) {
                assertThat(hold.getExpiresAtMillis()).as("active hold past expiry").isGreaterThan(state.getClockMillis());
                hold.getSeatsList().forEach(seat -> assertThat(owners.put(seat.getSeatId(), hold.getId()))
                        .as("seat %s taken twice", seat.getSeatId()).isNull());
            }
        }
        for (Booking booking : state.getBookingsList()) {
            assertThat(booking.getRefunded().getAmountMinor()).isBetween(0L, booking.getAmount().getAmountMinor());
            assertThat(booking.getPayment().getRefunded()).isEqualTo(booking.getRefunded());
            if (booking.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED) {
                booking.getSeatsList().forEach(seat -> assertThat(owners.put(seat.getSeatId(), booking.getId()))
                        .as("seat %s sold twice", seat.getSeatId()).isNull());
            }
        }
        assertThat(owners).doesNotContainKeys("C4", "E8");
        SeatMap map = machine.seatMap(showId, "", state.getClockMillis()).orElseThrow();
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                String owner = owners.get(seat.getId());
                SeatState expected = owner == null
                        ? (seat.getId().equals("C4") || seat.getId().equals("E8") ? SeatState.SEAT_STATE_BLOCKED
                                : SeatState.SEAT_STATE_FREE)
                        : owner.startsWith("hld_") ? SeatState.SEAT_STATE_HELD : SeatState.SEAT_STATE_BOOKED;
                assertThat(seat.getState()).as("seat %s", seat.getId()).isEqualTo(expected);
            }
        }
    }

    private static BookingState decode(byte[] snapshot) {
        try {
            return BookingState.parseFrom(snapshot);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
