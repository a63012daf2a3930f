package io.boxoffice.booking.domain;

import static io.boxoffice.booking.domain.DomainFixture.ALICE;
import static io.boxoffice.booking.domain.DomainFixture.BOB;
import static io.boxoffice.booking.domain.DomainFixture.HOUR;
import static io.boxoffice.booking.domain.DomainFixture.authorized;
import static io.boxoffice.booking.domain.DomainFixture.eur;
import static io.boxoffice.booking.domain.DomainFixture.seats;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ResultKind;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once: a request retried with its idempotency key gets its first answer and changes nothing, for
 * at least 24 hours of log time; the record refers to what the command created (read again on a retry).
 */
class IdempotencyTest {

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

    private CommandOutcome holdWithKey(String key, String... seatIds) {
        return fixture.run(ALICE, key, c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId)
                .setSeats(seats(seatIds))));
    }

    @Test
    void when_a_booking_is_retried_with_the_same_key_then_the_original_result_returns_and_nothing_new_is_booked() {
        CommandOutcome hold = holdWithKey("k-hold", "A1", "A2");
        String holdId = hold.hold().getId();
        CommandOutcome booking = fixture.run(ALICE, "k-confirm", c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(holdId).setAuthorization(authorized("pay_k", eur(2400)))));
        String before = fixture.machine.contentDigest();

        CommandOutcome bookingAgain = fixture.run(ALICE, "k-confirm", c -> c.setConfirmHold(ConfirmHold.newBuilder()
                .setHoldId(holdId).setAuthorization(authorized("pay_k", eur(2400)))));
        CommandOutcome holdAgain = holdWithKey("k-hold", "A1", "A2");

        assertThat(bookingAgain.remembered()).isTrue();
        assertThat(bookingAgain.booking()).isEqualTo(booking.booking());
        assertThat(holdAgain.remembered()).isTrue();
        assertThat(holdAgain.hold().getId()).isEqualTo(holdId);
        assertThat(holdAgain.hold().getState()).as("the hold as it is now").isEqualTo(HoldState.HOLD_STATE_CONFIRMED);
        assertThat(fixture.machine.contentDigest()).isEqualTo(before);
        assertThat(fixture.queries().bookingsOfUser(ALICE.getUserId(), 0, "").bookings()).hasSize(1);
    }

    @Test
    void a_one_step_booking_retried_after_a_failover_with_a_new_authorization_id_books_nothing_twice() {
        CommandOutcome first = fixture.run(BOB, "k-book", c -> c.setBookSeats(BookSeats.newBuilder().setShowId(showId)
                .setSeats(seats("C1")).setAuthorization(authorized("pay_first", eur(1200)))));
        CommandOutcome retry = fixture.run(BOB, "k-book", c -> c.setBookSeats(BookSeats.newBuilder().setShowId(showId)
                .setSeats(seats("C1")).setAuthorization(authorized("pay_first", eur(1200)))));

        assertThat(retry.remembered()).isTrue();
        assertThat(retry.booking().getId()).isEqualTo(first.booking().getId());
        assertThat(fixture.queries().statistics().paymentsByState())
                .containsEntry(io.boxoffice.proto.replicated.v1.PaymentState.PAYMENT_STATE_CAPTURED, 1L);
    }

    @Test
    void when_a_rejection_is_retried_then_the_same_rejection_returns_even_if_the_seats_became_free() {
        String bobHold = fixture.heldOk(BOB, showId, "A1").getId();
        CommandOutcome rejected = holdWithKey("k1", "A1");
        fixture.release(BOB, bobHold);

        CommandOutcome again = holdWithKey("k1", "A1");
        assertThat(again.rejection()).isEqualTo(rejected.rejection());
        assertThat(again.remembered()).isTrue();
        DomainFixture.ok(holdWithKey("k2", "A1"), ResultKind.RESULT_KIND_HOLD);
    }

    @Test
    void when_a_key_is_reused_for_a_different_request_then_invalid_argument() {
        holdWithKey("k1", "A1");
        String before = fixture.machine.contentDigest();
        DomainFixture.assertRejected(holdWithKey("k1", "A2"), RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                "was already used for a different request");
        assertThat(fixture.machine.contentDigest()).isEqualTo(before);
    }

    @Test
    void when_two_users_use_the_same_key_then_they_do_not_collide() {
        holdWithKey("shared", "A1");
        CommandOutcome bob = fixture.run(BOB, "shared", c -> c.setHoldSeats(HoldSeats.newBuilder()
                .setShowId(showId).setSeats(seats("A2"))));
        assertThat(bob.hold().getUserId()).isEqualTo(BOB.getUserId());
    }

    @Test
    void when_a_key_is_malformed_or_has_no_fingerprint_then_invalid_argument() {
        DomainFixture.assertRejected(holdWithKey("x".repeat(129), "A1"),
                RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "1..128 printable ASCII");
        DomainFixture.assertRejected(holdWithKey("tab\there", "A1"),
                RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "1..128 printable ASCII");
        DomainFixture.assertRejected(fixture.run(ALICE, "k", c -> c.setRequestFingerprint(
                        com.google.protobuf.ByteString.copyFromUtf8("short"))
                .setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats("A1")))),
                RejectionCode.REJECTION_CODE_INVALID_ARGUMENT, "fingerprint");
    }

    @Test
    void when_24_hours_of_log_time_pass_then_the_key_is_forgotten_not_before() {
        CommandOutcome first = holdWithKey("k1", "A1");
        fixture.release(ALICE, first.hold().getId());

        fixture.advance(24 * HOUR);
        fixture.expireHolds();
        assertThat(fixture.queries().isKeyRemembered(ALICE.getUserId(), "k1")).as("exactly 24 h: pruned").isFalse();

        CommandOutcome second = holdWithKey("k1", "A1");
        assertThat(second.hold().getId()).isNotEqualTo(first.hold().getId());
    }

    @Test
    void when_less_than_24_hours_pass_then_the_key_is_remembered() {
        CommandOutcome first = holdWithKey("k1", "A1");
        fixture.advance(24 * HOUR - 1);
        fixture.expireHolds();
        assertThat(fixture.queries().isKeyRemembered(ALICE.getUserId(), "k1")).isTrue();
        assertThat(holdWithKey("k1", "A1").hold().getId()).isEqualTo(first.hold().getId());
    }

    @Test
    void when_many_keys_expire_at_once_then_pruning_is_bounded_per_command(@TempDir Path other) {
        try (DomainFixture bounded = new DomainFixture(other, BookingLimits.defaults()
                .withIdempotencyPrunePerCommandMax(2))) {
            String show = bounded.standardShow();
            for (int number = 1; number <= 5; number++) {
                bounded.run(ALICE, "k" + number, c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(show)
                        .setSeats(seats("A1"))));
            }
            bounded.advance(25 * HOUR);
            bounded.expireHolds();
            assertThat(bounded.queries().statistics().idempotencyRecords()).isEqualTo(3);
            bounded.expireHolds();
            bounded.expireHolds();
            assertThat(bounded.queries().statistics().idempotencyRecords()).isZero();
        }
    }
}
