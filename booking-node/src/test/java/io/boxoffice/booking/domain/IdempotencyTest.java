package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.captured;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.ConfirmHold;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdempotencyTest {

    private DomainFixture fixture;
    private String showId;

    @BeforeEach
    void setUp() {
        fixture = new DomainFixture();
        showId = fixture.standardShow();
    }

    private CommandResult holdWithKey(String key, String... seatIds) {
        return fixture.run(ALICE, key, c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                .addAllSeatIds(java.util.List.of(seatIds)).setIdempotencyKey(key)));
    }

    @Test
    void when_a_booking_is_retried_with_the_same_key_then_the_original_result_returns_and_nothing_new_is_booked() {
        CommandResult hold = holdWithKey("k-hold", "A1", "A2");
        String holdId = hold.getHold().getId();
        CommandResult booking = fixture.run(ALICE, "k-confirm", c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(holdId).setPayment(captured(holdId, eur(2400)))));
        String hash = fixture.machine.stateHash();

        CommandResult holdAgain = holdWithKey("k-hold", "A1", "A2");
        CommandResult bookingAgain = fixture.run(ALICE, "k-confirm", c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(holdId).setPayment(captured(holdId, eur(2400)))));

        assertThat(holdAgain).isEqualTo(hold);
        assertThat(bookingAgain).isEqualTo(booking);
        assertThat(fixture.machine.stateHash()).isEqualTo(hash);
        assertThat(fixture.machine.bookingsOfUser(ALICE.getUserId(), 0, "").bookings()).hasSize(1);
        assertThat(fixture.machine.rememberedResult(ALICE.getUserId(), "k-confirm")).contains(booking);
    }

    @Test
    void when_a_rejection_is_retried_then_the_same_rejection_returns_even_if_the_seats_became_free() {
        String bobHold = fixture.heldOk(BOB, showId, "A1").getId();
        CommandResult rejected = holdWithKey("k1", "A1");
        fixture.release(BOB, bobHold);

        assertThat(holdWithKey("k1", "A1")).isEqualTo(rejected);
        assertThat(holdWithKey("k2", "A1").hasHold()).isTrue();
    }

    @Test
    void when_a_key_is_reused_for_a_different_request_then_invalid_argument() {
        holdWithKey("k1", "A1");
        String hash = fixture.machine.stateHash();
        DomainFixture.assertRejected(holdWithKey("k1", "A2"), RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "was already used for a different request");
        assertThat(fixture.machine.stateHash()).isEqualTo(hash);
    }

    @Test
    void when_two_users_use_the_same_key_then_they_do_not_collide() {
        holdWithKey("shared", "A1");
        CommandResult bob = fixture.run(BOB, "shared", c -> c.setHoldSeats(HoldSeatsRequest.newBuilder()
                .setShowId(showId).addSeatIds("A2")));
        assertThat(bob.getHold().getUserId()).isEqualTo(BOB.getUserId());
    }

    @Test
    void when_a_key_is_malformed_then_invalid_argument() {
        DomainFixture.assertRejected(holdWithKey("x".repeat(129), "A1"),
                RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "1..128 printable ASCII");
        DomainFixture.assertRejected(holdWithKey("tab\there", "A1"),
                RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "1..128 printable ASCII");
    }

    @Test
    void when_24_hours_of_log_time_pass_then_the_key_is_forgotten_not_before() {
        CommandResult first = holdWithKey("k1", "A1");
        fixture.release(ALICE, first.getHold().getId());

        fixture.advance(24 * HOUR);
        fixture.expireHolds();
        assertThat(fixture.machine.rememberedResult(ALICE.getUserId(), "k1")).as("exactly 24 h: pruned").isEmpty();

        CommandResult second = holdWithKey("k1", "A1");
        assertThat(second.getHold().getId()).isNotEqualTo(first.getHold().getId());
    }

    @Test
    void when_less_than_24_hours_pass_then_the_key_is_remembered() {
        CommandResult first = holdWithKey("k1", "A1");
        fixture.advance(24 * HOUR - 1);
        fixture.expireHolds();
        assertThat(fixture.machine.rememberedResult(ALICE.getUserId(), "k1")).contains(first);
        assertThat(holdWithKey("k1", "A1")).isEqualTo(first);
    }

    @Test
    void when_many_keys_expire_at_once_then_pruning_is_bounded_per_command() {
        DomainFixture bounded = new DomainFixture(BookingLimits.defaults().withIdempotencyPrunePerCommandMax(2));
        String show = bounded.standardShow();
        for (int number = 1; number <= 5; number++) {
            String key = "k" + number;
            bounded.run(ALICE, key, c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(show)
                    .addSeatIds("A1")));
        }
        bounded.advance(25 * HOUR);
        bounded.expireHolds();
        assertThat(bounded.machine.statistics().idempotencyRecords()).isEqualTo(3);
        bounded.expireHolds();
        bounded.expireHolds();
        assertThat(bounded.machine.statistics().idempotencyRecords()).isZero();
    }
}
