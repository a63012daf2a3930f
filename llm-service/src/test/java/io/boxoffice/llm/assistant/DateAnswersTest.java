package io.boxoffice.llm.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Answers that name a day, on a fixed clock (Sunday 6 December 2026, 17:00 in Berlin): only the
 * shows, bookings and holds of that day in the user's zone are listed.
 */
class DateAnswersTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant NOW = ZonedDateTime.of(2026, 12, 6, 17, 0, 0, 0, BERLIN).toInstant();
    private final FactAnswerer answerer = new FactAnswerer(PolicyLibrary.loadDefault(), 2);

    static Instant berlin(int day, int hour, int minute) {
        return ZonedDateTime.of(2026, 12, day, hour, minute, 0, 0, BERLIN).toInstant();
    }

    static Facts.Show show(String id, String title, Instant startsAt, int free) {
        return new Facts.Show(id, title, "Screen 1", startsAt, free, 100,
                List.of(new Facts.CategoryAvailability("Premium", new Money(1200, "EUR"), Math.min(free, 20))));
    }

    static final Facts FACTS = new Facts("user1",
            List.of(new Facts.Booking("B-1", "S-9", "Leader Election", berlin(11, 20, 0), "Screen 2", List.of("C3"),
                    new Money(1200, "EUR"), Facts.BookingStatus.CONFIRMED)),
            List.of(),
            List.of(show("S-6", "Split Brain", berlin(6, 20, 0), 40), show("S-7", "Split Brain", berlin(7, 20, 0), 31),
                    show("S-8", "Split Brain", berlin(8, 20, 0), 52), show("S-10", "Sunday Bloody Sunday", berlin(9, 18, 0), 12),
                    show("S-11", "Split Brain", berlin(8, 0, 30), 60)),
            Optional.of(AssistantFixtures.POLICY));

    private String ask(String question) {
        return answerer.answer(question, FACTS, NOW, BERLIN).text();
    }

    @Test
    void tomorrow_lists_only_tomorrows_show_in_the_users_zone() {
        String text = ask("How many seats are left for Split Brain tomorrow?");
        assertThat(text).startsWith("I read \"tomorrow\" as Mon 7 Dec 2026 (Europe/Berlin).")
                .contains("Split Brain at Mon 7 Dec 2026 20:00 Europe/Berlin in Screen 1: 31 of 100 seats free")
                .doesNotContain("Tue 8 Dec").doesNotContain("Sun 6 Dec 2026 20:00");
    }

    @Test
    void a_show_after_midnight_belongs_to_the_next_day_in_the_users_zone() {
        // S-11 starts at 00:30 on the 8th in Berlin: not "tomorrow" (the 7th) there, but the 7th in New York.
        assertThat(ask("any seats for Split Brain tomorrow?")).contains("Mon 7 Dec 2026 20:00").doesNotContain("00:30");
        String newYork = answerer.answer("any seats for Split Brain tomorrow?", FACTS, NOW, ZoneId.of("America/New_York")).text();
        assertThat(newYork).contains("Split Brain at Mon 7 Dec 2026 18:30 America/New_York");
    }

    @Test
    void tonight_is_this_evening() {
        assertThat(ask("any seats left for Split Brain tonight?"))
                .contains("Split Brain at Sun 6 Dec 2026 20:00 Europe/Berlin in Screen 1: 40 of 100 seats free")
                .doesNotContain("Mon 7 Dec 2026 20:00");
    }

    @Test
    void a_day_without_a_show_says_so_and_lists_the_others() {
        assertThat(ask("How many seats are left for Split Brain this Friday?"))
                .contains("I have no Split Brain show this Friday (Fri 11 Dec 2026). The ones I have:")
                .contains("Mon 7 Dec 2026 20:00");
    }

    @Test
    void next_week_covers_monday_to_sunday() {
        String text = ask("What Split Brain shows are playing next week?");
        assertThat(text).contains("Mon 7 Dec 2026 20:00").contains("Tue 8 Dec 2026 20:00").doesNotContain("Sun 6 Dec 2026 20:00");
    }

    @Test
    void my_booking_this_friday_is_found_by_its_day() {
        assertThat(ask("what did I book for this Friday?")).contains("Booking B-1: Leader Election, Fri 11 Dec 2026 20:00");
        assertThat(ask("what did I book for tomorrow?")).contains("You have no booking tomorrow (Mon 7 Dec 2026). Your bookings are:");
    }

    @Test
    void a_film_named_like_a_day_is_a_title_not_a_date() {
        assertThat(ask("how many seats are left for Sunday Bloody Sunday?")).contains("Sunday Bloody Sunday at Wed 9 Dec 2026 18:00")
                .doesNotContain("I read");
    }
}
