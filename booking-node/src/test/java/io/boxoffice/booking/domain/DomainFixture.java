package io.boxoffice.booking.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.boxoffice.booking.domain.store.StoreTuning;
import io.boxoffice.proto.replicated.v1.Actor;
import io.boxoffice.proto.replicated.v1.AdminRefund;
import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.AuthorizationStatus;
import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.CancelBooking;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.CreateMovie;
import io.boxoffice.proto.replicated.v1.CreateScreen;
import io.boxoffice.proto.replicated.v1.CreateShow;
import io.boxoffice.proto.replicated.v1.ExpireHolds;
import io.boxoffice.proto.replicated.v1.ExtendHold;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.ReleaseHold;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.SeatCategoryRecord;
import io.boxoffice.proto.replicated.v1.SeatSelection;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives a {@link BookingStateMachine} on a RocksDB in a temporary directory the way the leader does:
 * every command is stamped with a time, an actor and a fresh id, wrapped in a one-command batch, encoded
 * and applied at the next log index, and each batch ends like a driver loop ({@code endBatch}).
 */
class DomainFixture implements AutoCloseable {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final Actor ADMIN = Actors.admin("usr_admin");
    static final Actor ALICE = Actors.user("usr_alice");
    static final Actor BOB = Actors.user("usr_bob");

    final Path directory;
    final BookingLimits limits;
    BookingStateMachine machine;
    long index;
    long nowMillis = T0;
    int idSequence;

    DomainFixture(Path directory) {
        this(directory, BookingLimits.defaults());
    }

    final int cachedShowsMax;

    DomainFixture(Path directory, BookingLimits limits) {
        this(directory, limits, 100);
    }

    /** @param cachedShowsMax seat maps kept in memory ({@code state.cached-shows-max}) */
    DomainFixture(Path directory, BookingLimits limits, int cachedShowsMax) {
        this.directory = directory;
        this.limits = limits;
        this.cachedShowsMax = cachedShowsMax;
        this.machine = open(directory, limits, cachedShowsMax);
        this.index = machine.appliedIndex();
    }

    static BookingStateMachine open(Path directory, BookingLimits limits) {
        return open(directory, limits, 100);
    }

    static BookingStateMachine open(Path directory, BookingLimits limits, int cachedShowsMax) {
        BookingStateMachine machine = new BookingStateMachine(directory, limits, StoreTuning.defaults(), cachedShowsMax);
        machine.open();
        return machine;
    }

    /** Closes the state and opens it again from disk, as a restarted node does. */
    void reopen() {
        machine.close();
        machine = open(directory, limits, cachedShowsMax);
        index = machine.appliedIndex();
    }

    @Override
    public void close() {
        machine.close();
    }

    StateQueries queries() {
        return machine.queries();
    }

    /** Applies a command built by {@code kind}; returns its outcome. */
    CommandOutcome run(Actor actor, String idempotencyKey, Consumer<Command.Builder> kind) {
        Command.Builder command = Command.newBuilder().setNowMillis(nowMillis).setActor(actor)
                .setIdempotencyKey(idempotencyKey).setNewId("n" + (++idSequence));
        kind.accept(command);
        if (!idempotencyKey.isEmpty() && command.getRequestFingerprint().isEmpty()) {
            command.setRequestFingerprint(fingerprintOf(command));
        }
        return apply(command.build());
    }

    CommandOutcome run(Actor actor, Consumer<Command.Builder> kind) {
        return run(actor, "", kind);
    }

