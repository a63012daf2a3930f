package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** One user's facts at 2026-11-24 18:00 UTC, with the booking node's default policy. */
public final class AssistantFixtures {

    public static final Instant NOW = Instant.parse("2026-11-24T18:00:00Z");

    /** What a booking node with the default limits sends: full refund up to 2 h before, 10-minute holds, 10 seats a hold. */
    public static final Facts.Policy POLICY = new Facts.Policy(Duration.ofHours(2), Optional.of(Duration.ofMinutes(10)),
            OptionalInt.of(10));

    private AssistantFixtures() {}

    public static Facts facts() {
        return new Facts("user1",
                List.of(
                        new Facts.Booking("B-1001", "S-1", "Dune: Part Two", Instant.parse("2026-11-24T21:00:00Z"), "Screen 1",
                                List.of("F7", "F8"), new Money(2400, "EUR"), Facts.BookingStatus.CONFIRMED),
                        new Facts.Booking("B-1002", "S-3", "Oppenheimer", Instant.parse("2026-11-24T19:30:00Z"), "Screen 3",
                                List.of("C3"), new Money(1200, "EUR"), Facts.BookingStatus.CONFIRMED),
                        new Facts.Booking("B-1003", "S-4", "Barbie", Instant.parse("2026-11-24T17:00:00Z"), "Screen 2",
                                List.of("A1", "A2", "A3"), new Money(3300, "EUR"), Facts.BookingStatus.CONFIRMED),
                        new Facts.Booking("B-1004", "S-5", "Amélie", Instant.parse("2026-11-26T20:00:00Z"), "Screen 4",
                                List.of("D4"), new Money(950, "EUR"), Facts.BookingStatus.CANCELLED)),
                List.of(new Facts.Hold("H-77", "S-6", "Dune: Part Two", Instant.parse("2026-11-25T20:00:00Z"),
                        List.of("G1", "G2"), Instant.parse("2026-11-24T18:07:30Z"))),
                List.of(
                        new Facts.Show("S-1", "Dune: Part Two", "Screen 1", Instant.parse("2026-11-24T21:00:00Z"), 37, 120,
                                List.of(new Facts.CategoryAvailability("Standard", new Money(1200, "EUR"), 30),
                                        new Facts.CategoryAvailability("Premium", new Money(1800, "EUR"), 7))),
                        new Facts.Show("S-2", "Wicked", "Screen 2", Instant.parse("2026-11-25T18:00:00Z"), 0, 80, List.of())),
                Optional.of(POLICY));
    }
}
