package io.boxoffice.booking.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.boxoffice.proto.booking.v1.Actor;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.ConfirmHold;
import io.boxoffice.proto.booking.v1.ExpireHolds;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.booking.v1.PaymentOutcomeStatus;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.Show;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives a {@link BookingStateMachine} the way the leader does: every command is stamped with a time,
 * an actor and a fresh id, encoded to bytes and applied at the next log index.
 */
class DomainFixture {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final Actor ADMIN = Actors.admin("usr_admin");
    static final Actor ALICE = Actors.user("usr_alice");
    static final Actor BOB = Actors.user("usr_bob");

    final BookingStateMachine machine;
    long index;
    long nowMillis = T0;
    private int idSequence;

    DomainFixture() {
        this(BookingLimits.defaults());
    }

    DomainFixture(BookingLimits limits) {
        this.machine = new BookingStateMachine(limits);
    }

    /** Applies a command built by {@code kind} through the byte interface; returns the decoded result. */
    CommandResult run(Actor actor, String idempotencyKey, Consumer<Command.Builder> kind) {
        Command.Builder command = Command.newBuilder().setNowMillis(nowMillis).setActor(actor)
                .setIdempotencyKey(idempotencyKey).setNewId("n" + (++idSequence));
        kind.accept(command);
        return apply(command.build());
    }

    CommandResult run(Actor actor, Consumer<Command.Builder> kind) {
        return run(actor, "", kind);
    }

    CommandResult apply(Command command) {
        byte[] result = machine.apply(++index, command.toByteArray());
        try {
            return CommandResult.parseFrom(result);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("state machine returned bytes that are not a CommandResult", e);
        }
    }

    void advance(long millis) {
        nowMillis += millis;
    }

    // ---------------------------------------------------------------- catalogue

    String movie(String title, int durationMinutes) {
        CommandResult result = run(ADMIN, c -> c.setCreateMovie(CreateMovieRequest.newBuilder().setTitle(title)
                .setDurationMinutes(durationMinutes)));
        assertThat(result.hasMovie()).as(result.toString()).isTrue();
        return result.getMovie().getId();
    }

