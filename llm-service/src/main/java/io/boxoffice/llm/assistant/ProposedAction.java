package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one action a question asked for, pinned down by the facts and described with its
 * consequences. Built by {@link ActionProposer} from facts only; the service never performs it
 * (the user's client does, after the user said yes).
 */
public sealed interface ProposedAction permits ProposedAction.CancelBooking, ProposedAction.HoldSeats {

    /** What would happen and its consequences, for the user to confirm. */
    String summary();

    /** Cancel one of the user's confirmed bookings; {@code refund} is what the policy gives now. */
    record CancelBooking(String summary, String bookingId, Money amount, Money refund, Instant fullRefundUntil,
            List<String> seats) implements ProposedAction {
        public CancelBooking {
            seats = List.copyOf(seats);
        }
    }

    /**
     * Hold {@code seatCount} best-available seats of a show, in {@code category} (empty = any);
     * prices are absent when the category is open and the categories' prices differ.
     */
    record HoldSeats(String summary, String showId, int seatCount, String category, Optional<Money> pricePerSeat,
            Optional<Money> totalPrice, Instant showStartsAt, Optional<Duration> holdDuration) implements ProposedAction {}
}
