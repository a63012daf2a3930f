package io.boxoffice.booking.app;

import io.boxoffice.booking.api.RejectedCommand;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.User;

/**
 * Replays a result the state machine remembered under an idempotency key, for requests whose command
 * cannot simply be proposed again: a new password hash (fresh salt) or a new card charge would make the
 * retry a different request.
 */
final class Remembered {

    private Remembered() {
    }

    static Booking booking(CommandResult result) {
        if (result.hasRejection()) {
            throw new RejectedCommand(result.getRejection());
        }
        if (!result.hasBooking()) {
            throw new io.boxoffice.booking.api.InvalidArgument(java.util.List.of(new io.boxoffice.booking.api
                    .InvalidArgument.Violation("idempotency_key", "was already used for a different request; use a "
                    + "new key")));
        }
        return result.getBooking();
    }

    static User user(CommandResult result) {
        if (result.hasRejection()) {
            throw new RejectedCommand(result.getRejection());
        }
        if (!result.hasUser()) {
            throw new io.boxoffice.booking.api.InvalidArgument(java.util.List.of(new io.boxoffice.booking.api
                    .InvalidArgument.Violation("idempotency_key", "was already used for a different request; use a "
                    + "new key")));
        }
        return result.getUser();
    }
}