    static ScreenLayout layout(int rows, int seatsPerRow, String... blocked) {
        ScreenLayout.Builder layout = ScreenLayout.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow);
        SeatCategory.Builder standard = SeatCategory.newBuilder().setName("standard").setPrice(eur(1200));
        for (int row = 0; row < rows; row++) {
            standard.addRows(String.valueOf((char) ('A' + row)));
        }
        return layout.addCategories(standard).addAllBlockedSeatIds(List.of(blocked)).build();
    }

    /** Rows A..(rows-2) "standard" at 12.00 EUR, the last row "premium" at 16.00 EUR. */
    static ScreenLayout twoCategoryLayout(int rows, int seatsPerRow) {
        SeatCategory.Builder standard = SeatCategory.newBuilder().setName("standard").setPrice(eur(1200));
        for (int row = 0; row < rows - 1; row++) {
            standard.addRows(String.valueOf((char) ('A' + row)));
        }
        SeatCategory.Builder premium = SeatCategory.newBuilder().setName("premium").setPrice(eur(1600))
                .addRows(String.valueOf((char) ('A' + rows - 1)));
        return ScreenLayout.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow).addCategories(standard)
                .addCategories(premium).build();
    }

    String screen(ScreenLayout layout) {
        CommandResult result = run(ADMIN, c -> c.setCreateScreen(CreateScreenRequest.newBuilder().setName("Screen 1")
                .setLayout(layout)));
        assertThat(result.hasScreen()).as(result.toString()).isTrue();
        return result.getScreen().getId();
    }

    Show show(String movieId, String screenId, long startsAtMillis) {
        CommandResult result = run(ADMIN, c -> c.setCreateShow(CreateShowRequest.newBuilder().setMovieId(movieId)
                .setScreenId(screenId).setStartsAtMillis(startsAtMillis)));
        assertThat(result.hasShow()).as(result.toString()).isTrue();
        return result.getShow();
    }

    /** A 10 x 10 single-category screen and a two-hour movie showing in three days. */
    String standardShow() {
        return show(movie("Metropolis", 120), screen(layout(10, 10)), T0 + 72 * HOUR).getId();
    }

    // ---------------------------------------------------------------- holds and bookings

    CommandResult hold(Actor actor, String showId, String... seatIds) {
        return run(actor, c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                .addAllSeatIds(List.of(seatIds))));
    }

    Hold heldOk(Actor actor, String showId, String... seatIds) {
        CommandResult result = hold(actor, showId, seatIds);
        assertThat(result.hasHold()).as(result.toString()).isTrue();
        return result.getHold();
    }

    CommandResult holdBest(Actor actor, String showId, int count, String category) {
        return run(actor, c -> c.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                .setBestAvailable(BestAvailable.newBuilder().setCount(count).setCategory(category))));
    }

    CommandResult extend(Actor actor, String holdId) {
        return run(actor, c -> c.setExtendHold(ExtendHoldRequest.newBuilder().setHoldId(holdId)));
    }

    CommandResult release(Actor actor, String holdId) {
        return run(actor, c -> c.setReleaseHold(ReleaseHoldRequest.newBuilder().setHoldId(holdId)));
    }

    CommandResult confirm(Actor actor, String holdId, PaymentOutcome payment) {
        return run(actor, c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(holdId).setPayment(payment)));
    }

    Booking bookedOk(Actor actor, String showId, String... seatIds) {
        Hold hold = heldOk(actor, showId, seatIds);
        CommandResult result = confirm(actor, hold.getId(), captured(hold.getId(), hold.getAmount()));
        assertThat(result.hasBooking()).as(result.toString()).isTrue();
        return result.getBooking();
    }

    CommandResult cancel(Actor actor, String bookingId) {
        return run(actor, c -> c.setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(bookingId)));
    }

    CommandResult adminRefund(Actor actor, String bookingId, Money amount, String reason) {
        RefundBookingRequest.Builder request = RefundBookingRequest.newBuilder().setBookingId(bookingId)
                .setReason(reason);
        if (amount != null) {
            request.setAmount(amount);
        }
        return run(actor, c -> c.setAdminRefund(request));
    }

    CommandResult expireHolds() {
        return run(Actors.system(), c -> c.setExpireHolds(ExpireHolds.getDefaultInstance()));
    }

    // ---------------------------------------------------------------- payments and money

    static PaymentOutcome captured(String holdId, Money amount) {
        return PaymentOutcome.newBuilder().setStatus(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_CAPTURED)
                .setPaymentId("pay_" + holdId + "_" + amount.getAmountMinor()).setAmount(amount).setCardLast4("4242")
                .setCardBrand("visa").build();
    }

    static PaymentOutcome declined(String paymentId, Money amount) {
        return PaymentOutcome.newBuilder().setStatus(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_DECLINED)
                .setPaymentId(paymentId).setAmount(amount).setCardLast4("9995").setDeclineCode("insufficient_funds")
                .setMessage("Your card has insufficient funds.").build();
    }

    static Money eur(long minor) {
        return Moneys.of(minor, "EUR");
    }

    // ---------------------------------------------------------------- assertions

    static void assertRejected(CommandResult result, RejectionCode code, String messagePart) {
        assertThat(result.hasRejection()).as("expected a rejection but got %s", result).isTrue();
        assertThat(result.getRejection().getCode()).as(result.getRejection().getMessage()).isEqualTo(code);
        assertThat(result.getRejection().getMessage()).contains(messagePart);
    }

    /** Applies a command that must be rejected with {@code code} and must leave the state byte-for-byte unchanged. */
    void assertRejectedWithoutChange(RejectionCode code, String messagePart, Actor actor,
            Consumer<Command.Builder> kind) {
        // Every command moves the state clock to its time first; sync it so only the command itself is measured.
        expireHolds();
        String before = machine.stateHash();
        assertRejected(run(actor, kind), code, messagePart);
        assertThat(machine.stateHash()).as("state changed by a rejected command").isEqualTo(before);
    }
}
