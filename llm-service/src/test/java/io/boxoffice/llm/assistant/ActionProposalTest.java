package io.boxoffice.llm.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests become at most one proposed action, built from the facts with its consequences, or
 * none with a line that says what is missing. Nothing is ever performed here.
 */
class ActionProposalTest {

    private final FactAnswerer answerer = new FactAnswerer(PolicyLibrary.loadDefault(), 2);

    private FactualAnswer december(String question) {
        return answerer.answer(question, DateAnswersTest.FACTS, DateAnswersTest.NOW, DateAnswersTest.BERLIN);
    }

    private FactualAnswer november(String question) {
        return answerer.answer(question, AssistantFixtures.facts(), AssistantFixtures.NOW, ZoneOffset.UTC);
    }

    @Test
    void cancel_my_booking_proposes_cancelling_it_with_the_policys_full_refund() {
        FactualAnswer answer = december("Cancel my Leader Election booking");
        ProposedAction.CancelBooking cancel = (ProposedAction.CancelBooking) answer.proposedAction().orElseThrow();
        assertThat(cancel.bookingId()).isEqualTo("B-1");
        assertThat(cancel.refund()).isEqualTo(new Money(1200, "EUR"));
        assertThat(cancel.fullRefundUntil()).isEqualTo(DateAnswersTest.berlin(11, 18, 0));
        assertThat(cancel.summary()).isEqualTo("Cancel booking B-1 (Leader Election, Fri 11 Dec 2026 20:00 Europe/Berlin,"
                + " seats C3): its seats are freed, and you get a full refund of EUR 12.00 (full refunds end at"
                + " Fri 11 Dec 2026 18:00 Europe/Berlin, 2 hours before the show).");
        assertThat(answer.text()).contains(ActionProposer.PROPOSED + cancel.summary());
    }

    @Test
    void inside_the_refund_window_the_proposal_says_there_is_no_refund() {
        ProposedAction.CancelBooking cancel = (ProposedAction.CancelBooking) november("please cancel my Oppenheimer booking")
                .proposedAction().orElseThrow();
        assertThat(cancel.refund()).isEqualTo(new Money(0, "EUR"));
        assertThat(cancel.summary()).contains("you get no refund of its EUR 12.00 (full refunds ended at Tue 24 Nov 2026 17:30 UTC");
    }

    @Test
    void bookings_that_cannot_be_cancelled_get_no_proposal() {
        FactualAnswer started = november("cancel my Barbie booking");
        assertThat(started.proposedAction()).isEmpty();
        assertThat(started.text()).contains("can no longer be cancelled");
        FactualAnswer cancelled = november("cancel my Amélie booking");
        assertThat(cancelled.proposedAction()).isEmpty();
        assertThat(cancelled.text()).contains("is already cancelled");
    }

    @Test
    void an_unnamed_booking_among_several_gets_no_proposal_but_a_question() {
        FactualAnswer answer = november("cancel my booking");
        assertThat(answer.proposedAction()).isEmpty();
        assertThat(answer.text()).contains("You have 4 bookings: B-1001 (Dune: Part Two)").contains("Name one");
    }

    @Test
    void the_only_booking_of_the_day_named_needs_no_title() {
        ProposedAction action = december("I'd like to cancel my booking for this Friday").proposedAction().orElseThrow();
        assertThat(((ProposedAction.CancelBooking) action).bookingId()).isEqualTo("B-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"What do I get back if I cancel my Dune: Part Two booking?", "How do cancellations work?",
        "When does my hold expire?", "how long do holds last", "Which seats do I have for Dune: Part Two?"})
    void questions_about_actions_propose_none(String question) {
        assertThat(november(question).proposedAction()).isEmpty();
    }

    @Test
    void hold_seats_proposes_the_category_count_and_price_of_tonights_show() {
        FactualAnswer answer = december("hold 2 premium seats for Split Brain tonight");
        ProposedAction.HoldSeats hold = (ProposedAction.HoldSeats) answer.proposedAction().orElseThrow();
        assertThat(hold.showId()).isEqualTo("S-6");
        assertThat(hold.seatCount()).isEqualTo(2);
        assertThat(hold.category()).isEqualTo("Premium");
        assertThat(hold.pricePerSeat()).contains(new Money(1200, "EUR"));
        assertThat(hold.totalPrice()).contains(new Money(2400, "EUR"));
        assertThat(hold.holdDuration()).contains(java.time.Duration.ofMinutes(10));
        assertThat(hold.summary()).isEqualTo("Hold 2 Premium seats (best available, side by side where possible) for"
                + " Split Brain at Sun 6 Dec 2026 20:00 Europe/Berlin in Screen 1: EUR 12.00 each, EUR 24.00 in all, paid only"
                + " when you confirm the hold with a card. The hold keeps the seats for 10 minutes; then they are free again.");
        assertThat(answer.text()).startsWith("I read \"tonight\" as Sun 6 Dec 2026, 17:00 to 05:00 the next morning");
    }

    @Test
    void a_show_named_by_its_id_and_a_count_in_words_are_understood() {
        ProposedAction.HoldSeats hold = (ProposedAction.HoldSeats) december("could you reserve two tickets for show S-7")
                .proposedAction().orElseThrow();
        assertThat(hold.showId()).isEqualTo("S-7");
        assertThat(hold.seatCount()).isEqualTo(2);
        assertThat(hold.category()).isEmpty();
        assertThat(hold.totalPrice()).contains(new Money(2400, "EUR")); // one category, so one price
    }

    @Test
    void a_hold_that_the_facts_do_not_pin_down_is_not_proposed() {
        assertThat(december("hold 2 seats for Split Brain").text()).contains("Split Brain has 4 upcoming shows")
                .contains("for example \"hold 2 seats for show S-6\"");
        assertThat(december("hold seats for Split Brain tonight").text()).contains("How many seats?");
        assertThat(december("hold 2 seats for tonight").text()).contains("Which show?");
        assertThat(december("hold 11 seats for Split Brain tonight").text()).contains("A hold takes at most 10 seats");
        assertThat(december("hold 2 seats for Split Brain on 20 December").text())
                .contains("I have no upcoming Split Brain show Sun 20 Dec 2026 to hold seats for.");
        for (String question : List.of("hold 2 seats for Split Brain", "hold seats for Split Brain tonight",
                "hold 2 seats for tonight", "hold 11 seats for Split Brain tonight")) {
            assertThat(december(question).proposedAction()).as(question).isEmpty();
        }
    }

    @Test
    void more_seats_than_are_free_are_not_proposed() {
        Facts facts = new Facts("user1", List.of(), List.of(),
                List.of(DateAnswersTest.show("S-1", "Split Brain", DateAnswersTest.berlin(6, 20, 0), 3)),
                Optional.of(AssistantFixtures.POLICY));
        FactualAnswer answer = answerer.answer("hold 4 premium seats for Split Brain tonight", facts, DateAnswersTest.NOW,
                DateAnswersTest.BERLIN);
        assertThat(answer.proposedAction()).isEmpty();
        assertThat(answer.text()).contains("Only 3 Premium seats are free for Split Brain at Sun 6 Dec 2026 20:00");
    }

    @Test
    void a_show_that_started_cannot_be_held() {
        Instant late = DateAnswersTest.berlin(6, 20, 30);
        FactualAnswer answer = answerer.answer("hold 2 seats for Split Brain tonight", DateAnswersTest.FACTS, late,
                ZoneId.of("Europe/Berlin"));
        assertThat(answer.proposedAction()).isEmpty();
        assertThat(answer.text()).contains("I have no upcoming Split Brain show tonight");
    }
}