    /** The leader's fingerprint stands in for the request: here, the command's payload. */
    static ByteString fingerprintOf(Command.Builder command) {
        try {
            Command payload = command.clone().clearNowMillis().clearNewId().clearIdempotencyKey().build();
            return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(payload.toByteArray()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    CommandOutcome apply(Command command) {
        List<CommandOutcome> outcomes = applyEntry(CommandBatch.newBuilder().addCommands(command).build().toByteArray());
        assertThat(outcomes).hasSize(1);
        return outcomes.get(0);
    }

    /** Applies one log entry and ends the batch, as the driver does. */
    List<CommandOutcome> applyEntry(byte[] entry) {
        index++;
        List<CommandOutcome> outcomes = machine.apply(index, entry);
        machine.endBatch(index);
        return outcomes;
    }

    void advance(long millis) {
        nowMillis += millis;
    }

    // ---------------------------------------------------------------- catalogue

    String movie(String title, int durationMinutes) {
        CommandOutcome outcome = run(ADMIN, c -> c.setCreateMovie(CreateMovie.newBuilder().setTitle(title)
                .setDurationMinutes(durationMinutes)));
        return ok(outcome, ResultKind.RESULT_KIND_MOVIE).movie().getId();
    }

    static LayoutRecord layout(int rows, int seatsPerRow, String... blocked) {
        LayoutRecord.Builder layout = LayoutRecord.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow);
        SeatCategoryRecord.Builder standard = SeatCategoryRecord.newBuilder().setName("standard").setPrice(eur(1200));
        for (int row = 0; row < rows; row++) {
            standard.addRows(String.valueOf((char) ('A' + row)));
        }
        return layout.addCategories(standard).addAllBlockedSeatIds(List.of(blocked)).build();
    }

    /** Rows A..(rows-2) "standard" at 12.00 EUR, the last row "premium" at 16.00 EUR. */
    static LayoutRecord twoCategoryLayout(int rows, int seatsPerRow) {
        SeatCategoryRecord.Builder standard = SeatCategoryRecord.newBuilder().setName("standard").setPrice(eur(1200));
        for (int row = 0; row < rows - 1; row++) {
            standard.addRows(String.valueOf((char) ('A' + row)));
        }
        SeatCategoryRecord.Builder premium = SeatCategoryRecord.newBuilder().setName("premium").setPrice(eur(1600))
                .addRows(String.valueOf((char) ('A' + rows - 1)));
        return LayoutRecord.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow).addCategories(standard)
                .addCategories(premium).build();
    }

    String screen(LayoutRecord layout) {
        CommandOutcome outcome = run(ADMIN, c -> c.setCreateScreen(CreateScreen.newBuilder().setName("Screen 1")
                .setLayout(layout)));
        return ok(outcome, ResultKind.RESULT_KIND_SCREEN).screen().getId();
    }

    ShowRecord show(String movieId, String screenId, long startsAtMillis) {
        CommandOutcome outcome = run(ADMIN, c -> c.setCreateShow(CreateShow.newBuilder().setMovieId(movieId)
                .setScreenId(screenId).setStartsAtMillis(startsAtMillis)));
        return ok(outcome, ResultKind.RESULT_KIND_SHOW).show();
    }

    /** A 10 x 10 single-category screen and a two-hour movie showing in three days. */
    String standardShow() {
        return show(movie("Metropolis", 120), screen(layout(10, 10)), T0 + 72 * HOUR).getId();
    }

    void user(String username) {
        ok(run(ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder().setUsername(username)
                .setPasswordHash("$pbkdf2$x"))), ResultKind.RESULT_KIND_USER);
    }

    // ---------------------------------------------------------------- holds and bookings

    static SeatSelection seats(String... seatIds) {
        return SeatSelection.newBuilder().addAllSeatIds(List.of(seatIds)).build();
    }

    static SeatSelection best(int count, String category) {
        return SeatSelection.newBuilder().setBestAvailableCount(count).setBestAvailableCategory(category).build();
    }

