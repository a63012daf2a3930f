package io.boxoffice.llm.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Date phrases on a fixed clock: Sunday 6 December 2026, 17:00 in Berlin (16:00 UTC). */
class DatePhrasesTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant NOW = ZonedDateTime.of(2026, 12, 6, 17, 0, 0, 0, BERLIN).toInstant();

    @ParameterizedTest(name = "\"{0}\" is [{1}, {2}) in Berlin")
    @CsvSource(delimiter = '|', textBlock = """
            how many seats are left for split brain tomorrow | 2026-12-07T00:00 | 2026-12-08T00:00 | tomorrow | Mon 7 Dec 2026
            any seats today                                  | 2026-12-06T00:00 | 2026-12-07T00:00 | today | Sun 6 Dec 2026
            hold 2 premium seats for split brain tonight     | 2026-12-06T17:00 | 2026-12-07T05:00 | tonight | Sun 6 Dec 2026, 17:00 to 05:00 the next morning
            what is on tomorrow night                        | 2026-12-07T17:00 | 2026-12-08T05:00 | tomorrow night | Mon 7 Dec 2026, 17:00 to 05:00 the next morning
            the day after tomorrow                           | 2026-12-08T00:00 | 2026-12-09T00:00 | the day after tomorrow | Tue 8 Dec 2026
            is anything on this friday                       | 2026-12-11T00:00 | 2026-12-12T00:00 | this Friday | Fri 11 Dec 2026
            seats on friday                                  | 2026-12-11T00:00 | 2026-12-12T00:00 | this Friday | Fri 11 Dec 2026
            friday night please                              | 2026-12-11T17:00 | 2026-12-12T05:00 | this Friday night | Fri 11 Dec 2026, 17:00 to 05:00 the next morning
            next friday                                      | 2026-12-11T00:00 | 2026-12-12T00:00 | next Friday | Fri 11 Dec 2026
            next tuesday                                     | 2026-12-08T00:00 | 2026-12-09T00:00 | next Tuesday | Tue 8 Dec 2026
            this sunday                                      | 2026-12-06T00:00 | 2026-12-07T00:00 | this Sunday | Sun 6 Dec 2026
            shows next week                                  | 2026-12-07T00:00 | 2026-12-14T00:00 | next week | Mon 7 – Sun 13 Dec 2026
            shows this week                                  | 2026-12-06T00:00 | 2026-12-07T00:00 | this week | Sun 6 Dec 2026
            this weekend                                     | 2026-12-06T00:00 | 2026-12-07T00:00 | this weekend | Sun 6 Dec 2026
            next weekend                                     | 2026-12-12T00:00 | 2026-12-14T00:00 | next weekend | Sat 12 – Sun 13 Dec 2026
            on 8 december                                    | 2026-12-08T00:00 | 2026-12-09T00:00 | Tue 8 Dec 2026 | Tue 8 Dec 2026
            dec 24th                                         | 2026-12-24T00:00 | 2026-12-25T00:00 | Thu 24 Dec 2026 | Thu 24 Dec 2026
            the 3rd of january                               | 2027-01-03T00:00 | 2027-01-04T00:00 | Sun 3 Jan 2027 | Sun 3 Jan 2027
            2026-12-31                                       | 2026-12-31T00:00 | 2027-01-01T00:00 | Thu 31 Dec 2026 | Thu 31 Dec 2026
            """)
    void phrases_become_windows_in_the_users_zone(String question, String from, String until, String phrase, String dates) {
        DatePhrases.TimeWindow window = DatePhrases.find(question, NOW, BERLIN).orElseThrow();
        assertThat(window.from()).isEqualTo(java.time.LocalDateTime.parse(from).atZone(BERLIN).toInstant());
        assertThat(window.until()).isEqualTo(java.time.LocalDateTime.parse(until).atZone(BERLIN).toInstant());
        assertThat(window.phrase()).isEqualTo(phrase);
        assertThat(window.dates()).isEqualTo(dates);
    }

    @ParameterizedTest
    @ValueSource(strings = {"how many seats are left for split brain", "can i cancel my booking", "31 february",
        "may i hold 2 seats", "when does my hold expire"})
    void questions_without_a_time_have_no_window(String question) {
        assertThat(DatePhrases.find(question, NOW, BERLIN)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void the_same_words_mean_the_users_own_day() {
        // 23:30 UTC on the 6th is already the 7th in Berlin and still the 6th in New York.
        Instant lateEvening = Instant.parse("2026-12-06T23:30:00Z");
        assertThat(DatePhrases.find("tomorrow", lateEvening, BERLIN).orElseThrow().dates()).isEqualTo("Tue 8 Dec 2026");
        assertThat(DatePhrases.find("tomorrow", lateEvening, ZoneId.of("America/New_York")).orElseThrow().dates())
                .isEqualTo("Mon 7 Dec 2026");
    }
}
