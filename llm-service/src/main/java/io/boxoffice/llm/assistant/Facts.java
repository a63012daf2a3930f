package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the booking node knows that the asking user may see. The assistant states nothing about
 * bookings, holds, shows or prices that is not in here.
 */
public record Facts(String userName, List<Booking> bookings, List<Hold> holds, List<Show> shows, Optional<Policy> policy) {

    public Facts {
        bookings = List.copyOf(bookings);
        holds = List.copyOf(holds);
        shows = List.copyOf(shows);
    }

    public static Facts none() {
        return new Facts("", List.of(), List.of(), List.of(), Optional.empty());
    }

    /**
     * The booking node's rules (its configuration is their one definition): the assistant applies
     * and states these values, never values of its own.
     *
     * @param fullRefundBeforeShow cancellations at least this long before the show are refunded in full, later ones not at all
     * @param holdDuration how long a new hold keeps its seats, when given
     * @param seatsPerHoldMax most seats in one hold, when given
     */
    public record Policy(Duration fullRefundBeforeShow, Optional<Duration> holdDuration, OptionalInt seatsPerHoldMax) {
        public Policy {
            if (fullRefundBeforeShow.isNegative()) {
                throw new IllegalArgumentException("the full-refund window must not be negative");
            }
        }
    }

    public enum BookingStatus { CONFIRMED, CANCELLED, REFUNDED }

    public record Booking(String bookingId, String showId, String movieTitle, Instant showStartsAt, String screen,
            List<String> seats, Money amount, BookingStatus status) {
        public Booking {
            seats = List.copyOf(seats);
        }
    }

    public record Hold(String holdId, String showId, String movieTitle, Instant showStartsAt, List<String> seats,
            Instant expiresAt) {
        public Hold {
            seats = List.copyOf(seats);
        }
    }

    public record CategoryAvailability(String category, Money price, int seatsFree) {}

    public record Show(String showId, String movieTitle, String screen, Instant startsAt, int seatsFree, int seatsTotal,
            List<CategoryAvailability> categories) {
        public Show {
            categories = List.copyOf(categories);
        }
    }
}
