package io.boxoffice.cli.commands;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.BoxofficeApi.SeatChoice;
import io.boxoffice.cli.client.IdempotencyKeys;
import io.boxoffice.cli.render.Formats;
import io.boxoffice.cli.render.Views;
import io.boxoffice.proto.v1.AssistantAction;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import java.util.Locale;
import java.util.function.Function;

/**
 * The one action the assistant may propose, done only if the user says yes: the proposed request goes
 * through the normal BookingService calls with the user's own session and one fresh idempotency key, which
 * the client reuses on every retry of that call, so a retried request never changes a booking twice.
 * Anything but "y" or "yes" (including end of input) changes nothing. Shared by {@code ask} and the menu.
 */
public final class AssistantActions {

    public static final String NOTHING_CHANGED = "Nothing changed.";

    private AssistantActions() {
    }

    /** What happened after asking: nothing, a cancelled booking, or a new hold (to pay for). */
    public sealed interface Outcome {
        record Declined() implements Outcome {
        }

        record Cancelled(Booking booking) implements Outcome {
        }

        record Held(Hold hold) implements Outcome {
        }
    }

    /** The y/N question for {@code action}. */
    public static String question(AssistantAction action) {
        return switch (action.getRequestCase()) {
            case CANCEL_BOOKING -> "Cancel booking " + action.getCancelBooking().getBookingId() + " now? [y/N] ";
            case HOLD_SEATS -> "Place this hold now? [y/N] ";
            case REQUEST_NOT_SET -> throw new IllegalArgumentException("the proposed action has no request");
        };
    }

    /**
     * Asks {@code ask} the y/N question and, on yes, sends the proposed request as the user.
     *
     * @param ask shows a prompt and returns the user's line, or null at the end of input
     */
    public static Outcome confirmAndRun(AssistantAction action, Function<String, String> ask, BoxofficeApi api) {
        if (action.getRequestCase() == AssistantAction.RequestCase.REQUEST_NOT_SET) {
            return new Outcome.Declined();
        }
        String answer = ask.apply(question(action));
        String word = answer == null ? "" : answer.trim().toLowerCase(Locale.ROOT);
        if (!word.equals("y") && !word.equals("yes")) {
            return new Outcome.Declined();
        }
        String key = IdempotencyKeys.newKey();
        return switch (action.getRequestCase()) {
            case CANCEL_BOOKING -> new Outcome.Cancelled(api.cancel(action.getCancelBooking().getBookingId(),
                    action.getCancelBooking().getReason(), key));
            case HOLD_SEATS -> new Outcome.Held(api.hold(action.getHoldSeats().getShowId(), choice(action.getHoldSeats()), key));
            case REQUEST_NOT_SET -> throw new IllegalStateException("checked above");
        };
    }

    /** One line saying what was done. */
    public static String describe(Outcome outcome, long nowMillis) {
        return switch (outcome) {
            case Outcome.Declined declined -> NOTHING_CHANGED;
            case Outcome.Cancelled cancelled -> "Cancelled " + cancelled.booking().getId() + "; refunded "
                    + Formats.money(cancelled.booking().getRefunded()) + " of " + Formats.money(cancelled.booking().getAmount()) + ".";
            case Outcome.Held held -> Views.hold(held.hold(), nowMillis).stripTrailing();
        };
    }

    private static SeatChoice choice(HoldSeatsRequest request) {
        return request.getSeatIdsCount() > 0 ? SeatChoice.seats(request.getSeatIdsList())
                : SeatChoice.best(request.getBestAvailable().getCount(), request.getBestAvailable().getCategory());
    }
}
