package io.boxoffice.llm.assistant;

import static io.boxoffice.llm.assistant.AssistantFixtures.NOW;
import static io.boxoffice.llm.assistant.AssistantFixtures.facts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FactAnswererTest {

    private final FactAnswerer answerer = new FactAnswerer(PolicyLibrary.loadDefault(), 2);

    private FactualAnswer ask(String question) {
        return answerer.answer(question, facts(), NOW, ZoneOffset.UTC);
    }

    @Test
    void cancel_before_the_cutoff_gives_a_full_refund_with_the_exact_amount_and_deadline() {
        FactualAnswer answer = ask("Can I cancel booking B-1001?");
        assertThat(answer.intents()).contains(Intent.CANCEL_OR_REFUND);
        assertThat(answer.text())
                .contains("Booking B-1001 (Dune: Part Two, Tue 24 Nov 2026 21:00 UTC, seats F7, F8)")
                .contains("full refund of EUR 24.00 until Tue 24 Nov 2026 19:00 UTC (2 hours before the show); 1 hour left")
                .doesNotContain("B-1002").doesNotContain("B-1003");
        assertThat(answer.citations()).extracting(FactualAnswer.Citation::source).contains("booking:B-1001", "policy:cancellation-refund");
        assertThat(answer.outsideFacts()).isFalse();
    }

    @Test
    void a_refund_after_the_show_started_is_refused_by_policy() {
        FactualAnswer answer = ask("I want a refund for Barbie");
        assertThat(answer.text()).contains("Booking B-1003").contains("the show started at Tue 24 Nov 2026 17:00 UTC, so it can no longer be cancelled and there is no refund")
                .contains("Only an admin can refund it").doesNotContain("full refund of");
    }

    @Test
    void inside_the_two_hour_window_cancelling_gives_no_refund() {
        FactualAnswer answer = ask("Can I still cancel Oppenheimer and get my money back?");
        assertThat(answer.text()).contains("Booking B-1002").contains("the full-refund window closed at Tue 24 Nov 2026 17:30 UTC")
                .contains("cancelling now gives no refund");
    }

    @Test
    void an_already_cancelled_booking_is_reported_as_such() {
        assertThat(ask("cancel my Amélie booking").text()).contains("Booking B-1004").contains("is already cancelled");
    }

    @Test
    void the_hold_expiry_is_given_to_the_second_with_the_time_left() {
        FactualAnswer answer = ask("When does my hold expire?");
        assertThat(answer.intents()).containsExactly(Intent.HOLD_EXPIRY);
        assertThat(answer.text()).contains("Your hold H-77 on seats G1, G2 for Dune: Part Two")
                .contains("expires at Tue 24 Nov 2026 18:07:30 UTC, in 7 minutes 30 seconds");
        assertThat(answer.citations()).extracting(FactualAnswer.Citation::source).contains("hold:H-77", "policy:holds");
    }

    @Test
    void an_expired_hold_is_said_to_have_expired() {
        FactualAnswer answer = answerer.answer("is my hold still valid?", facts(), NOW.plusSeconds(600), ZoneOffset.UTC);
        assertThat(answer.text()).contains("expired at Tue 24 Nov 2026 18:07:30 UTC").doesNotContain("expires at");
    }

    @Test
    void seats_for_a_movie_list_only_that_movies_booking() {
        FactualAnswer answer = ask("Which seats do I have for Dune: Part Two?");
        assertThat(answer.text()).contains("Booking B-1001: Dune: Part Two, Tue 24 Nov 2026 21:00 UTC, Screen 1, seats F7, F8, EUR 24.00, confirmed.")
                .doesNotContain("C3").doesNotContain("Oppenheimer");
    }

    @Test
    void seats_left_come_from_the_show_availability() {
        assertThat(ask("How many seats are left for Wicked?").text()).contains("Wicked at Wed 25 Nov 2026 18:00 UTC in Screen 2: 0 of 80 seats free.");
        assertThat(ask("how many seats left for dune part two").text())
                .contains("Dune: Part Two at Tue 24 Nov 2026 21:00 UTC in Screen 1: 37 of 120 seats free (Standard: 30 free; Premium: 7 free).")
                .doesNotContain("Wicked");
    }

    @Test
    void prices_come_from_the_show_categories() {
        assertThat(ask("How much are tickets for Dune: Part Two?").text()).contains("Standard EUR 12.00; Premium EUR 18.00");
    }

    @Test
    void times_are_rendered_in_the_requested_zone() {
        FactualAnswer answer = answerer.answer("Can I cancel booking B-1001?", facts(), NOW, ZoneId.of("Europe/Berlin"));
        assertThat(answer.text()).contains("until Tue 24 Nov 2026 20:00 Europe/Berlin");
    }

    @Test
    void policy_questions_quote_the_policy() {
        assertThat(ask("How long do holds last before they expire?").text()).contains("A hold expires after 10 minutes, unless you pay")
                .contains("can be extended, up to a cap");
        assertThat(ask("Which test cards can I use to pay?").text()).contains("with the hold id as the idempotency key")
                .contains("test card numbers");
        assertThat(ask("Is there wheelchair access?").text()).contains("wheelchair spaces");
    }

    @Test
    void without_bookings_there_is_nothing_to_cancel() {
        FactualAnswer answer = answerer.answer("Can I cancel my booking?", Facts.none(), NOW, ZoneOffset.UTC);
        assertThat(answer.text()).contains("You have no bookings").doesNotContain("B-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Who directed Dune?", "What will the weather be like tomorrow?", "Is there parking near the cinema?",
        "Do you sell popcorn?", "What is the meaning of life?"})
    void questions_outside_the_facts_are_answered_without_invented_details(String question) {
        FactualAnswer answer = ask(question);
        assertThat(answer.outsideFacts()).isTrue();
        assertThat(answer.text()).isEqualTo(FactAnswerer.OUTSIDE_FACTS);
        assertThat(Pattern.compile("\\d").matcher(answer.text()).find()).isFalse();
        assertThat(answer.citations()).isEmpty();
    }

    @Test
    void the_policy_text_states_the_booking_nodes_values_not_its_own() {
        PolicyLibrary.Passage refunds = PolicyLibrary.loadDefault().passage("cancellation-refund");
        assertThat(refunds.render(Optional.of(AssistantFixtures.POLICY)).text())
                .contains("full refund if you cancel up to 2 hours before the show starts, and no refund after that")
                .contains("Admins can refund any booking");
        Facts.Policy ninetyMinutes = new Facts.Policy(Duration.ofMinutes(90), Optional.of(Duration.ofMinutes(5)), OptionalInt.empty());
        assertThat(refunds.render(Optional.of(ninetyMinutes)).text()).contains("up to 1 hour 30 minutes before the show starts");
        assertThat(PolicyLibrary.loadDefault().passage("holds").render(Optional.of(ninetyMinutes)).text())
                .contains("A hold expires after 5 minutes");
        assertThat(refunds.render(Optional.empty()).text()).contains("up to a time the cinema sets before the show starts")
                .doesNotContainPattern("\\d");
    }

    @Test
    void the_refund_deadline_follows_the_window_the_booking_node_sends() {
        Facts facts = AssistantFixtures.facts();
        Facts thirtyMinutes = new Facts(facts.userName(), facts.bookings(), facts.holds(), facts.shows(),
                Optional.of(new Facts.Policy(Duration.ofMinutes(30), Optional.empty(), OptionalInt.empty())));
        // Oppenheimer starts at 19:30; at 18:00 the 2-hour window has closed, a 30-minute one has not.
        assertThat(ask("can I still get a refund for Oppenheimer?").text()).contains("cancelling now gives no refund");
        assertThat(answerer.answer("can I still get a refund for Oppenheimer?", thirtyMinutes, NOW, ZoneOffset.UTC).text())
                .contains("full refund of EUR 12.00 until Tue 24 Nov 2026 19:00 UTC (30 minutes before the show)");
    }

    @Test
    void without_the_booking_nodes_policy_no_refund_is_stated() {
        Facts facts = AssistantFixtures.facts();
        Facts noPolicy = new Facts(facts.userName(), facts.bookings(), facts.holds(), facts.shows(), Optional.empty());
        FactualAnswer answer = answerer.answer("cancel my Dune: Part Two booking", noPolicy, NOW, ZoneOffset.UTC);
        assertThat(answer.text()).contains("Booking B-1001").contains(FactAnswerer.NO_REFUND_RULES).doesNotContain("full refund of");
        assertThat(answer.proposedAction()).isEmpty();
    }
}
