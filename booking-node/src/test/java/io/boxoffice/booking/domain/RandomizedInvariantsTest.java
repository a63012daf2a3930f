package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ADMIN;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.MINUTE;
import static io.boxoffice.booking.domain.DomainFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.Actor;
import io.boxoffice.proto.replicated.v1.AdminRefund;
import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.BookingState;
import io.boxoffice.proto.replicated.v1.CancelBooking;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.ExpireHolds;
import io.boxoffice.proto.replicated.v1.ExtendHold;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.ReleaseHold;
import io.boxoffice.proto.replicated.v1.SeatSelection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many users race for the seats of one show with random holds, one-step bookings, payments (authorized,
 * declined, too small), releases, extensions, cancellations, refunds, keyed retries and clock jumps. After
 * every command the invariants are checked against the records (no seat held or sold twice, seat map and
 * records agree, refunds within bounds); a follower fed the same entries, a replica restored from a
 * mid-run snapshot and one restarted from its own disk all end with the same state.
 */
class RandomizedInvariantsTest {

    private static final int STEPS = 400;
    private static final int USERS = 6;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void no_seat_is_ever_sold_twice_and_replicas_agree(long seed) throws IOException {
        Random random = new Random(seed);
        StatePersistenceTest.Recording leader = new StatePersistenceTest.Recording(directory.resolve("leader"));
        LayoutRecord layout = DomainFixture.twoCategoryLayout(5, 8).toBuilder().addBlockedSeatIds("C4")
                .addBlockedSeatIds("E8").build();
        String showId = leader.show(leader.movie("Random", 100), leader.screen(layout), T0 + 30 * HOUR).getId();
        List<Actor> users = new ArrayList<>();
        for (int number = 0; number < USERS; number++) {
            users.add(Actors.user("usr_" + number));
        }
        Set<String> holdIds = new LinkedHashSet<>();
        Set<String> bookingIds = new LinkedHashSet<>();
        Map<String, Command> keyedCommands = new LinkedHashMap<>();
        Map<String, CommandOutcome> keyedOutcomes = new HashMap<>();
        byte[] midwaySnapshot = null;
        long midwayIndex = 0;
        int midwayLogSize = 0;

        for (int step = 0; step < STEPS; step++) {
            Actor actor = users.get(random.nextInt(USERS));
            if (random.nextInt(100) < 8 && !keyedCommands.isEmpty()) {
                String key = List.copyOf(keyedCommands.keySet()).get(random.nextInt(keyedCommands.size()));
                CommandOutcome again = leader.apply(keyedCommands.get(key).toBuilder()
                        .setNowMillis(leader.nowMillis).setNewId("retry" + step).build());
                CommandOutcome first = keyedOutcomes.get(key);
                assertThat(again.remembered()).as("retry of %s", key).isTrue();
                assertThat(again.rejection()).as("retry of %s", key).isEqualTo(first.rejection());
                assertThat(again.kind()).isEqualTo(first.kind());
            } else {
                String key = random.nextInt(3) == 0 ? "key-" + step : "";
                Command command = randomCommand(random, leader, actor, showId, holdIds, bookingIds, step, key);
                CommandOutcome outcome = leader.apply(command);
                if (!outcome.isRejected()) {
                    switch (outcome.kind()) {
                        case RESULT_KIND_HOLD -> holdIds.add(outcome.hold().getId());
                        case RESULT_KIND_BOOKING -> bookingIds.add(outcome.booking().getId());
                        default -> { }
                    }
                }
                if (!key.isEmpty()) {
                    keyedCommands.put(key, command);
                    keyedOutcomes.put(key, outcome);
                }
            }
            if (random.nextInt(4) == 0) {
                leader.advance(random.nextInt(6) * MINUTE);
            }
            assertInvariants(leader, showId, holdIds, bookingIds);
            if (step == STEPS / 2) {
                midwaySnapshot = StatePersistenceTest.snapshot(leader.machine);
                midwayIndex = leader.index;
                midwayLogSize = leader.log.size();
            }
        }

        try (DomainFixture follower = new DomainFixture(directory.resolve("follower"));
             DomainFixture restored = new DomainFixture(directory.resolve("restored"))) {
            leader.log.forEach(follower::applyEntry);
            restored.machine.restore(midwayIndex, new ByteArrayInputStream(midwaySnapshot));
            restored.index = midwayIndex;
            leader.log.subList(midwayLogSize, leader.log.size()).forEach(restored::applyEntry);
            leader.reopen();
            for (DomainFixture replica : List.of(follower, restored, leader)) {
                assertThat(replica.machine.stateHash()).isEqualTo(follower.machine.stateHash());
                assertThat(replica.machine.contentDigest()).isEqualTo(follower.machine.contentDigest());
            }
        }
        assertThat(bookingIds).as("the run booked something").isNotEmpty();
        leader.close();
    }

