package io.boxoffice.booking.domain;

import com.google.protobuf.Message;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.UserRecord;

/**
 * What one command answered: a rejection, or the record it created or changed. Handed to the proposer
 * in the same process, never encoded (followers build it and drop it).
 *
 * @param rejection    the refusal, or {@code null}
 * @param kind         what {@code record} is
 * @param record       the created or changed record (as it is now, for a retried key), or {@code null}
 * @param holdsExpired holds this command found past their expiry and expired first
 * @param remembered   the answer is the one a first request with the same idempotency key got: nothing
 *                     was changed now (the leader must not capture or void a payment again)
 * @param labels       for a hold or booking: what a reader needs to show it (movie title, screen, start)
 */
public record CommandOutcome(RejectionRecord rejection, ResultKind kind, Message record, int holdsExpired,
                             boolean remembered, ShowLabels labels) {

    /** The show of a hold or booking as people see it, taken from the catalogue when the command applied. */
    /**
     * What a client shows next to a hold or booking: the show's start, titles, and the refund cut-off
     * (a customer's cancellation up to it is refunded in full).
     */
    public record ShowLabels(long startsAtMillis, String movieTitle, String screenName, long fullRefundUntilMillis) {
    }

    public static CommandOutcome rejected(RejectionRecord rejection) {
        return new CommandOutcome(rejection, ResultKind.RESULT_KIND_NONE, null, 0, false, null);
    }

    public static CommandOutcome of(ResultKind kind, Message record) {
        return new CommandOutcome(null, kind, record, 0, false, null);
    }

    public static CommandOutcome none() {
        return new CommandOutcome(null, ResultKind.RESULT_KIND_NONE, null, 0, false, null);
    }

    CommandOutcome withHoldsExpired(int count) {
        return new CommandOutcome(rejection, kind, record, count, remembered, labels);
    }

    CommandOutcome asRemembered() {
        return new CommandOutcome(rejection, kind, record, holdsExpired, true, labels);
    }

    CommandOutcome withShow(ShowLabels labels) {
        return new CommandOutcome(rejection, kind, record, holdsExpired, remembered, labels);
    }

    public boolean isRejected() {
        return rejection != null;
    }

    public BookingRecord booking() {
        return as(ResultKind.RESULT_KIND_BOOKING, BookingRecord.class);
    }

    public HoldRecord hold() {
        return as(ResultKind.RESULT_KIND_HOLD, HoldRecord.class);
    }

    public ShowRecord show() {
        return as(ResultKind.RESULT_KIND_SHOW, ShowRecord.class);
    }

    public MovieRecord movie() {
        return as(ResultKind.RESULT_KIND_MOVIE, MovieRecord.class);
    }

    public ScreenRecord screen() {
        return as(ResultKind.RESULT_KIND_SCREEN, ScreenRecord.class);
    }

    public UserRecord user() {
        return as(ResultKind.RESULT_KIND_USER, UserRecord.class);
    }

    private <T> T as(ResultKind expected, Class<T> type) {
        if (kind != expected || !type.isInstance(record)) {
            throw new IllegalStateException("the command answered " + (isRejected() ? "a rejection: "
                    + rejection.getMessage() : kind) + ", not " + expected);
        }
        return type.cast(record);
    }
}