    CommandOutcome hold(Actor actor, String showId, String... seatIds) {
        return run(actor, c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(seats(seatIds))));
    }

    HoldRecord heldOk(Actor actor, String showId, String... seatIds) {
        return ok(hold(actor, showId, seatIds), ResultKind.RESULT_KIND_HOLD).hold();
    }

    CommandOutcome holdBest(Actor actor, String showId, int count, String category) {
        return run(actor, c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(showId).setSeats(best(count, category))));
    }

    CommandOutcome extend(Actor actor, String holdId) {
        return run(actor, c -> c.setExtendHold(ExtendHold.newBuilder().setHoldId(holdId)));
    }

    CommandOutcome release(Actor actor, String holdId) {
        return run(actor, c -> c.setReleaseHold(ReleaseHold.newBuilder().setHoldId(holdId)));
    }

    CommandOutcome confirm(Actor actor, String holdId, Authorization authorization) {
        return run(actor, c -> c.setConfirmHold(ConfirmHold.newBuilder().setHoldId(holdId)
                .setAuthorization(authorization)));
    }

    CommandOutcome book(Actor actor, String showId, SeatSelection selection, Authorization authorization) {
        return run(actor, c -> c.setBookSeats(BookSeats.newBuilder().setShowId(showId).setSeats(selection)
                .setAuthorization(authorization)));
    }

    /** Holds, then confirms with an authorization of exactly the hold's amount. */
    BookingRecord bookedOk(Actor actor, String showId, String... seatIds) {
        HoldRecord hold = heldOk(actor, showId, seatIds);
        return ok(confirm(actor, hold.getId(), authorized("pay_" + hold.getId(), hold.getAmount())),
                ResultKind.RESULT_KIND_BOOKING).booking();
    }

    CommandOutcome cancel(Actor actor, String bookingId) {
        return run(actor, c -> c.setCancelBooking(CancelBooking.newBuilder().setBookingId(bookingId)));
    }

    CommandOutcome adminRefund(Actor actor, String bookingId, MoneyRecord amount, String reason) {
        AdminRefund.Builder command = AdminRefund.newBuilder().setBookingId(bookingId).setReason(reason);
        if (amount != null) {
            command.setAmount(amount);
        }
        return run(actor, c -> c.setAdminRefund(command));
    }

    CommandOutcome expireHolds() {
        return run(Actors.system(), c -> c.setExpireHolds(ExpireHolds.getDefaultInstance()));
    }

    // ---------------------------------------------------------------- payments and money

    static Authorization authorized(String paymentId, MoneyRecord amount) {
        return Authorization.newBuilder().setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED)
                .setPaymentId(paymentId).setAmount(amount).setCardLast4("4242").setCardBrand("visa").build();
    }

    static Authorization declined(String paymentId, MoneyRecord amount) {
        return Authorization.newBuilder().setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED)
                .setPaymentId(paymentId).setAmount(amount).setCardLast4("9995").setDeclineCode("insufficient_funds")
                .setMessage("Your card has insufficient funds.").build();
    }

    static MoneyRecord eur(long minor) {
        return Moneys.of(minor, "EUR");
    }

    // ---------------------------------------------------------------- assertions

    static CommandOutcome ok(CommandOutcome outcome, ResultKind kind) {
        assertThat(outcome.isRejected()).as("expected %s but was refused: %s", kind,
                outcome.isRejected() ? outcome.rejection().getMessage() : "").isFalse();
        assertThat(outcome.kind()).isEqualTo(kind);
        return outcome;
    }

    static void assertRejected(CommandOutcome outcome, RejectionCode code, String messagePart) {
        assertThat(outcome.isRejected()).as("expected a rejection but got %s", outcome.kind()).isTrue();
        assertThat(outcome.rejection().getCode()).as(outcome.rejection().getMessage()).isEqualTo(code);
        assertThat(outcome.rejection().getMessage()).contains(messagePart);
    }

    /** Applies a command that must be rejected with {@code code} and must leave every record unchanged. */
    void assertRejectedWithoutChange(RejectionCode code, String messagePart, Actor actor,
            Consumer<Command.Builder> kind) {
        // Every command expires what is due at its time first; do that now so only the command itself is measured.
        expireHolds();
        String before = machine.contentDigest();
        assertRejected(run(actor, kind), code, messagePart);
        assertThat(machine.contentDigest()).as("records changed by a rejected command").isEqualTo(before);
    }
}