    private static Command randomCommand(Random random, DomainFixture leader, Actor actor, String showId,
            Set<String> holdIds, Set<String> bookingIds, int step, String key) {
        Command.Builder command = Command.newBuilder().setNowMillis(leader.nowMillis).setActor(actor)
                .setIdempotencyKey(key).setNewId("s" + step);
        int action = random.nextInt(100);
        Command built;
        if (action < 22) {
            built = command.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(randomSeats(random))).build();
        } else if (action < 30) {
            built = command.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(SeatSelection.newBuilder()
                    .setBestAvailableCount(1 + random.nextInt(4))
                    .setBestAvailableCategory(random.nextBoolean() ? "" : "standard"))).build();
        } else if (action < 42) {
            SeatSelection seats = randomSeats(random);
            long price = 1200L * seats.getSeatIdsCount() + (random.nextInt(5) == 0 ? -1 : 400L * seats.getSeatIdsCount());
            built = command.setBookSeats(BookSeats.newBuilder().setShowId(showId).setSeats(seats)
                    .setAuthorization(randomAuthorization(random, step, price))).build();
        } else if (action < 62 && !holdIds.isEmpty()) {
            HoldRecord hold = leader.queries().hold(pick(random, holdIds)).orElseThrow();
            Actor payer = random.nextInt(5) == 0 ? actor : Actors.user(hold.getUserId());
            built = command.setActor(payer).setConfirmHold(ConfirmHold.newBuilder().setHoldId(hold.getId())
                    .setAuthorization(randomAuthorization(random, step, hold.getAmount().getAmountMinor()))).build();
        } else if (action < 69 && !holdIds.isEmpty()) {
            HoldRecord hold = leader.queries().hold(pick(random, holdIds)).orElseThrow();
            built = command.setActor(Actors.user(hold.getUserId()))
                    .setReleaseHold(ReleaseHold.newBuilder().setHoldId(hold.getId())).build();
        } else if (action < 75 && !holdIds.isEmpty()) {
            HoldRecord hold = leader.queries().hold(pick(random, holdIds)).orElseThrow();
            built = command.setActor(Actors.user(hold.getUserId()))
                    .setExtendHold(ExtendHold.newBuilder().setHoldId(hold.getId())).build();
        } else if (action < 86 && !bookingIds.isEmpty()) {
            BookingRecord booking = leader.queries().booking(pick(random, bookingIds)).orElseThrow();
            built = command.setActor(random.nextInt(4) == 0 ? actor : Actors.user(booking.getUserId()))
                    .setCancelBooking(CancelBooking.newBuilder().setBookingId(booking.getId())).build();
        } else if (action < 92 && !bookingIds.isEmpty()) {
            BookingRecord booking = leader.queries().booking(pick(random, bookingIds)).orElseThrow();
            built = command.setActor(ADMIN).setAdminRefund(AdminRefund.newBuilder()
                    .setBookingId(booking.getId()).setReason("random")
                    .setAmount(DomainFixture.eur(1 + random.nextInt(2000)))).build();
        } else {
            built = command.setActor(Actors.system()).setExpireHolds(ExpireHolds.getDefaultInstance()).build();
        }
        if (!key.isEmpty()) {
            built = built.toBuilder().setRequestFingerprint(DomainFixture.fingerprintOf(built.toBuilder())).build();
        }
        return built;
    }

    private static SeatSelection randomSeats(Random random) {
        SeatSelection.Builder seats = SeatSelection.newBuilder();
        int count = 1 + random.nextInt(4);
        for (int seat = 0; seat < count; seat++) {
            seats.addSeatIds((char) ('A' + random.nextInt(5)) + String.valueOf(1 + random.nextInt(8)));
        }
        return seats.build();
    }

    private static Authorization randomAuthorization(Random random, int step, long amountMinor) {
        int outcome = random.nextInt(10);
        if (outcome < 7) {
            return DomainFixture.authorized("pay_" + step, DomainFixture.eur(Math.max(1, amountMinor)));
        }
        if (outcome < 9) {
            return DomainFixture.declined("pay_d" + step, DomainFixture.eur(Math.max(1, amountMinor)));
        }
        return DomainFixture.authorized("pay_s" + step, DomainFixture.eur(1));
    }

    private static String pick(Random random, Set<String> ids) {
        return List.copyOf(ids).get(random.nextInt(ids.size()));
    }

    private static void assertInvariants(DomainFixture leader, String showId, Set<String> holdIds,
            Set<String> bookingIds) {
        long clock = leader.queries().clockMillis();
        Map<String, String> owners = new HashMap<>();
        for (String holdId : holdIds) {
            HoldRecord hold = leader.queries().hold(holdId).orElseThrow();
            if (hold.getState() == HoldState.HOLD_STATE_ACTIVE) {
                assertThat(hold.getExpiresAtMillis()).as("active hold past expiry").isGreaterThan(clock);
                hold.getSeatsList().forEach(seat -> assertThat(owners.put(seat.getSeatId(), hold.getId()))
                        .as("seat %s taken twice", seat.getSeatId()).isNull());
            }
        }
        for (String bookingId : bookingIds) {
            BookingRecord booking = leader.queries().booking(bookingId).orElseThrow();
            assertThat(booking.getRefunded().getAmountMinor()).isBetween(0L, booking.getAmount().getAmountMinor());
            assertThat(booking.getPayment().getRefunded()).isEqualTo(booking.getRefunded());
            assertThat(booking.getPayment().getAuthorized().getAmountMinor())
                    .isGreaterThanOrEqualTo(booking.getPayment().getAmount().getAmountMinor());
            if (booking.getState() == BookingState.BOOKING_STATE_CONFIRMED) {
                booking.getSeatsList().forEach(seat -> assertThat(owners.put(seat.getSeatId(), booking.getId()))
                        .as("seat %s sold twice", seat.getSeatId()).isNull());
            }
        }
        assertThat(owners).doesNotContainKeys("C4", "E8");
        StateQueries.SeatView seats = leader.queries().seats(showId, "", clock).orElseThrow();
        for (int index = 0; index < seats.layout().seatCount(); index++) {
            String seatId = seats.layout().seatIdAt(index);
            String owner = owners.get(seatId);
            StateQueries.SeatView.Seat expected = owner == null
                    ? (seatId.equals("C4") || seatId.equals("E8") ? StateQueries.SeatView.Seat.BLOCKED
                            : StateQueries.SeatView.Seat.FREE)
                    : owner.startsWith("hld_") ? StateQueries.SeatView.Seat.HELD : StateQueries.SeatView.Seat.BOOKED;
            assertThat(seats.seat(index)).as("seat %s", seatId).isEqualTo(expected);
        }
    }
}
